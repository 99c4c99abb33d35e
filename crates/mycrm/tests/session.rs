//! Every request of the API against the simulator over loopback HTTP.

mod common;

use common::*;
use mycrm::session::ListenerBody;
use mycrm::{Client, Credentials, ErrorKind};
use mycrm_sim::{SimConfig, SimUser};

#[tokio::test]
async fn login_then_terminals_lists_both_terminals_with_string_ids() {
    let sim = sim(SimConfig::default()).await;
    let session = login(&sim).await;
    let terminals = session.terminals().await.expect("terminals");
    let ids: Vec<&str> = terminals.iter().map(|t| t.terminal_id.as_str()).collect();
    assert_eq!(ids, [DESK, SOFT]);
    assert_eq!(terminals[0].describe(), "Desk phone");
}

#[tokio::test]
async fn a_wrong_password_is_bad_credentials_with_the_servers_message() {
    let sim = sim(SimConfig::default()).await;
    let err = Client::new(server(&sim))
        .expect("client")
        .login(&Credentials::new("alice", "wrong"))
        .await
        .expect_err("refused");
    assert_eq!(err.kind, ErrorKind::BadCredentials);
    assert_eq!(err.status, Some(401));
    assert!(!err.to_string().contains("wrong"), "the password never appears in errors");
}

#[tokio::test]
async fn a_user_without_the_crm_right_is_not_allowed() {
    let mut config = SimConfig::default();
    config.users[0].allowed = false;
    let sim = sim(config).await;
    let err = Client::new(server(&sim)).expect("client").login(&alice()).await.expect_err("refused");
    assert_eq!(err.kind, ErrorKind::NotAllowed);
    assert_eq!(err.code.as_deref(), Some("MYCRM_ERR_403"));
    assert_eq!(err.message, "user extension not allowed for myCRM");
}

#[tokio::test]
async fn a_password_holding_colons_signs_in() {
    let mut config = SimConfig::default();
    config.users.push(SimUser { login: "bob".into(), password: "a:b::c".into(), allowed: true, terminals: vec![] });
    let sim = sim(config).await;
    let session =
        Client::new(server(&sim)).expect("client").login(&Credentials::new("bob", "a:b::c")).await.expect("signed in");
    assert!(session.terminals().await.expect("terminals").is_empty());
}

#[tokio::test]
async fn iptc_down_is_server_not_ready() {
    let sim = sim(SimConfig::default()).await;
    sim.control().set_iptc_down(true);
    let err = Client::new(server(&sim)).expect("client").login(&alice()).await.expect_err("down");
    assert_eq!(err.kind, ErrorKind::ServerNotReady);
    sim.control().set_iptc_down(false);
    login(&sim).await;
}

#[tokio::test]
async fn listeners_are_created_in_both_body_forms_and_deleted_through_their_rest_uri() {
    let sim = sim(SimConfig::default()).await;
    let session = login(&sim).await;
    let two = session.create_listener("CallLines", DESK, ListenerBody::TwoObjects).await.expect("guide form");
    assert_eq!(two.rest_uri, "v1/service/EventListener/bean/CallLines");
    let one = session.create_listener("Other", DESK, ListenerBody::SingleObject).await.expect("single form");
    assert_eq!(sim.control().listener_count(), 2);
    session.delete_listener(&two).await.expect("deleted");
    session.delete_listener(&one).await.expect("deleted");
    assert_eq!(sim.control().deleted_listener_count(), 2);
}

#[tokio::test]
async fn place_call_sends_the_destination_url_encoded() {
    let sim = sim(SimConfig::default()).await;
    let session = login(&sim).await;
    session.place_call(DESK, "+33123456789").await.expect("placed");
    session.place_call(DESK, "555&terminalId=1").await.expect("placed as one odd number");
    let calls = sim.control().placed_calls();
    assert_eq!(calls[0].destination, "+33123456789");
    assert_eq!(calls[0].terminal_id, DESK);
    assert_eq!(calls[1].destination, "555&terminalId=1");
    assert_eq!(calls[1].terminal_id, DESK, "the destination cannot change the terminal");
}

#[tokio::test]
async fn an_out_of_service_terminal_is_reported_and_no_call_is_recorded() {
    let sim = sim(SimConfig::default()).await;
    let session = login(&sim).await;
    sim.control().set_out_of_service(DESK, true);
    let err = session.place_call(DESK, "104").await.expect_err("refused");
    assert_eq!(err.kind, ErrorKind::TerminalOutOfService);
    assert_eq!(err.message, "Terminal out of service");
    assert!(sim.control().placed_calls().is_empty());
}

#[tokio::test]
async fn a_terminal_that_is_not_the_users_is_a_bad_terminal() {
    let sim = sim(SimConfig::default()).await;
    let session = login(&sim).await;
    let err = session.place_call("1111", "104").await.expect_err("refused");
    assert_eq!(err.kind, ErrorKind::BadTerminal);
}

#[tokio::test]
async fn an_expired_session_is_session_lost_and_relogin_recovers() {
    let sim = sim(SimConfig::default()).await;
    let session = login(&sim).await;
    sim.control().expire_sessions();
    assert_eq!(session.terminals().await.expect_err("expired").kind, ErrorKind::SessionLost);
    let fresh = session.relogin().await.expect("signed in again");
    assert_eq!(fresh.terminals().await.expect("terminals").len(), 2);
}

#[tokio::test]
async fn logout_ends_the_session_by_post_or_by_get_when_post_is_refused() {
    for requires_get in [false, true] {
        let sim = sim(SimConfig { logout_requires_get: requires_get, ..SimConfig::default() }).await;
        let session = login(&sim).await;
        session.logout().await.expect("logged out");
        assert_eq!(sim.control().logout_count(), 1, "requires_get={requires_get}");
        assert_eq!(session.terminals().await.expect_err("gone").kind, ErrorKind::SessionLost);
    }
}

#[tokio::test]
async fn an_unreachable_server_is_a_network_error() {
    let sim = sim(SimConfig::default()).await;
    let server = server(&sim);
    sim.shutdown().await;
    let err = Client::new(server).expect("client").login(&alice()).await.expect_err("nothing listens");
    assert_eq!(err.kind, ErrorKind::Network);
}
