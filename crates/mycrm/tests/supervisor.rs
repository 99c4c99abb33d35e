//! The supervisor keeps a connection through drops, expiries and outages, and stops for good
//! only when a person must act. The tests about waiting run on paused tokio time (the
//! simulator shares the test's runtime and clock).

mod common;

use std::time::Duration;

use common::*;
use mycrm::backoff::Backoff;
use mycrm::supervisor::{self, ConnectionState, SupervisorConfig, SupervisorHandle};
use mycrm::{Credentials, ErrorKind, Event, EventKind, WsMode};
use mycrm_sim::{Scenario, Sim, SimConfig, WsMode as SimMode};
use tokio::sync::mpsc;

fn config(sim: &Sim) -> SupervisorConfig {
    let mut c = SupervisorConfig::new(server(sim), alice());
    c.backoff = Backoff { base: Duration::from_millis(50), cap: Duration::from_millis(400) };
    c
}

async fn online(config: SupervisorConfig) -> (SupervisorHandle, mpsc::Receiver<Event>) {
    let (handle, events) = supervisor::spawn(config).expect("spawned");
    handle.wait_online(WAIT).await.expect("online");
    (handle, events)
}

async fn next_event(events: &mut mpsc::Receiver<Event>) -> Event {
    tokio::time::timeout(WAIT, events.recv()).await.expect("event in time").expect("supervisor running")
}

/// Waits until the supervisor has gone offline and back online.
async fn wait_reconnected(handle: &SupervisorHandle, sim: &Sim) {
    let mut states = handle.subscribe();
    tokio::time::timeout(WAIT, states.wait_for(|s| !matches!(s, ConnectionState::Online(_))))
        .await
        .expect("noticed the loss")
        .expect("running");
    handle.wait_online(WAIT).await.expect("back online");
    assert!(sim.control().wait_for_subscriber(DESK, WAIT).await);
}

#[tokio::test]
async fn goes_online_on_the_first_terminal_and_forwards_events() {
    let sim = sim(SimConfig::default()).await;
    let (handle, mut events) = online(config(&sim)).await;
    let ConnectionState::Online(o) = handle.state() else { panic!("online") };
    assert_eq!(o.terminal.terminal_id, DESK);
    assert_eq!(o.terminals.len(), 2);
    assert_eq!(o.mode, WsMode::Service);
    assert!(sim.control().wait_for_subscriber(DESK, WAIT).await);
    sim.control().send_items(DESK, vec![ringing("1", "+33123456789", "ACME")]);
    assert_eq!(next_event(&mut events).await.display_label.as_deref(), Some("ACME"));
}

#[tokio::test]
async fn watches_the_chosen_terminal_and_switches_when_asked() {
    let sim = sim(SimConfig::default()).await;
    let mut c = config(&sim);
    c.terminal = Some(SOFT.into());
    let (handle, mut events) = online(c).await;
    assert!(sim.control().wait_for_subscriber(SOFT, WAIT).await);
    handle.select_terminal(DESK).await;
    assert!(sim.control().wait_for_subscriber(DESK, WAIT).await);
    let o = handle.wait_online(WAIT).await.expect("online");
    assert_eq!(o.terminal.terminal_id, DESK);
    sim.control().send_items(DESK, vec![ringing("2", "104", "Reception")]);
    assert_eq!(next_event(&mut events).await.call_id, "2");
}

#[tokio::test]
async fn reconnects_after_the_sockets_are_dropped() {
    let sim = sim(SimConfig::default()).await;
    let (handle, mut events) = online(config(&sim)).await;
    assert!(sim.control().wait_for_subscriber(DESK, WAIT).await);
    sim.control().drop_sockets();
    wait_reconnected(&handle, &sim).await;
    sim.control().send_items(DESK, vec![ringing("3", "104", "Back")]);
    assert_eq!(next_event(&mut events).await.call_id, "3");
}

#[tokio::test]
async fn signs_in_again_after_the_session_expires() {
    let sim = sim(SimConfig::default()).await;
    let (handle, mut events) = online(config(&sim)).await;
    assert!(sim.control().wait_for_subscriber(DESK, WAIT).await);
    sim.control().expire_sessions();
    wait_reconnected(&handle, &sim).await;
    assert!(sim.control().login_count() >= 2);
    sim.control().send_items(DESK, vec![ringing("4", "104", "Fresh")]);
    assert_eq!(next_event(&mut events).await.call_id, "4");
}

#[tokio::test(start_paused = true)]
async fn waits_out_an_iptc_outage_and_says_server_not_ready_meanwhile() {
    let sim = sim(SimConfig::default()).await;
    sim.control().set_iptc_down(true);
    let (handle, _events) = supervisor::spawn(config(&sim)).expect("spawned");
    let mut states = handle.subscribe();
    let state = tokio::time::timeout(
        WAIT,
        states.wait_for(|s| matches!(s, ConnectionState::Reconnecting { attempt: 2.., .. })),
    )
    .await
    .expect("retrying")
    .expect("running")
    .clone();
    let ConnectionState::Reconnecting { reason, .. } = state else { panic!("reconnecting") };
    assert_eq!(reason.kind, ErrorKind::ServerNotReady);
    sim.control().set_iptc_down(false);
    handle.wait_online(WAIT).await.expect("online once IPTC is up");
}

#[tokio::test(start_paused = true)]
async fn a_wrong_password_fails_once_and_never_hammers_the_server() {
    let sim = sim(SimConfig::default()).await;
    let mut c = config(&sim);
    c.credentials = Credentials::new("alice", "wrong");
    let (handle, _events) = supervisor::spawn(c).expect("spawned");
    let ConnectionState::Failed(e) = handle.wait_online(WAIT).await.expect_err("refused") else { panic!("failed") };
    assert_eq!(e.kind, ErrorKind::BadCredentials);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sim.control().login_count(), 0, "no successful login");
    assert_eq!(sim.control().login_attempts(), 1, "one attempt, never retried");
    assert_eq!(handle.place_call("104").await.expect_err("not connected").kind, ErrorKind::BadCredentials);
    handle.reconnect(Some(alice())).await;
    handle.wait_online(WAIT).await.expect("online with the right password");
}

#[tokio::test]
async fn a_user_without_the_crm_right_fails_with_not_allowed() {
    let mut sc = SimConfig::default();
    sc.users[0].allowed = false;
    let sim = sim(sc).await;
    let (handle, _events) = supervisor::spawn(config(&sim)).expect("spawned");
    let ConnectionState::Failed(e) = handle.wait_online(WAIT).await.expect_err("refused") else { panic!("failed") };
    assert_eq!(e.kind, ErrorKind::NotAllowed);
}

#[tokio::test]
async fn an_unknown_terminal_fails_until_the_user_picks_one() {
    let sim = sim(SimConfig::default()).await;
    let mut c = config(&sim);
    c.terminal = Some("999".into());
    let (handle, _events) = supervisor::spawn(c).expect("spawned");
    let ConnectionState::Failed(e) = handle.wait_online(WAIT).await.expect_err("refused") else { panic!("failed") };
    assert_eq!(e.kind, ErrorKind::BadTerminal);
    handle.select_terminal(SOFT).await;
    assert_eq!(handle.wait_online(WAIT).await.expect("online").terminal.terminal_id, SOFT);
}

#[tokio::test]
async fn places_calls_and_retries_once_after_a_lost_session() {
    let sim = sim(SimConfig::default()).await;
    let (handle, _events) = online(config(&sim)).await;
    handle.place_call("+33123456789").await.expect("placed");
    sim.control().expire_sessions();
    handle.place_call("104").await.expect("placed after signing in again");
    let calls = sim.control().placed_calls();
    assert_eq!(calls.iter().map(|c| c.destination.as_str()).collect::<Vec<_>>(), ["+33123456789", "104"]);
    sim.control().set_out_of_service(DESK, true);
    assert_eq!(handle.place_call("105").await.expect_err("refused").kind, ErrorKind::TerminalOutOfService);
    assert_eq!(sim.control().placed_calls().len(), 2);
}

#[tokio::test]
async fn a_call_asked_for_while_connecting_is_placed_once_online() {
    let sim = sim(SimConfig::default()).await;
    sim.control().set_delay(Duration::from_millis(200));
    let (handle, _events) = supervisor::spawn(config(&sim)).expect("spawned");
    handle.place_call("104").await.expect("placed once online");
    assert_eq!(sim.control().placed_calls().len(), 1);
}

#[tokio::test]
async fn shutdown_deletes_the_listener_and_logs_out() {
    let sim = sim(SimConfig::default()).await;
    let (handle, _events) = online(config(&sim)).await;
    handle.shutdown().await;
    assert_eq!(handle.state(), ConnectionState::Stopped);
    assert_eq!(sim.control().deleted_listener_count(), 1);
    assert_eq!(sim.control().logout_count(), 1);
}

#[tokio::test]
async fn the_call_line_mode_that_auto_found_is_kept_across_reconnects() {
    let sim = sim(SimConfig { ws_mode: SimMode::CallLine, ..SimConfig::default() }).await;
    let (handle, _events) = online(config(&sim)).await;
    sim.control().drop_sockets();
    wait_reconnected(&handle, &sim).await;
    let ConnectionState::Online(o) = handle.state() else { panic!("online") };
    assert_eq!(o.mode, WsMode::CallLine);
}

#[tokio::test]
async fn a_burst_of_ten_thousand_events_arrives_whole_and_in_order() {
    let sim = sim(SimConfig::default()).await;
    let (_handle, mut events) = online(config(&sim)).await;
    assert!(sim.control().wait_for_subscriber(DESK, WAIT).await);
    sim.control().set_step_delay(Duration::ZERO);
    let burst = sim.control().spawn_scenario(DESK, Scenario::Burst { calls: 5_000 });
    let mut seen = std::collections::HashMap::<String, Vec<EventKind>>::new();
    for _ in 0..10_000 {
        let e = next_event(&mut events).await;
        seen.entry(e.call_id).or_default().push(e.kind);
    }
    burst.await.expect("burst done");
    assert_eq!(seen.len(), 5_000);
    assert!(seen.values().all(|kinds| kinds == &[EventKind::Ringing, EventKind::Dropped]), "per-call order kept");
}

#[tokio::test]
async fn stopped_while_connecting_it_still_logs_the_new_session_out() {
    // A slow server: the stop comes after the session was made, while the terminals are asked.
    let sim = sim(SimConfig::default()).await;
    sim.control().set_delay(Duration::from_millis(300));
    let (handle, _events) = supervisor::spawn(config(&sim)).expect("spawned");
    let start = std::time::Instant::now();
    while sim.control().login_count() == 0 && start.elapsed() < WAIT {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(sim.control().login_count(), 1, "the server made a session");
    assert!(!matches!(handle.state(), ConnectionState::Online(_)), "still connecting");
    handle.shutdown().await;
    assert_eq!(sim.control().logout_count(), 1, "it was logged out, not left to the idle timeout");
}
