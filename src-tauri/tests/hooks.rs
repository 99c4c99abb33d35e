//! The call hooks' runner against a real HTTP receiver on loopback and real commands.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use istra_tray::model::hooks::Job;
use istra_tray::platform::hooks::{HookRunner, Limits, signature};

const SECRET: &str = "s3cret-for-hooks";

/// What the receiver got: each body with whether its signature was right.
type Received = Arc<Mutex<Vec<(String, bool)>>>;

/// A webhook receiver on loopback that answers 503 to the first `refusals` requests.
async fn receiver(refusals: usize) -> (String, Received) {
    let received: Received = Arc::default();
    let seen = Arc::clone(&received);
    let refused = Arc::new(Mutex::new(0));
    let app = Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: String| {
            let (seen, refused) = (Arc::clone(&seen), Arc::clone(&refused));
            async move {
                {
                    let mut refused = refused.lock().expect("count");
                    if *refused < refusals {
                        *refused += 1;
                        return StatusCode::SERVICE_UNAVAILABLE;
                    }
                }
                let given = headers.get("x-istra-signature").and_then(|v| v.to_str().ok()).unwrap_or("");
                let right = given == format!("sha256={}", signature(SECRET, &body));
                seen.lock().expect("seen").push((body, right));
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("port");
    let url = format!("http://{}/hook", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

fn quick() -> Limits {
    Limits { first_retry: Duration::from_millis(50), give_up_after: Duration::from_secs(5), ..Limits::default() }
}

async fn eventually(what: &str, done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(20), "{what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn webhook(url: &str, body: &str) -> Job {
    Job::Post { url: url.to_owned(), body: body.to_owned() }
}

#[tokio::test]
async fn a_webhook_is_signed_and_tried_again_until_the_receiver_takes_it() {
    let (url, received) = receiver(2).await;
    let runner = HookRunner::new(Some(SECRET.into()), quick());
    runner.send("-1", vec![webhook(&url, r#"{"event":"missed"}"#)], true);
    eventually("delivered after two refusals", || received.lock().expect("seen").len() == 1).await;
    assert_eq!(received.lock().expect("seen")[0], (r#"{"event":"missed"}"#.to_owned(), true), "signed with the secret");
    assert!(runner.failures().is_empty());
}

#[tokio::test]
async fn a_webhook_never_taken_is_given_up_and_told_without_its_query() {
    let runner = HookRunner::new(None, Limits { give_up_after: Duration::from_millis(300), ..quick() });
    runner.send("-2", vec![webhook("http://127.0.0.1:9/hook?token=abc", "{}")], true);
    eventually("the failure kept for diagnostics", || !runner.failures().is_empty()).await;
    let failure = runner.failures().join("\n");
    assert!(failure.contains("webhook http://127.0.0.1/hook") && !failure.contains("abc"), "{failure}");
}

#[tokio::test]
async fn a_command_gets_each_value_as_one_argument_and_the_call_in_its_environment() {
    let dir = std::env::temp_dir().join(format!("istra-hooks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("folder");
    let out = dir.join("args.txt");
    let script = r#"printf '%s\n' "$1" "$ISTRA_EVENT" "$ISTRA_NUMBER" > "$2""#;
    let argv = ["sh", "-c", script, "hook", "ACME 'x'; $(touch pwned)", out.to_str().expect("path")];
    let env = vec![("ISTRA_EVENT".to_owned(), "ringing".to_owned()), ("ISTRA_NUMBER".to_owned(), "104".to_owned())];
    let runner = HookRunner::new(None, quick());
    runner.send("-3", vec![Job::Run { argv: argv.map(str::to_owned).to_vec(), env }], false);
    eventually("the command ran", || std::fs::read_to_string(&out).is_ok_and(|text| text.lines().count() == 3)).await;
    assert_eq!(std::fs::read_to_string(&out).expect("written"), "ACME 'x'; $(touch pwned)\nringing\n104\n");
    assert!(!std::path::Path::new("pwned").exists(), "the label ran nothing");
    runner.send("-3", vec![Job::Run { argv: vec!["/nonexistent/hook".into()], env: vec![] }], true);
    eventually("a command that cannot start is told", || !runner.failures().is_empty()).await;
    assert!(runner.failures()[0].contains("/nonexistent/hook: cannot start"), "{:?}", runner.failures());
    let _ = std::fs::remove_dir_all(dir);
}

/// The figure of the README: 1,000 webhooks queued at once over 50 calls; how long queueing
/// took (what the popup's path pays) and how long until all arrived, each call's in order.
#[tokio::test]
async fn a_burst_of_1000_webhooks_arrives_in_order_per_call_without_holding_the_sender() {
    let (url, received) = receiver(0).await;
    let runner = HookRunner::new(Some(SECRET.into()), quick());
    let start = Instant::now();
    let mut slowest_send = Duration::ZERO;
    for n in 0..1000 {
        let (call, step) = (n % 50, n / 50);
        let sent = Instant::now();
        runner.send(&format!("-{call}"), vec![webhook(&url, &format!("{call}:{step}"))], step == 19);
        slowest_send = slowest_send.max(sent.elapsed());
    }
    let queued = start.elapsed();
    eventually("all delivered", || received.lock().expect("seen").len() == 1000).await;
    let delivered = start.elapsed();
    let received = received.lock().expect("seen");
    assert!(received.iter().all(|(_, signed)| *signed));
    for call in 0..50 {
        let steps: Vec<usize> = received
            .iter()
            .filter_map(|(body, _)| body.split_once(':').filter(|(c, _)| *c == call.to_string()))
            .map(|(_, step)| step.parse().expect("step"))
            .collect();
        assert_eq!(steps, (0..20).collect::<Vec<_>>(), "call {call} in order");
    }
    eprintln!(
        "hooks burst: 1000 webhooks over 50 calls queued in {queued:?} (slowest send {slowest_send:?}), \
         all delivered in {delivered:?}"
    );
}
