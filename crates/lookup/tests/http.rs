//! The CRM source against a real HTTP server on loopback.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use lookup::http::{CrmHeader, CrmSettings, CrmSource, MAX_BODY_BYTES};
use lookup::{Caller, LookupError};
use mycrm::Password;
use url::Url;

const TOKEN: &str = "tok-s3cret-123";

fn json(body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn with_token(headers: HeaderMap) -> Response {
    if headers.get("x-api-key").and_then(|v| v.to_str().ok()) == Some(TOKEN) {
        json(r#"{"name": "Token Holder"}"#)
    } else {
        StatusCode::UNAUTHORIZED.into_response()
    }
}

/// A CRM with one route per behaviour, on a free loopback port.
async fn crm() -> SocketAddr {
    let app = Router::new()
        .route(
            "/found",
            get(|| async {
                json(r#"{"name": " Ada Lovelace ", "company": "Engines", "url": "https://crm.example.com/c/1"}"#)
            }),
        )
        .route("/array", get(|| async { json(r#"[{"name": "Bob", "url": "javascript:alert(1)"}]"#) }))
        .route("/nobody", get(|| async { json("{}") }))
        .route("/null", get(|| async { json("null") }))
        .route("/missing", get(|| async { StatusCode::NOT_FOUND }))
        .route("/token", get(with_token))
        .route("/forbidden", get(|| async { StatusCode::FORBIDDEN }))
        .route("/broken", get(|| async { StatusCode::INTERNAL_SERVER_ERROR }))
        .route("/garbage", get(|| async { "<html><body>Login</body></html>" }))
        .route("/huge", get(|| async { format!(r#"{{"name": "{}"}}"#, "a".repeat(MAX_BODY_BYTES)) }))
        .route(
            "/html",
            get(|| async { json(r#"{"name": "<img src=x onerror=alert(1)>Eve", "company": "<b>Evil</b>"}"#) }),
        )
        .route("/to-file", get(|| async { (StatusCode::FOUND, [(header::LOCATION, "file:///etc/passwd")]) }))
        .route("/to-found", get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/found")]) }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                json(r#"{"name": "Too Late"}"#)
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("listener");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

fn at(addr: SocketAddr, path: &str) -> Url {
    Url::parse(&format!("http://{addr}{path}")).expect("url")
}

fn source() -> CrmSource {
    CrmSource::new(CrmSettings::default()).expect("valid")
}

#[tokio::test]
async fn a_known_caller_comes_back_cleaned_with_a_web_link_only() {
    let addr = crm().await;
    let ada = Caller::new("Ada Lovelace", Some("Engines"), Some("https://crm.example.com/c/1"));
    assert_eq!(source().lookup(&at(addr, "/found")).await, Ok(ada.clone()));
    assert_eq!(source().lookup(&at(addr, "/to-found")).await, Ok(ada));
    assert_eq!(source().lookup(&at(addr, "/array")).await, Ok(Caller::new("Bob", None, None)));
}

#[tokio::test]
async fn nobody_known_is_not_found_not_an_error() {
    let addr = crm().await;
    let crm = source();
    for path in ["/nobody", "/null", "/missing"] {
        assert_eq!(crm.lookup(&at(addr, path)).await, Ok(None), "{path}");
    }
}

#[tokio::test]
async fn the_token_header_is_sent_and_a_refusal_says_so() {
    let addr = crm().await;
    let with = CrmSettings {
        header: Some(CrmHeader { name: "X-Api-Key".into(), value: Password::new(TOKEN) }),
        ..CrmSettings::default()
    };
    let crm = CrmSource::new(with).expect("valid");
    assert_eq!(crm.lookup(&at(addr, "/token")).await, Ok(Caller::new("Token Holder", None, None)));
    for path in ["/token", "/forbidden"] {
        let e = source().lookup(&at(addr, path)).await.expect_err("refused");
        assert!(matches!(e, LookupError::Refused { .. }), "{e:?}");
        assert!(e.to_string().starts_with("the CRM refused the token (HTTP 40"), "{e}");
    }
    let wrong = CrmSettings {
        header: Some(CrmHeader { name: "X-Api-Key".into(), value: Password::new("wrong-tok-77") }),
        ..CrmSettings::default()
    };
    let e = CrmSource::new(wrong).expect("valid").lookup(&at(addr, "/token")).await.expect_err("refused");
    assert!(!format!("{e} {e:?}").contains("wrong-tok-77"));
}

#[tokio::test]
async fn unusable_answers_are_told_apart() {
    let addr = crm().await;
    let crm = source();
    for (path, says) in [
        ("/garbage", "the CRM answered something unusable: the answer is not JSON"),
        ("/huge", "the CRM answered something unusable: the answer is larger than 64 KiB"),
        ("/broken", "the CRM answered something unusable: HTTP 500, an error on the CRM's side"),
        ("/to-file", "the CRM answered something unusable: it redirected to a file: address, only http(s) is followed"),
    ] {
        let e = crm.lookup(&at(addr, path)).await.expect_err("unusable");
        assert_eq!(e.to_string(), says, "{path}");
    }
}

#[tokio::test]
async fn a_label_with_html_stays_text() {
    let addr = crm().await;
    let eve = source().lookup(&at(addr, "/html")).await.expect("answered").expect("found");
    assert_eq!(eve.name, "<img src=x onerror=alert(1)>Eve");
    assert_eq!(eve.company.as_deref(), Some("<b>Evil</b>"));
}

#[tokio::test]
async fn a_slow_or_absent_crm_fails_within_the_time_limit() {
    let addr = crm().await;
    let quick =
        CrmSource::new(CrmSettings { timeout: Duration::from_millis(300), ..CrmSettings::default() }).expect("valid");
    let started = Instant::now();
    let e = quick.lookup(&at(addr, "/slow")).await.expect_err("too slow");
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    assert_eq!(e.to_string(), "the CRM did not answer within 300 ms (is the server slow or unreachable?)");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port");
    let e = quick.lookup(&at(closed, "/found")).await.expect_err("closed");
    assert!(e.to_string().starts_with("cannot connect to the CRM"), "{e}");
    let e = quick.lookup(&Url::parse("ftp://127.0.0.1/x").expect("url")).await.expect_err("scheme");
    assert!(matches!(e, LookupError::BadConfiguration { .. }), "{e:?}");
}
