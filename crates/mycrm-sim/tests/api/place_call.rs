//! `PlaceCall`: what gets recorded and how it fails.

use std::time::Duration;

use mycrm_sim::{PlacedCall, Sim, SimConfig};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::client::{DESK, error_code, login, next_json};

async fn place(session: &crate::client::Session, terminal: &str, destination: &str) -> (StatusCode, String) {
    let response = session
        .request(Method::GET, "v1/crm/PlaceCall")
        .query(&[("terminalId", terminal), ("destination", destination)])
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn placed_calls_are_recorded_with_their_decoded_destination() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    let session = login(&sim).await;
    assert_eq!(place(&session, DESK, "+33 1 84 88 12 34").await.0, StatusCode::OK);
    let calls = sim.control().wait_for_placed_calls(1, Duration::from_secs(1)).await;
    assert_eq!(
        calls,
        [PlacedCall { terminal_id: DESK.into(), destination: "+33 1 84 88 12 34".into(), login: "alice".into() }]
    );
}

#[tokio::test]
async fn bad_requests_and_out_of_service_terminals_place_nothing() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    let session = login(&sim).await;
    let (status, body) = place(&session, "1234", "104").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let error: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["message"], "bad terminal ID");

    let (status, body) = session.send(Method::GET, &format!("v1/crm/PlaceCall?terminalId={DESK}")).await;
    assert_eq!((status, error_code(&body).as_str()), (StatusCode::BAD_REQUEST, "ERR_0"));

    sim.control().set_out_of_service(DESK, true);
    let (status, body) = place(&session, DESK, "104").await;
    assert_eq!(status.as_u16(), 512);
    let error: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["code"], "ERR_100");
    assert_eq!(error["firstMessage"], "Terminal out of service");
    assert_eq!(error["info"]["type"]["msg"], "Invalid State");
    assert_eq!(error["info"]["value"], "OutOfService");
    assert!(error["exceptionId"].as_str().unwrap().starts_with("restletapi_exception_"));
    assert!(sim.control().placed_calls().is_empty());
}

#[tokio::test]
async fn simulated_outgoing_calls_start_alerting_at_once() {
    let sim = Sim::start(SimConfig { simulate_outgoing: true, ..SimConfig::default() }).await.unwrap();
    let session = login(&sim).await;
    let mut socket = session.open_socket("ws-service/myCrm").await.unwrap();
    next_json(&mut socket).await;
    session.create_listener(r#"{"name":"CallLines"}"#).await;
    session.send(Method::GET, &format!("v1/crm/CallLine?listenerName=CallLines&terminalId={DESK}")).await;
    assert_eq!(place(&session, DESK, "104").await.0, StatusCode::OK);
    let alerting = next_json(&mut socket).await["item"][0].clone();
    assert_eq!(alerting["event"], "callAlerting");
    assert_eq!(alerting["displayNumber"], "104");
    assert_eq!(alerting["type"], "internal");
}
