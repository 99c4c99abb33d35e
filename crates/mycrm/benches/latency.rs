//! Simulator frame sent → call update out of the supervisor and tracker, over loopback, for
//! 10,000 events (target: p99 ≤ 1 ms), next to the floor: a bare tokio-tungstenite loopback
//! frame in the same run (target: within 3×).

use std::time::{Duration, Instant};

use futures_util::{SinkExt as _, StreamExt as _};
use mycrm::supervisor::{self, SupervisorConfig};
use mycrm::{CallTracker, Credentials, Server};
use mycrm_sim::{Sim, SimConfig};
use serde_json::json;
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

const EVENTS: usize = 10_000;
const DESK: &str = "5985841581756135023";

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or_default()
}

fn report(name: &str, mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let (p50, p95, p99) = (percentile(&samples, 0.50), percentile(&samples, 0.95), percentile(&samples, 0.99));
    println!(
        "{name:<42} n={:<6} p50 {:>7.1} µs  p95 {:>7.1} µs  p99 {:>7.1} µs",
        samples.len(),
        us(p50),
        us(p95),
        us(p99)
    );
    p99
}

fn item(i: usize) -> serde_json::Value {
    let call = format!("-{}", i / 2);
    if i.is_multiple_of(2) {
        json!({"event":"callRinging","callId":call,"displayNumber":"+33123456789","displayNumberE164":"+33123456789",
               "displayLabel":"ACME","incoming":true,"type":"external"})
    } else {
        json!({"event":"callDropped","callId":call,"dropCause":"noAnswer","ringingTime":"800","talkingTime":0,"incoming":true})
    }
}

/// The same frames through a bare tokio-tungstenite server and client: no HTTP, no session.
async fn floor() -> Vec<Duration> {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    tokio::spawn(async move {
        let (socket, _) = listener.accept().await.expect("accept");
        let mut ws = tokio_tungstenite::accept_async(socket).await.expect("handshake");
        while let Some(text) = rx.recv().await {
            ws.send(Message::text(text)).await.expect("send");
        }
    });
    let (mut client, _) = tokio_tungstenite::connect_async(format!("ws://{addr}")).await.expect("connect");
    let mut samples = Vec::with_capacity(EVENTS);
    for i in 0..EVENTS {
        let text = json!({"listenerName":"CallLines","item":[item(i)]}).to_string();
        let sent = Instant::now();
        tx.send(text).expect("server alive");
        let message = client.next().await.expect("frame").expect("ok");
        assert!(message.is_text());
        samples.push(sent.elapsed());
    }
    samples
}

async fn through_the_client() -> Vec<Duration> {
    let sim = Sim::start(SimConfig::default()).await.expect("sim");
    let server = Server::parse(&sim.base_url()).expect("url");
    let (handle, mut events) =
        supervisor::spawn(SupervisorConfig::new(server, Credentials::new("alice", "secret"))).expect("spawn");
    handle.wait_online(Duration::from_secs(5)).await.expect("online");
    let control = sim.control();
    assert!(control.wait_for_subscriber(DESK, Duration::from_secs(5)).await);
    let mut tracker = CallTracker::default();
    let mut samples = Vec::with_capacity(EVENTS);
    for i in 0..EVENTS {
        let frame = vec![item(i)];
        let sent = Instant::now();
        control.send_items(DESK, frame);
        let event = events.recv().await.expect("event");
        let update = tracker.apply(&event, tokio::time::Instant::now());
        samples.push(sent.elapsed());
        assert!(update.is_some(), "every event here changes a call");
    }
    handle.shutdown().await;
    samples
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    runtime.block_on(async {
        // Warm both paths once so connection set-up is not measured.
        let _ = floor().await;
        let floor_p99 = report("bare tokio-tungstenite loopback frame", floor().await);
        let ours_p99 = report("sim frame -> supervisor -> call update", through_the_client().await);
        println!(
            "p99 ratio to the floor: {:.2}x (target <= 3x); p99 target <= 1000 µs",
            ours_p99.as_secs_f64() / floor_p99.as_secs_f64().max(1e-9)
        );
    });
}
