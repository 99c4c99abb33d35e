//! The event websocket in both socket modes, against the simulator. The half-open detection
//! runs on paused tokio time (the simulator shares the test's runtime and clock). The
//! keep-alive test stays on real time: on paused time the simulator closed the socket for
//! client silence within its 3 s limit (the runtime, idle while bytes are in flight on loopback,
//! may jump the clock past the pings).

mod common;

use std::time::Duration;

use common::*;
use mycrm::session::ListenerBody;
use mycrm::{ErrorKind, EventKind, EventStream, StreamConfig, WsMode};
use mycrm_sim::{SimConfig, WsMode as SimMode};

async fn open(sim: &mycrm_sim::Sim, mode: WsMode, config: StreamConfig) -> (mycrm::Session, EventStream) {
    let session = login(sim).await;
    let stream = EventStream::open(&session, "CallLines", DESK, mode, ListenerBody::TwoObjects, config)
        .await
        .expect("stream opens");
    (session, stream)
}

async fn next(stream: &mut EventStream) -> Vec<mycrm::Event> {
    tokio::time::timeout(WAIT, stream.next_events()).await.expect("events in time").expect("stream alive")
}

#[tokio::test]
async fn both_socket_modes_deliver_every_item_of_a_frame() {
    for (sim_mode, mode) in [(SimMode::Service, WsMode::Service), (SimMode::CallLine, WsMode::CallLine)] {
        let sim = sim(SimConfig { ws_mode: sim_mode, ..SimConfig::default() }).await;
        let (_session, mut stream) = open(&sim, mode, StreamConfig::default()).await;
        assert_eq!(stream.mode(), mode);
        assert!(sim.control().wait_for_subscriber(DESK, WAIT).await);
        sim.control().send_items(DESK, vec![ringing("-428", "104", "ACD-171-S-0"), dropped("-428", "noAnswer")]);
        let events = next(&mut stream).await;
        assert_eq!(events.len(), 2, "{mode}");
        assert_eq!(events[0].kind, EventKind::Ringing);
        assert_eq!(events[0].call_id, "-428");
        assert_eq!(events[1].ringing_time, Some(1200));
    }
}

#[tokio::test]
async fn auto_mode_falls_back_to_the_call_line_upgrade() {
    let sim = sim(SimConfig { ws_mode: SimMode::CallLine, ..SimConfig::default() }).await;
    let (_session, mut stream) = open(&sim, WsMode::Auto, StreamConfig::default()).await;
    assert_eq!(stream.mode(), WsMode::CallLine);
    assert!(sim.control().wait_for_subscriber(DESK, WAIT).await);
    sim.control().send_items(DESK, vec![ringing("1", "+4930123456", "Berlin")]);
    assert_eq!(next(&mut stream).await[0].display_label.as_deref(), Some("Berlin"));
}

#[tokio::test]
async fn auto_mode_prefers_the_service_socket_and_a_204_call_line_answer_is_fine() {
    let sim = sim(SimConfig { ws_mode: SimMode::Both, callline_204: true, ..SimConfig::default() }).await;
    let (_session, stream) = open(&sim, WsMode::Auto, StreamConfig::default()).await;
    assert_eq!(stream.mode(), WsMode::Service);
}

#[tokio::test]
async fn malformed_frames_are_skipped_and_the_stream_goes_on() {
    let sim = sim(SimConfig::default()).await;
    let (_session, mut stream) = open(&sim, WsMode::Service, StreamConfig::default()).await;
    assert!(sim.control().wait_for_subscriber(DESK, WAIT).await);
    let control = sim.control();
    control.send_raw(DESK, r#"{"listenerName":"CallLines","item":[{"event":"#.into());
    control.send_raw(DESK, "not json".into());
    control.send_raw(
        DESK,
        r#"{"listenerName":"CallLines","item":[{"nothing":1},{"event":"callHeld","callId":"5"}]}"#.into(),
    );
    let events = next(&mut stream).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, EventKind::Held);
}

#[tokio::test]
async fn the_server_announced_timeout_sets_the_keepalive_to_a_third() {
    let sim = sim(SimConfig { socket_timeout_ms: 3_000, ..SimConfig::default() }).await;
    let (_session, mut stream) = open(&sim, WsMode::Service, StreamConfig::default()).await;
    // The socket stays open past the server's 3 s inactivity limit thanks to the pings.
    let read = tokio::time::timeout(Duration::from_millis(4_500), stream.next_events()).await;
    assert!(read.is_err(), "no events and no error: the socket is still alive");
    assert_eq!(stream.keepalive(), Duration::from_secs(1));
    sim.control().send_items(DESK, vec![ringing("1", "104", "Reception")]);
    assert_eq!(next(&mut stream).await.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_silent_half_open_socket_is_declared_dead() {
    let sim = sim(SimConfig::default()).await;
    let config = StreamConfig {
        probe_after: Duration::from_millis(300),
        probe_timeout: Duration::from_millis(300),
        ..StreamConfig::default()
    };
    let (_session, mut stream) = open(&sim, WsMode::Service, config).await;
    sim.control().set_silent(true);
    let err = tokio::time::timeout(WAIT, stream.next_events()).await.expect("detected in time").expect_err("dead");
    assert_eq!(err.kind, ErrorKind::Network);
}

#[tokio::test]
async fn a_dropped_socket_ends_the_stream_with_a_network_error() {
    let sim = sim(SimConfig::default()).await;
    let (_session, mut stream) = open(&sim, WsMode::Service, StreamConfig::default()).await;
    assert!(sim.control().wait_for_subscriber(DESK, WAIT).await);
    sim.control().drop_sockets();
    let err = tokio::time::timeout(WAIT, stream.next_events()).await.expect("in time").expect_err("closed");
    assert_eq!(err.kind, ErrorKind::Network);
}

#[tokio::test]
async fn a_terminal_that_is_not_the_users_cannot_be_monitored() {
    let sim = sim(SimConfig::default()).await;
    let session = login(&sim).await;
    let err = EventStream::open(
        &session,
        "CallLines",
        "42",
        WsMode::Service,
        ListenerBody::TwoObjects,
        StreamConfig::default(),
    )
    .await
    .expect_err("refused");
    assert_eq!(err.kind, ErrorKind::BadTerminal);
}
