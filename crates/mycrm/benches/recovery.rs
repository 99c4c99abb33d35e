//! Back online after a fault, with the production reconnect settings (target: p95 ≤ 2 s from
//! the moment the server is reachable again). Each fault is repeated `RECOVERY_RUNS` times
//! (default 20); outages last `RECOVERY_OUTAGE_S` seconds (default 6, long enough for the
//! backoff to grow past the target); `RECOVERY_LONG_IPTC=1` adds one two-minute IPTC outage.
//!
//! `cargo bench -p mycrm --bench recovery`

use std::time::{Duration, Instant};

use mycrm::supervisor::{self, ConnectionState, SupervisorConfig, SupervisorHandle};
use mycrm::surroundings::manual::Manual;
use mycrm::{Credentials, Server};
use mycrm_sim::{Sim, SimConfig};

const DESK: &str = "5985841581756135023";
const LIMIT: Duration = Duration::from_secs(60);

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or_default()
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{name:<44} n={:<3} p50 {:>7.0} ms  p95 {:>7.0} ms  max {:>7.0} ms",
        samples.len(),
        ms(percentile(&samples, 0.50)),
        ms(percentile(&samples, 0.95)),
        ms(samples.last().copied().unwrap_or_default())
    );
}

async fn start(sim: &Sim, around: &Manual) -> SupervisorHandle {
    let server = Server::parse(&sim.base_url()).expect("url");
    let mut config = SupervisorConfig::new(server, Credentials::new("alice", "secret"));
    config.watch = around.watch();
    let (handle, events) = supervisor::spawn(config).expect("spawned");
    // Nobody reads the events here; keep the channel drained.
    tokio::spawn(async move {
        let mut events = events;
        while events.recv().await.is_some() {}
    });
    handle.wait_online(LIMIT).await.expect("online");
    handle
}

async fn offline(handle: &SupervisorHandle) {
    let mut states = handle.subscribe();
    let _ = tokio::time::timeout(LIMIT, states.wait_for(|s| !matches!(s, ConnectionState::Online(_)))).await;
}

/// Time from now until the supervisor is online again.
async fn back_online(handle: &SupervisorHandle) -> Duration {
    let start = Instant::now();
    handle.wait_online(LIMIT).await.expect("back online");
    start.elapsed()
}

#[tokio::main]
async fn main() {
    let runs = env_number("RECOVERY_RUNS", 20);
    let around = Manual::default();
    let outage = Duration::from_secs(env_number("RECOVERY_OUTAGE_S", 6));
    let mut sim = Sim::start(SimConfig::default()).await.expect("sim");
    let addr = sim.addr();

    let mut samples = Vec::new();
    for _ in 0..runs {
        let handle = start(&sim, &around).await;
        sim.shutdown().await;
        offline(&handle).await;
        tokio::time::sleep(outage).await;
        sim = Sim::start_on(addr, SimConfig::default()).await.expect("restart");
        samples.push(back_online(&handle).await);
        handle.shutdown().await;
    }
    report(&format!("server restart ({} s down) → online", outage.as_secs()), samples);

    let mut samples = Vec::new();
    let long = env_number("RECOVERY_LONG_IPTC", 0) == 1;
    for run in 0..runs + u64::from(long) {
        let handle = start(&sim, &around).await;
        sim.control().set_iptc_down(true);
        sim.control().drop_sockets();
        offline(&handle).await;
        tokio::time::sleep(if run == runs { Duration::from_secs(120) } else { outage }).await;
        sim.control().set_iptc_down(false);
        let took = back_online(&handle).await;
        if run == runs {
            report("IPTC down (120 s) → online", vec![took]);
        } else {
            samples.push(took);
        }
        handle.shutdown().await;
    }
    report(&format!("IPTC down ({} s) → online", outage.as_secs()), samples);

    for (name, sleep) in [("sleep (clock +1 h), dead socket", true), ("network change, dead socket", false)] {
        let mut samples = Vec::new();
        for _ in 0..runs {
            let handle = start(&sim, &around).await;
            assert!(sim.control().wait_for_subscriber(DESK, LIMIT).await);
            sim.control().set_silent(true);
            let start = Instant::now();
            if sleep {
                around.sleep(3_600);
            } else {
                around.change_network();
            }
            offline(&handle).await;
            handle.wait_online(LIMIT).await.expect("back online");
            samples.push(start.elapsed());
            handle.shutdown().await;
            sim.control().set_silent(false);
        }
        report(&format!("{name} → online"), samples);
    }
    sim.shutdown().await;
}
