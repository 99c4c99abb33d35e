//! Login, the cookie+token pair, logout and expiry.

use std::time::Duration;

use mycrm_sim::{Sim, SimConfig, SimUser};
use reqwest::{Method, StatusCode};

use crate::client::{DESK, error_code, login, raw_login, session_from};

fn config_with_users() -> SimConfig {
    let mut config = SimConfig::default();
    let terminals = config.users[0].terminals.clone();
    config.users.push(SimUser { login: "bob".into(), password: "pa:ss".into(), allowed: true, terminals: Vec::new() });
    config.users.push(SimUser { login: "carol".into(), password: "carol".into(), allowed: false, terminals });
    config
}

#[tokio::test]
async fn login_hands_out_a_19_digit_cookie_and_a_token() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    let response = raw_login(&sim, "alice", "secret").await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.ends_with(";Path=/restletrouter;HttpOnly"), "{cookie}");
    let session = session_from(&sim, response.headers());
    assert_eq!(session.cookie.len(), 19);
    assert!(session.cookie.chars().all(|c| c.is_ascii_digit()));
    assert!(session.token.len() >= 20);
    assert_eq!(sim.control().login_count(), 1);
}

#[tokio::test]
async fn login_refusals_carry_the_platform_codes() {
    let sim = Sim::start(config_with_users()).await.unwrap();
    let wrong = raw_login(&sim, "alice", "nope").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&wrong.text().await.unwrap()), "MYCRM_ERR_401");

    let not_allowed = raw_login(&sim, "carol", "carol").await;
    assert_eq!(not_allowed.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&not_allowed.text().await.unwrap()), "MYCRM_ERR_403");

    let colon_password = raw_login(&sim, "bob", "pa:ss").await;
    assert_eq!(colon_password.status(), StatusCode::OK);
    let bob = session_from(&sim, colon_password.headers());
    let (status, body) = bob.send(Method::GET, "v1/crm/GetTerminals").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "[]"));

    sim.control().set_iptc_down(true);
    let down = raw_login(&sim, "alice", "secret").await;
    assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(error_code(&down.text().await.unwrap()), "ROUTER_ERR_503");
}

#[tokio::test]
async fn cookie_and_token_must_belong_to_the_same_session() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    let first = login(&sim).await;
    let second = login(&sim).await;

    let (status, body) = first.send(Method::GET, "v1/crm/GetTerminals").await;
    assert_eq!(status, StatusCode::OK);
    let terminals: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(terminals[0]["terminalId"], DESK);
    assert_eq!(terminals[0]["deviceModel"], "SIP generic device");

    let mut crossed = first.clone();
    crossed.token = second.token.clone();
    let (status, body) = crossed.send(Method::GET, "v1/crm/GetTerminals").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&body), "ROUTER_ERR_400");

    let mut unknown = first.clone();
    unknown.cookie = "1234567890123456789".into();
    let (status, body) = unknown.send(Method::GET, "v1/crm/GetTerminals").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&body), "ROUTER_ERR_401");

    let no_cookie = reqwest::Client::new()
        .get(format!("{}/restletrouter/v1/crm/GetTerminals", sim.base_url()))
        .header("X-Application", format!("myCrm;{}", first.token))
        .send()
        .await
        .unwrap();
    assert_eq!(no_cookie.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn logout_ends_the_session() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    let session = login(&sim).await;
    let (status, _) = session.send(Method::POST, "v1/service/Logout").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = session.send(Method::GET, "v1/crm/GetTerminals").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(sim.control().logout_count(), 1);
}

#[tokio::test]
async fn logout_can_require_get() {
    let config = SimConfig { logout_requires_get: true, ..SimConfig::default() };
    let sim = Sim::start(config).await.unwrap();
    let session = login(&sim).await;
    let (status, _) = session.send(Method::POST, "v1/service/Logout").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let (status, _) = session.send(Method::GET, "v1/service/Logout").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn idle_and_expired_sessions_answer_401() {
    let config = SimConfig { session_idle_timeout: Duration::from_millis(400), ..SimConfig::default() };
    let sim = Sim::start(config).await.unwrap();
    let session = login(&sim).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    // A request in time keeps the session alive.
    let (status, _) = session.send(Method::GET, "v1/crm/GetTerminals").await;
    assert_eq!(status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(700)).await;
    let (status, _) = session.send(Method::GET, "v1/crm/GetTerminals").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let session = login(&sim).await;
    sim.control().expire_sessions();
    let (status, body) = session.send(Method::GET, "v1/crm/GetTerminals").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&body), "ROUTER_ERR_401");
}
