//! Faults a desk loses its connection to, with the production reconnect settings: the server
//! restarts, a socket is cut in the middle of a frame, the platform's telephony (IPTC) is down,
//! the server's name does not resolve, the laptop sleeps (the clock jumps), the network
//! changes. After each the supervisor is back online by itself, its listener rebuilt, and no
//! event of the new connection is lost. How fast is measured by `cargo bench --bench recovery`.
//!
//! The tests about time (backoff, the not-ready retry, the sleep and network checks) run on
//! paused tokio time: the simulator lives in the test's runtime, so every wait, the client's and
//! the server's, is virtual and the runtime jumps over it. The cut socket stays on real time.

mod common;

use std::time::Duration;

use common::*;
use mycrm::supervisor::{self, ConnectionState, SupervisorConfig, SupervisorHandle};
use mycrm::surroundings::manual::Manual;
use mycrm::{ErrorKind, Event, Server};
use mycrm_sim::{Sim, SimConfig};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// Generous bounds: the figures are the bench's business, these only catch "never".
const BACK: Duration = Duration::from_secs(15);

/// Production settings, except that the clock and network are `around`'s, moved by the test.
fn config_around(server: Server, around: &Manual) -> SupervisorConfig {
    let mut c = SupervisorConfig::new(server, alice());
    c.watch = around.watch();
    c
}

/// Production settings, with a clock and network of the test's own that nothing moves.
fn config(server: Server) -> SupervisorConfig {
    config_around(server, &Manual::default())
}

async fn online(config: SupervisorConfig) -> (SupervisorHandle, mpsc::Receiver<Event>) {
    let (handle, events) = supervisor::spawn(config).expect("spawned");
    handle.wait_online(WAIT).await.expect("online");
    (handle, events)
}

async fn wait_offline(handle: &SupervisorHandle, limit: Duration) -> ConnectionState {
    let mut states = handle.subscribe();
    let state = tokio::time::timeout(limit, states.wait_for(|s| !matches!(s, ConnectionState::Online(_))))
        .await
        .expect("the loss is noticed in time")
        .expect("running");
    state.clone()
}

/// An event sent now reaches the supervisor's consumer: the listener is live again.
async fn events_flow(sim: &Sim, events: &mut mpsc::Receiver<Event>, call_id: &str) {
    assert!(sim.control().wait_for_subscriber(DESK, WAIT).await, "the listener was rebuilt");
    sim.control().send_items(DESK, vec![ringing(call_id, "+33123456789", "After")]);
    let event = tokio::time::timeout(WAIT, events.recv()).await.expect("in time").expect("running");
    assert_eq!(event.call_id, call_id);
}

#[tokio::test(start_paused = true)]
async fn a_server_restart_is_survived_on_its_own() {
    let first = sim(SimConfig::default()).await;
    let addr = first.addr();
    let (handle, mut events) = online(config(server(&first))).await;
    first.shutdown().await;
    let state = wait_offline(&handle, WAIT).await;
    assert!(matches!(state, ConnectionState::Reconnecting { .. }), "{state:?}");
    // Down long enough for the backoff to grow past a few seconds.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let second = Sim::start_on(addr, SimConfig::default()).await.expect("restarted on the same port");
    let back = Instant::now();
    handle.wait_online(BACK).await.expect("back online");
    assert!(back.elapsed() < BACK);
    assert_eq!(second.control().login_count(), 1, "signed in again: the old session died with the server");
    events_flow(&second, &mut events, "r1").await;
}

#[tokio::test]
async fn a_socket_cut_in_the_middle_of_a_frame_loses_nothing_after_it() {
    let sim = sim(SimConfig::default()).await;
    let (handle, mut events) = online(config(server(&sim))).await;
    assert!(sim.control().wait_for_subscriber(DESK, WAIT).await);
    sim.control().send_raw(DESK, r#"[{"event":"callRinging","callId":"half","displayNu"#.to_owned());
    sim.control().drop_sockets();
    wait_offline(&handle, WAIT).await;
    handle.wait_online(BACK).await.expect("back online");
    events_flow(&sim, &mut events, "whole").await;
}

#[tokio::test(start_paused = true)]
async fn telephony_down_then_up_is_waited_out_and_said() {
    let sim = sim(SimConfig::default()).await;
    let (handle, mut events) = online(config(server(&sim))).await;
    sim.control().set_iptc_down(true);
    sim.control().drop_sockets();
    let mut states = handle.subscribe();
    let said = tokio::time::timeout(
        WAIT,
        states.wait_for(
            |s| matches!(s, ConnectionState::Reconnecting { reason, .. } if reason.kind == ErrorKind::ServerNotReady),
        ),
    )
    .await
    .expect("the state says the server is not ready")
    .expect("running")
    .clone();
    let ConnectionState::Reconnecting { delay, .. } = said else { unreachable!() };
    assert!(delay <= Duration::from_millis(1_500), "a not-ready server is asked again soon: {delay:?}");
    tokio::time::sleep(Duration::from_secs(6)).await;
    sim.control().set_iptc_down(false);
    handle.wait_online(BACK).await.expect("back online");
    events_flow(&sim, &mut events, "i1").await;
}

#[tokio::test(start_paused = true)]
async fn a_name_that_does_not_resolve_is_retried_with_backoff_and_said() {
    let server = Server::parse("http://istra-tray-test.invalid:8080").expect("url");
    let (handle, _events) = supervisor::spawn(config(server)).expect("spawned");
    let mut states = handle.subscribe();
    let mut attempts = 0;
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(5) {
        let Ok(Ok(())) = tokio::time::timeout(Duration::from_secs(1), states.changed()).await else { continue };
        if let ConnectionState::Reconnecting { attempt, reason, .. } = &*states.borrow() {
            assert_eq!(reason.kind, ErrorKind::Network, "{reason}");
            attempts = *attempt;
        }
    }
    assert!((2..=6).contains(&attempts), "backoff spaces the attempts: {attempts} in 5 s");
    handle.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_sleep_or_a_network_change_tests_the_socket_at_once() {
    let sim = sim(SimConfig::default()).await;
    let around = Manual::default();
    let (handle, mut events) = online(config_around(server(&sim), &around)).await;
    assert!(sim.control().wait_for_subscriber(DESK, WAIT).await);
    // After a sleep the old socket is dead without knowing it: silent, no pong.
    sim.control().set_silent(true);
    around.sleep(3_600);
    let noticed = Instant::now();
    // Without the clock check the keepalive would take 40 s to notice.
    wait_offline(&handle, Duration::from_secs(8)).await;
    handle.wait_online(BACK).await.expect("back online on a fresh socket");
    assert!(noticed.elapsed() < Duration::from_secs(20));
    events_flow(&sim, &mut events, "s1").await;

    sim.control().set_silent(true);
    around.change_network();
    wait_offline(&handle, Duration::from_secs(8)).await;
    handle.wait_online(BACK).await.expect("back online after the network change");
    events_flow(&sim, &mut events, "n1").await;
}
