//! Soak: a million call events through the real app (release build) against the simulator,
//! with the event socket cut every 100,000 events so the app reconnects; prints the app's
//! memory and open file descriptors as it goes (they must stay flat). Run by
//! `scripts/soak.sh` inside a desktop session.
//!
//! The app runs signed in with its settings stored (journal on disk, as at a desk) and in Do
//! not disturb, so half a million calls do not become half a million popups and notifications;
//! every call still goes through the tracker, the call board, the tray and the journal.
//! `SOAK_EVENTS` (default 1,000,000) and `SOAK_RATE` (events per second, default 4,000) tune it.

use std::time::{Duration, Instant};

use istra_tray_e2e::Unattended;
use mycrm_sim::{Sim, SimConfig};
use serde_json::json;

const DESK: &str = "5985841581756135023";
/// Calls per frame; each call is two events (ringing, then dropped in the next frame).
const BATCH: usize = 50;
const RECONNECT_EVERY: usize = 100_000;
const WAIT: Duration = Duration::from_secs(20);

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(default)
}

fn status_kib(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(key)?.trim().strip_suffix("kB")?.trim().parse().ok())
        .unwrap_or(0)
}

fn pss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("Pss:")?.trim().strip_suffix("kB")?.trim().parse().ok())
        .unwrap_or(0)
}

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map(Iterator::count).unwrap_or(0)
}

fn sample(pid: u32, events: usize, started: Instant) {
    println!(
        "{events:>9} events  {:>6.0} s  RSS {:>6.1} MiB  PSS {:>6.1} MiB  fds {:>4}  threads {:>3}",
        started.elapsed().as_secs_f64(),
        status_kib(pid, "VmRSS:") as f64 / 1024.0,
        pss_kib(pid) as f64 / 1024.0,
        open_fds(pid),
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("Threads:")?.trim().parse::<u32>().ok())
            .unwrap_or(0),
    );
}

fn frame(first_call: usize, ringing: bool) -> Vec<serde_json::Value> {
    (first_call..first_call + BATCH)
        .map(|i| {
            let id = format!("-{i}");
            if ringing {
                json!({"event":"callRinging","callId":id,"displayNumber":"+33123456789",
                       "displayNumberE164":"+33123456789","displayLabel":"Soak","incoming":true,"type":"external"})
            } else {
                json!({"event":"callDropped","callId":id,"dropCause":"noAnswer","ringingTime":"1000"})
            }
        })
        .collect()
}

async fn run() -> Result<(), String> {
    let total = env_number("SOAK_EVENTS", 1_000_000);
    let rate = env_number("SOAK_RATE", 4_000).max(BATCH);
    let sim = Sim::start(SimConfig::default()).await.map_err(|e| e.to_string())?;
    let home = Unattended::folder("soak");
    let config = home.join("config/istra-tray");
    std::fs::create_dir_all(&config).map_err(|e| e.to_string())?;
    std::fs::write(config.join("settings.json"), r#"{"dnd": true, "handleLinks": false}"#)
        .map_err(|e| e.to_string())?;
    let mut app =
        Unattended::sign_in_within(home.clone(), &sim.base_url(), "alice", "secret", &["--remember"], &[]).await;
    let pid = app.pid().ok_or("the app exited")?;
    if !sim.control().wait_for_subscriber(DESK, WAIT).await {
        return Err("the app never came online".into());
    }
    println!("soak: {total} events at {rate}/s, socket cut every {RECONNECT_EVERY} events");
    let started = Instant::now();
    sample(pid, 0, started);
    let frame_gap = Duration::from_secs_f64(BATCH as f64 / rate as f64);
    let mut next_frame = tokio::time::Instant::now();
    let mut sent = 0;
    let mut call = 0;
    let mut reconnects = 0;
    while sent < total {
        for ringing in [true, false] {
            tokio::time::sleep_until(next_frame).await;
            next_frame += frame_gap;
            if sim.control().send_items(DESK, frame(call, ringing)) == 0 {
                return Err(format!("the app was not listening after {sent} events"));
            }
            sent += BATCH;
        }
        call += BATCH;
        if sent % RECONNECT_EVERY < 2 * BATCH {
            sample(pid, sent, started);
            sim.control().drop_sockets();
            reconnects += 1;
            tokio::time::sleep(Duration::from_millis(100)).await;
            if !sim.control().wait_for_subscriber(DESK, WAIT).await {
                return Err(format!("the app did not reconnect after {sent} events"));
            }
            next_frame = tokio::time::Instant::now();
        }
        if app.has_exited() {
            return Err(format!("the app exited after {sent} events"));
        }
    }
    // Let the journal writer drain, then the last look.
    tokio::time::sleep(Duration::from_secs(5)).await;
    sample(pid, sent, started);
    println!(
        "soak: {sent} events, {reconnects} reconnects, {} logins seen by the simulator, in {:.0} s",
        sim.control().login_count(),
        started.elapsed().as_secs_f64()
    );
    drop(app);
    let _ = std::fs::remove_dir_all(&home);
    Ok(())
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("soak: {e}");
        std::process::exit(1);
    }
}
