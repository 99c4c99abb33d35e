//! The `/_sim` HTTP control API.

use std::time::Duration;

use mycrm_sim::{Sim, SimConfig};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::client::{DESK, login, next_json, raw_login};

async fn control(sim: &Sim, path: &str, body: &str) -> (StatusCode, String) {
    let response = reqwest::Client::new()
        .post(format!("{}/_sim/{path}", sim.base_url()))
        .body(body.to_owned())
        .header("Content-Type", "application/json")
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

async fn fetch(sim: &Sim, path: &str) -> Value {
    reqwest::get(format!("{}/_sim/{path}", sim.base_url())).await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn faults_and_frames_can_be_driven_over_http() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    assert_eq!(control(&sim, "fault/iptc-down", "").await.0, StatusCode::NO_CONTENT);
    assert_eq!(raw_login(&sim, "alice", "secret").await.status(), 503);
    control(&sim, "fault/iptc-up", "").await;
    let session = login(&sim).await;

    let mut socket = session.open_socket("ws-service/myCrm").await.unwrap();
    next_json(&mut socket).await;
    session.create_listener(r#"{"name":"CallLines"}"#).await;
    session.send(Method::GET, &format!("v1/crm/CallLine?listenerName=CallLines&terminalId={DESK}")).await;
    let (status, body) = control(&sim, "items", r#"[{"event":"callRinging","callId":"1"}]"#).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, r#"{"sockets":1}"#));
    assert_eq!(next_json(&mut socket).await["item"][0]["callId"], "1");

    control(&sim, "step-delay?ms=1", "").await;
    let (status, _) = control(&sim, "scenario/burst-3", "").await;
    assert_eq!(status, StatusCode::ACCEPTED);
    for _ in 0..6 {
        next_json(&mut socket).await;
    }

    control(&sim, &format!("fault/out-of-service?terminalId={DESK}&on=true"), "").await;
    let (status, _) = session.send(Method::GET, &format!("v1/crm/PlaceCall?terminalId={DESK}&destination=104")).await;
    assert_eq!(status.as_u16(), 512);
    control(&sim, &format!("fault/out-of-service?terminalId={DESK}&on=false"), "").await;
    let (status, _) = session.send(Method::GET, &format!("v1/crm/PlaceCall?terminalId={DESK}&destination=104")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        fetch(&sim, "placed-calls").await,
        json!([{"terminal_id": DESK, "destination": "104", "login": "alice"}])
    );

    let stats = fetch(&sim, "stats").await;
    assert_eq!(stats["logins"], 1);
    assert_eq!(stats["listeners"], 1);
    assert_eq!(stats["subscribers"], 1);

    control(&sim, "delay?ms=300", "").await;
    let started = std::time::Instant::now();
    session.send(Method::GET, "v1/crm/GetTerminals").await;
    assert!(started.elapsed() >= Duration::from_millis(300));

    assert_eq!(control(&sim, "fault/meteor", "").await.0, StatusCode::NOT_FOUND);
    assert_eq!(control(&sim, "scenario/meteor", "").await.0, StatusCode::BAD_REQUEST);
}
