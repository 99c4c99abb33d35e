//! A simulator with a TLS identity speaks HTTPS and WSS, and nothing else.

use std::{
    path::PathBuf,
    process::Stdio,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use mycrm_sim::{Sim, SimConfig, SimTls};
use reqwest::StatusCode;
use rustls::{ClientConfig, RootCertStore, pki_types::CertificateDer};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio_tungstenite::{
    Connector, connect_async_tls_with_config,
    tungstenite::{client::IntoClientRequest, http::HeaderValue},
};

use crate::client::{basic, next_json};

/// A self-signed certificate for `localhost`, its own authority.
fn identity() -> (SimTls, CertificateDer<'static>) {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let tls = SimTls {
        cert_chain_pem: certified.cert.pem().into_bytes(),
        key_pem: certified.signing_key.serialize_pem().into_bytes(),
    };
    (tls, certified.cert.der().clone())
}

async fn tls_sim() -> (Sim, CertificateDer<'static>) {
    let (tls, root) = identity();
    let sim = Sim::start(SimConfig { tls: Some(tls), ..SimConfig::default() }).await.unwrap();
    (sim, root)
}

fn https_client(root: &CertificateDer<'static>) -> reqwest::Client {
    let root = reqwest::Certificate::from_der(root).unwrap();
    reqwest::Client::builder().tls_certs_only([root]).build().unwrap()
}

async fn login(base: &str, root: &CertificateDer<'static>) -> reqwest::Response {
    https_client(root)
        .post(format!("{base}/restletrouter/v1/service/Login"))
        .header("X-Application", "myCrm")
        .header("Authorization", basic("alice", "secret"))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_tls_simulator_serves_https_and_wss() {
    let (sim, root) = tls_sim().await;
    assert!(sim.is_tls());
    assert_eq!(sim.base_url(), format!("https://localhost:{}", sim.addr().port()));
    let answer = login(&sim.base_url(), &root).await;
    assert_eq!(answer.status(), StatusCode::OK);
    let cookie = answer.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let token = answer.headers()["x-application"].clone();

    let url = format!("{}/restletrouter/ws-service/myCrm", sim.base_url().replacen("https", "wss", 1));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert("Cookie", HeaderValue::from_str(&cookie).unwrap());
    request.headers_mut().insert("X-Application", token);
    let mut roots = RootCertStore::empty();
    roots.add(root).unwrap();
    let config = ClientConfig::builder().with_root_certificates(roots).with_no_client_auth();
    let (mut socket, _) =
        connect_async_tls_with_config(request, None, false, Some(Connector::Rustls(Arc::new(config)))).await.unwrap();
    assert_eq!(next_json(&mut socket).await["timeout_milliseconds"], "300000");
    sim.shutdown().await;
}

#[tokio::test]
async fn plain_http_gets_no_answer_and_a_silent_client_holds_up_nobody() {
    let (sim, root) = tls_sim().await;
    // Connected, never says hello: its handshake must not block the next client's.
    let _silent = tokio::net::TcpStream::connect(sim.addr()).await.unwrap();
    let plain = reqwest::Client::new().get(format!("http://{}/restletrouter/", sim.addr())).send().await;
    assert!(plain.is_err(), "{plain:?}");
    let answer = tokio::time::timeout(Duration::from_secs(5), login(&sim.base_url(), &root)).await.unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(sim.control().login_count(), 1);
}

#[tokio::test]
async fn an_unusable_identity_is_refused_at_start() {
    let (good, _) = identity();
    let (other, _) = identity();
    let cases = [
        (SimTls { cert_chain_pem: b"no certificate".to_vec(), ..good.clone() }, "holds no certificate"),
        (SimTls { key_pem: b"no key".to_vec(), ..good.clone() }, "no usable private key"),
        (SimTls { key_pem: other.key_pem, ..good }, "cannot be used together"),
    ];
    for (tls, expected) in cases {
        let err = Sim::start(SimConfig { tls: Some(tls), ..SimConfig::default() }).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains(expected), "{err}");
    }
}

/// A file in the temporary folder, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(contents: &[u8]) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!("mycrm-sim-tls-{}-{}.pem", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let path = std::env::temp_dir().join(name);
        std::fs::write(&path, contents).unwrap();
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[tokio::test]
async fn the_program_serves_tls_given_a_certificate_and_a_key() {
    let (tls, root) = identity();
    let cert = TempFile::new(&tls.cert_chain_pem);
    let key = TempFile::new(&tls.key_pem);
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_mycrm-sim"))
        .arg("--tls-cert")
        .arg(&cert.0)
        .arg("--tls-key")
        .arg(&key.0)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(Duration::from_secs(10), lines.next_line()).await.unwrap().unwrap().unwrap();
    let base = line.strip_prefix("mycrm-sim listening on ").unwrap();
    assert!(base.starts_with("https://localhost:"), "{line}");
    assert_eq!(login(base, &root).await.status(), StatusCode::OK);
    child.kill().await.unwrap();
}
