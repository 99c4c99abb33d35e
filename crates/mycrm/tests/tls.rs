//! HTTPS and WSS over real loopback: a simulator whose certificate comes from a private CA made
//! at test time, trusted through the extra CA or not at all.

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::*;
use mycrm::backoff::Backoff;
use mycrm::session::ListenerBody;
use mycrm::supervisor::{self, ConnectionState, SupervisorConfig};
use mycrm::{Client, ErrorKind, EventKind, EventStream, Server, StreamConfig, TlsOptions, WsMode};
use mycrm_sim::{Authority, Sim, SimConfig, SimTls, WsMode as SimMode};

/// The extra CA to give the client for servers `ca` signed.
fn trusted(ca: &Authority) -> TlsOptions {
    TlsOptions::with_extra_ca_pem(ca.pem.clone())
}

fn authority(name: &str) -> Authority {
    Authority::new(name).expect("a test authority")
}

async fn tls_sim(identity: SimTls, config: SimConfig) -> Sim {
    let sim = sim(SimConfig { tls: Some(identity), ..config }).await;
    assert!(sim.base_url().starts_with("https://localhost:"), "{}", sim.base_url());
    sim
}

fn client(sim: &Sim, tls: &TlsOptions) -> Client {
    Client::with_tls(server(sim), tls).expect("client")
}

/// A file in the temporary folder, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(contents: &[u8]) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!("mycrm-tls-{}-{}.pem", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let path = std::env::temp_dir().join(name);
        std::fs::write(&path, contents).expect("temporary file");
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[tokio::test]
async fn without_the_extra_ca_the_login_fails_as_a_certificate_problem() {
    let ca = authority("Istra on-premises CA");
    let sim = tls_sim(ca.identity("localhost").expect("identity"), SimConfig::default()).await;
    let e = Client::new(server(&sim)).expect("client").login(&alice()).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Tls, "{e}");
    assert_eq!(e.kind.code(), "tls");
    assert!(!e.kind.is_fatal());
    assert!(e.message.starts_with("the server's certificate is not trusted: it is issued by an authority"), "{e}");
    assert!(e.to_string().starts_with("secure connection failed: "), "{e}");
    assert_eq!(sim.control().login_count(), 0, "nothing reached the server");
}

#[tokio::test]
async fn with_the_extra_ca_everything_works_over_https_and_wss() {
    let ca = authority("Istra on-premises CA");
    for (sim_mode, mode) in [(SimMode::Service, WsMode::Service), (SimMode::CallLine, WsMode::CallLine)] {
        let config = SimConfig { ws_mode: sim_mode, ..SimConfig::default() };
        let sim = tls_sim(ca.identity("localhost").expect("identity"), config).await;
        let session = client(&sim, &trusted(&ca)).login(&alice()).await.expect("signs in over https");
        let terminals = session.terminals().await.expect("terminals");
        assert_eq!(terminals.len(), 2);
        let mut stream =
            EventStream::open(&session, "CallLines", DESK, mode, ListenerBody::TwoObjects, StreamConfig::default())
                .await
                .expect("event socket over wss");
        assert!(sim.control().wait_for_subscriber(DESK, WAIT).await);
        sim.control().send_items(DESK, vec![ringing("-428", "104", "ACD-171-S-0")]);
        let events = tokio::time::timeout(WAIT, stream.next_events()).await.expect("in time").expect("alive");
        assert_eq!(events[0].kind, EventKind::Ringing, "{mode}");
        session.place_call(DESK, "+33123456789").await.expect("call placed");
        assert_eq!(sim.control().placed_calls()[0].destination, "+33123456789");
        stream.close(&session).await;
        session.logout().await.expect("logout");
        assert_eq!(sim.control().logout_count(), 1);
    }
}

#[tokio::test]
async fn an_extra_ca_file_may_hold_several_authorities() {
    let ca = authority("Istra on-premises CA");
    let other = authority("Some other CA");
    let sim = tls_sim(ca.identity("localhost").expect("identity"), SimConfig::default()).await;
    let bundle = TempFile::new(format!("# company bundle\n{}\n{}", other.pem, ca.pem).as_bytes());
    let tls = TlsOptions::from_ca_file(&bundle.0).expect("bundle reads");
    assert_eq!(tls.validate(), Ok(2));
    let session = client(&sim, &tls).login(&alice()).await.expect("signs in");
    session.logout().await.expect("logout");
}

#[tokio::test]
async fn a_supervisor_with_the_extra_ca_goes_online_over_tls() {
    let ca = authority("Istra on-premises CA");
    let sim = tls_sim(ca.identity("localhost").expect("identity"), SimConfig::default()).await;
    let mut config = SupervisorConfig::new(server(&sim), alice());
    config.tls = trusted(&ca);
    let (handle, mut events) = supervisor::spawn(config).expect("spawned");
    let online = handle.wait_online(WAIT).await.expect("online");
    assert_eq!(online.terminal.terminal_id, DESK);
    assert!(sim.control().wait_for_subscriber(DESK, WAIT).await);
    sim.control().send_items(DESK, vec![ringing("7", "+4930123456", "Berlin")]);
    let event = tokio::time::timeout(WAIT, events.recv()).await.expect("in time").expect("running");
    assert_eq!(event.display_label.as_deref(), Some("Berlin"));
    handle.place_call("+33123456789").await.expect("call placed");
    handle.shutdown().await;
    assert_eq!(sim.control().logout_count(), 1);
}

#[tokio::test]
async fn a_supervisor_that_does_not_trust_the_server_retries_on_the_normal_backoff() {
    let ca = authority("Istra on-premises CA");
    let sim = tls_sim(ca.identity("localhost").expect("identity"), SimConfig::default()).await;
    let mut config = SupervisorConfig::new(server(&sim), alice());
    let backoff = Backoff { base: Duration::from_millis(40), cap: Duration::from_millis(200) };
    config.backoff = backoff;
    let (handle, _events) = supervisor::spawn(config).expect("spawned");
    let mut states = handle.subscribe();
    let mut seen = 0;
    while seen < 3 {
        tokio::time::timeout(WAIT, states.changed()).await.expect("state changes").expect("running");
        match states.borrow_and_update().clone() {
            ConnectionState::Reconnecting { attempt, delay, reason } => {
                assert_eq!(reason.kind, ErrorKind::Tls, "{reason}");
                assert!(delay >= backoff.delay(attempt, 0.0), "attempt {attempt} after {delay:?}");
                seen += 1;
            }
            ConnectionState::Connecting => {}
            other => panic!("a certificate problem is retried, not {other:?}"),
        }
    }
    handle.shutdown().await;
    assert_eq!(sim.control().login_count(), 0);
}

#[tokio::test]
async fn a_certificate_for_another_name_is_refused_even_with_the_ca_trusted() {
    let ca = authority("Istra on-premises CA");
    let sim = tls_sim(ca.identity("other.example").expect("identity"), SimConfig::default()).await;
    let e = client(&sim, &trusted(&ca)).login(&alice()).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Tls, "{e}");
    assert_eq!(
        e.message,
        "the server's certificate is not trusted: it was issued for other.example, not for localhost"
    );
}

#[tokio::test]
async fn an_expired_certificate_is_refused_as_expired() {
    let ca = authority("Istra on-premises CA");
    let sim = tls_sim(ca.expired_identity("localhost").expect("identity"), SimConfig::default()).await;
    let e = client(&sim, &trusted(&ca)).login(&alice()).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Tls, "{e}");
    assert_eq!(e.message, "the server's certificate is not trusted: it has expired");
}

#[tokio::test]
async fn an_extra_ca_file_of_garbage_is_a_clear_error() {
    let garbage = TempFile::new(b"\x00\x01 this is not a certificate\n");
    let e = TlsOptions::from_ca_file(&garbage.0).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Tls);
    assert!(e.message.starts_with("the extra CA file holds no certificate"), "{e}");

    let missing = std::env::temp_dir().join("mycrm-tls-no-such-file.pem");
    let e = TlsOptions::from_ca_file(&missing).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Tls);
    assert!(e.message.starts_with("cannot read the extra CA file"), "{e}");

    let server = Server::parse("https://localhost:1").expect("url");
    let tls =
        TlsOptions::with_extra_ca_pem(&b"-----BEGIN CERTIFICATE-----\nnot base64 !\n-----END CERTIFICATE-----\n"[..]);
    let e = Client::with_tls(server.clone(), &tls).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Tls);
    assert!(e.message.starts_with("the extra CA file is not valid PEM"), "{e}");

    let mut config = SupervisorConfig::new(server, alice());
    config.tls = TlsOptions::with_extra_ca_pem(&b"garbage"[..]);
    assert_eq!(supervisor::spawn(config).map(drop).unwrap_err().kind, ErrorKind::Tls);
}

#[tokio::test]
async fn the_command_takes_the_extra_ca_file() {
    let ca = authority("Istra on-premises CA");
    let sim = tls_sim(ca.identity("localhost").expect("identity"), SimConfig::default()).await;
    let ca_file = TempFile::new(ca.pem.as_bytes());
    let run = |ca_file: Option<&PathBuf>| {
        let program = cli::program();
        let mut cmd = program.command();
        cmd.env("MYCRM_SERVER", sim.base_url())
            .env("MYCRM_LOGIN", "alice")
            .env("MYCRM_PASSWORD", "secret")
            .arg("terminals");
        if let Some(path) = ca_file {
            cmd.env("MYCRM_CA_FILE", program.path_arg(path));
        }
        async move { tokio::time::timeout(Duration::from_secs(20), cmd.output()).await.expect("finishes").expect("runs") }
    };
    let refused = run(None).await;
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("secure connection failed: the server's certificate is not trusted"), "{stderr}");
    let trusted = run(Some(&ca_file.0)).await;
    assert!(trusted.status.success(), "{}", String::from_utf8_lossy(&trusted.stderr));
    assert!(String::from_utf8_lossy(&trusted.stdout).contains(DESK));
}
