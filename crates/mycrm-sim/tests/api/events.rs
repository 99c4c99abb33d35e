//! Listeners, the two socket readings, and how frames reach (or fail to reach) clients.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use mycrm_sim::{Scenario, Sim, SimConfig, WsMode};
use reqwest::{Method, StatusCode};
use serde_json::json;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use crate::client::{DESK, SOFTPHONE, Session, Socket, error_code, login, next_json, next_text};

const WAIT: Duration = Duration::from_secs(2);

async fn sim(ws_mode: WsMode) -> Sim {
    Sim::start(SimConfig { ws_mode, ..SimConfig::default() }).await.unwrap()
}

/// The service-socket dance: socket first, then listener, then a plain `GET CallLine`.
async fn subscribed_service_socket(sim: &Sim, session: &Session) -> Socket {
    let mut socket = session.open_socket("ws-service/myCrm").await.unwrap();
    let info = next_json(&mut socket).await;
    assert_eq!(info["timeout_milliseconds"], "300000");
    assert_eq!(info["maxInactiveInterval_seconds"], 1800);
    let (status, _) = session.create_listener(r#"{"name":"CallLines"}"#).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) =
        session.send(Method::GET, &format!("v1/crm/CallLine?listenerName=CallLines&terminalId={DESK}")).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "{}"));
    assert!(sim.control().wait_for_subscriber(DESK, WAIT).await);
    socket
}

#[tokio::test]
async fn listener_accepts_the_guides_two_objects_and_a_single_object() {
    let sim = sim(WsMode::Service).await;
    let session = login(&sim).await;
    let two = format!("{{\"name\":\"CallLines\"}}\n{{\"terminalId\":\"{DESK}\"}}");
    let (status, body) = session.create_listener(&two).await;
    assert_eq!(status, StatusCode::OK);
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer, json!({"name":"CallLines","restUri":"v1/service/EventListener/bean/CallLines"}));
    let (status, _) = session.create_listener(r#"{"name":"Other"}"#).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(sim.control().listener_count(), 2);

    let (status, body) = session.create_listener(r#"{"nom":"x"}"#).await;
    assert_eq!((status, error_code(&body).as_str()), (StatusCode::BAD_REQUEST, "ERR_0"));
    let (status, _) = session.create_listener("{\"name\":\"X\"}\n{\"terminalId\":\"42\"}").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, _) = session.send(Method::DELETE, "v1/service/EventListener/bean/CallLines").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = session.send(Method::DELETE, "v1/service/EventListener/bean/CallLines").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(sim.control().listener_count(), 1);
    assert_eq!(sim.control().deleted_listener_count(), 1);
}

#[tokio::test]
async fn service_socket_receives_items_once_callline_links_it() {
    let sim = sim(WsMode::Service).await;
    let session = login(&sim).await;
    let mut socket = subscribed_service_socket(&sim, &session).await;
    socket.send(Message::text("ping")).await.unwrap();
    let items = vec![json!({"event": "callRinging", "callId": "-428"}), json!({"event": "x"})];
    assert_eq!(sim.control().send_items(DESK, items.clone()), 1);
    assert_eq!(sim.control().send_items(SOFTPHONE, items.clone()), 0);
    let frame = next_json(&mut socket).await;
    assert_eq!(frame, json!({"listenerName": "CallLines", "item": items}));

    // Service mode: CallLine is not a websocket, and a wrong token cannot open a socket.
    assert!(session.open_socket(&format!("v1/crm/CallLine?listenerName=CallLines&terminalId={DESK}")).await.is_err());
    let mut crossed = session.clone();
    crossed.token = "wrong".into();
    match crossed.open_socket("ws-service/myCrm").await {
        Err(WsError::Http(response)) => assert_eq!(response.status(), 403),
        other => panic!("expected a 403 handshake, got {other:?}"),
    }
}

#[tokio::test]
async fn callline_upgrade_is_itself_the_event_socket() {
    let sim = sim(WsMode::CallLine).await;
    let session = login(&sim).await;
    session.create_listener(r#"{"name":"CallLines"}"#).await;
    let path = format!("v1/crm/CallLine?listenerName=CallLines&terminalId={DESK}");
    let (status, body) = session.send(Method::GET, &path).await;
    assert_eq!((status, error_code(&body).as_str()), (StatusCode::BAD_REQUEST, "ERR_0"));
    match session.open_socket("ws-service/myCrm").await {
        Err(WsError::Http(response)) => assert_eq!(response.status(), 404),
        other => panic!("expected a 404 handshake, got {other:?}"),
    }

    let mut socket = session.open_socket(&path).await.unwrap();
    assert!(sim.control().wait_for_subscriber(DESK, WAIT).await);
    sim.control().send_items(DESK, vec![json!({"event": "callHeld", "callId": "7"})]);
    let frame = next_json(&mut socket).await;
    assert_eq!(frame["item"][0]["callId"], "7");
}

#[tokio::test]
async fn a_burst_of_ten_thousand_frames_arrives_whole_and_in_order() {
    let sim = sim(WsMode::Both).await;
    let session = login(&sim).await;
    let mut socket = subscribed_service_socket(&sim, &session).await;
    for n in 0..10_000 {
        sim.control().send_items(DESK, vec![json!({"n": n})]);
    }
    for n in 0..10_000 {
        let frame = next_json(&mut socket).await;
        assert_eq!(frame["item"][0]["n"], n);
    }
}

#[tokio::test]
async fn malformed_frames_are_sent_verbatim() {
    let sim = sim(WsMode::Service).await;
    let session = login(&sim).await;
    let mut socket = subscribed_service_socket(&sim, &session).await;
    let broken = r#"{"listenerName":"CallLines","item":[{"event":"#;
    assert_eq!(sim.control().send_raw(DESK, broken.to_owned()), 1);
    assert_eq!(next_text(&mut socket).await, broken);
}

#[tokio::test]
async fn dropped_sockets_end_without_a_close_frame() {
    let sim = sim(WsMode::Service).await;
    let session = login(&sim).await;
    let mut socket = subscribed_service_socket(&sim, &session).await;
    sim.control().drop_sockets();
    let end = tokio::time::timeout(WAIT, socket.next()).await.unwrap();
    assert!(
        matches!(end, None | Some(Err(WsError::Protocol(_) | WsError::Io(_) | WsError::ConnectionClosed))),
        "{end:?}"
    );
    assert_eq!(sim.control().subscriber_count(DESK), 0);
}

#[tokio::test]
async fn silent_sockets_hold_frames_until_revived() {
    let sim = sim(WsMode::Service).await;
    let session = login(&sim).await;
    let mut socket = subscribed_service_socket(&sim, &session).await;
    sim.control().set_silent(true);
    sim.control().send_items(DESK, vec![json!({"n": 1})]);
    let nothing = tokio::time::timeout(Duration::from_millis(200), socket.next()).await;
    assert!(nothing.is_err(), "a silent socket sent {nothing:?}");
    sim.control().set_silent(false);
    assert_eq!(next_json(&mut socket).await["item"][0]["n"], 1);
}

#[tokio::test]
async fn incoming_answered_scenario_rings_talks_and_drops() {
    let sim = sim(WsMode::Service).await;
    let session = login(&sim).await;
    let mut socket = subscribed_service_socket(&sim, &session).await;
    let control = sim.control();
    control.set_step_delay(Duration::from_millis(10));
    control.run_scenario(DESK, Scenario::IncomingAnswered).await;
    let mut events = Vec::new();
    for _ in 0..3 {
        let frame = next_json(&mut socket).await;
        events.push(frame["item"][0].clone());
    }
    assert_eq!(events[0]["event"], "callRinging");
    assert_eq!(events[1]["talkCause"], "answer");
    assert_eq!(events[2]["dropCause"], "disconnect");
    assert_eq!(events[0]["callId"], events[2]["callId"]);
    let talking_time = &events[2]["talkingTime"];
    let talked = talking_time.as_u64().or_else(|| talking_time.as_str().and_then(|t| t.parse().ok())).unwrap();
    assert!(talked > 0);
}

#[tokio::test]
async fn logout_closes_the_sessions_sockets_with_a_close_frame() {
    let sim = sim(WsMode::Service).await;
    let session = login(&sim).await;
    let mut socket = subscribed_service_socket(&sim, &session).await;
    let (status, _) = session.send(Method::POST, "v1/service/Logout").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let end = tokio::time::timeout(WAIT, socket.next()).await.unwrap();
    assert!(matches!(end, Some(Ok(Message::Close(_)))), "{end:?}");
    assert_eq!(sim.control().listener_count(), 0);
}

#[tokio::test]
async fn service_sockets_that_hear_nothing_are_closed_after_their_timeout() {
    let sim = Sim::start(SimConfig { socket_timeout_ms: 600, ..SimConfig::default() }).await.unwrap();
    let session = login(&sim).await;
    let mut socket = session.open_socket("ws-service/myCrm").await.unwrap();
    assert_eq!(next_json(&mut socket).await["timeout_milliseconds"], "600");
    tokio::time::sleep(Duration::from_millis(300)).await;
    socket.send(Message::text("ping")).await.unwrap();
    // The ping bought another 600 ms: nothing ends for a while.
    let early = tokio::time::timeout(Duration::from_millis(400), socket.next()).await;
    assert!(early.is_err(), "{early:?}");
    let end = tokio::time::timeout(WAIT, socket.next()).await.unwrap();
    assert!(matches!(end, Some(Ok(Message::Close(_)))), "{end:?}");
}

#[tokio::test]
async fn demo_plays_believable_calls_until_shutdown() {
    let sim = sim(WsMode::Service).await;
    let session = login(&sim).await;
    let mut socket = subscribed_service_socket(&sim, &session).await;
    let control = sim.control();
    control.set_step_delay(Duration::from_millis(2));
    let demo = control.spawn_scenario(DESK, Scenario::Demo);
    let mut events = Vec::new();
    while events.len() < 12 {
        let frame = next_json(&mut socket).await;
        events.push(frame["item"][0]["event"].as_str().unwrap().to_owned());
    }
    assert!(events.contains(&"callAlerting".to_owned()), "{events:?}");
    assert!(events.contains(&"callDropped".to_owned()), "{events:?}");
    sim.shutdown().await;
    tokio::time::timeout(WAIT, demo).await.unwrap().unwrap();
}
