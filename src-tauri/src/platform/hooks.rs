//! Runs the call hooks `model::hooks` decided: commands (an argument vector, never through a
//! shell, with a time limit) and webhooks (JSON posted with an `X-Istra-Signature:
//! sha256=<hex>` HMAC-SHA256 of the body when a signing secret is in the keyring, retried with
//! a doubling pause for up to a minute). Each call's jobs run one after the other, in the order
//! its moments came; calls run side by side. Nothing here runs on the thread that shows
//! popups, and nothing waits for it: a failure is logged and kept for Copy diagnostics.

use std::collections::{HashMap, VecDeque};
use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::model::hooks::Job;

/// How long a hook may take, and how long a webhook is tried again.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// One webhook request, answer included.
    pub request: Duration,
    /// A command, before it is stopped.
    pub command: Duration,
    /// The first pause before a webhook is tried again (then doubled).
    pub first_retry: Duration,
    /// A webhook not delivered after this long is given up.
    pub give_up_after: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            request: Duration::from_secs(5),
            command: Duration::from_secs(30),
            first_retry: Duration::from_secs(1),
            give_up_after: Duration::from_secs(60),
        }
    }
}

/// How many failures Copy diagnostics shows.
const KEPT_FAILURES: usize = 20;
/// The most bytes of a webhook's answer read.
const MAX_ANSWER_BYTES: usize = 16 * 1024;

/// Cheap to clone; clones share the queues.
#[derive(Clone, Debug)]
pub struct HookRunner {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    /// The queue of each call with jobs still to run.
    queues: Mutex<HashMap<String, mpsc::UnboundedSender<Job>>>,
    client: reqwest::Client,
    secret: Mutex<Option<String>>,
    failures: Mutex<VecDeque<String>>,
    limits: Limits,
}

fn locked<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl HookRunner {
    /// A runner signing webhooks with `secret` (none: unsigned).
    pub fn new(secret: Option<String>, limits: Limits) -> Self {
        let client = reqwest::Client::builder()
            .timeout(limits.request)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self {
            shared: Arc::new(Shared {
                queues: Mutex::default(),
                client,
                secret: Mutex::new(secret.filter(|s| !s.is_empty())),
                failures: Mutex::default(),
                limits,
            }),
        }
    }

    /// Signs the webhooks from now on with `secret` (empty: unsigned).
    pub fn set_secret(&self, secret: &str) {
        *locked(&self.shared.secret) = Some(secret.to_owned()).filter(|s| !s.is_empty());
    }

    /// Queues `jobs` for the call `call_id`, after its earlier ones; `last` when the call
    /// ended (its queue goes once they ran). Never waits.
    pub fn send(&self, call_id: &str, jobs: Vec<Job>, last: bool) {
        let mut queues = locked(&self.shared.queues);
        let queue = match queues.get(call_id) {
            Some(queue) if !queue.is_closed() => queue.clone(),
            _ => {
                let (queue, jobs) = mpsc::unbounded_channel();
                tauri::async_runtime::spawn(Arc::clone(&self.shared).work(jobs));
                queues.insert(call_id.to_owned(), queue.clone());
                queue
            }
        };
        for job in jobs {
            let _ = queue.send(job);
        }
        if last {
            queues.remove(call_id);
        }
    }

    /// The latest failures, oldest first, for Copy diagnostics.
    pub fn failures(&self) -> Vec<String> {
        locked(&self.shared.failures).iter().cloned().collect()
    }
}

impl Shared {
    async fn work(self: Arc<Self>, mut jobs: mpsc::UnboundedReceiver<Job>) {
        while let Some(job) = jobs.recv().await {
            let outcome = match &job {
                Job::Run { argv, env } => self.run(argv, env).await,
                Job::Post { url, body } => self.post(url, body).await,
            };
            if let Err(why) = outcome {
                tracing::warn!(hook = %why, "call hook failed");
                let mut failures = locked(&self.failures);
                if failures.len() == KEPT_FAILURES {
                    failures.pop_front();
                }
                failures.push_back(why);
            }
        }
    }

    async fn run(&self, argv: &[String], env: &[(String, String)]) -> Result<(), String> {
        let Some((program, arguments)) = argv.split_first() else { return Ok(()) };
        let mut command = tokio::process::Command::new(program);
        command
            .args(arguments)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        let mut child = command.spawn().map_err(|e| format!("{program}: cannot start: {e}"))?;
        match tokio::time::timeout(self.limits.command, child.wait()).await {
            Ok(Ok(status)) if status.success() => Ok(()),
            Ok(Ok(status)) => Err(format!("{program}: ended with {status}")),
            Ok(Err(e)) => Err(format!("{program}: {e}")),
            Err(_) => Err(format!("{program}: stopped after {} s", self.limits.command.as_secs())),
        }
    }

    async fn post(&self, url: &str, body: &str) -> Result<(), String> {
        let give_up = Instant::now() + self.limits.give_up_after;
        let mut pause = self.limits.first_retry;
        loop {
            match self.post_once(url, body).await {
                Ok(()) => return Ok(()),
                Err((why, again)) if again && Instant::now() + pause < give_up => {
                    tracing::debug!(url, why, "webhook tried again");
                    tokio::time::sleep(pause).await;
                    pause *= 2;
                }
                Err((why, _)) => return Err(format!("webhook {}: {why}", shown_url(url))),
            }
        }
    }

    /// One try; the error says why and whether trying again may help.
    async fn post_once(&self, url: &str, body: &str) -> Result<(), (String, bool)> {
        let mut request = self.client.post(url).header("content-type", "application/json");
        let secret = locked(&self.secret).clone();
        if let Some(secret) = secret {
            request = request.header("x-istra-signature", format!("sha256={}", signature(&secret, body)));
        }
        let answer = request.body(body.to_owned()).send().await.map_err(|e| (e.without_url().to_string(), true))?;
        let status = answer.status();
        if status.is_success() {
            return Ok(());
        }
        let again = status.is_server_error() || matches!(status.as_u16(), 408 | 429);
        // A little of the answer, for the log; the rest is not read.
        let mut answer = answer;
        let mut said = Vec::new();
        while said.len() < MAX_ANSWER_BYTES {
            match answer.chunk().await {
                Ok(Some(chunk)) => said.extend_from_slice(&chunk),
                _ => break,
            }
        }
        let said: String = String::from_utf8_lossy(&said).chars().filter(|c| !c.is_control()).take(120).collect();
        Err((format!("answered {status} {said}").trim_end().to_owned(), again))
    }
}

/// The address without what may be a secret in it (user, password, query).
fn shown_url(url: &str) -> String {
    url::Url::parse(url).map_or_else(
        |_| "(not an address)".to_owned(),
        |url| format!("{}://{}{}", url.scheme(), url.host_str().unwrap_or(""), url.path()),
    )
}

/// HMAC-SHA256 of `body` with `secret`, in lowercase hex.
pub fn signature(secret: &str, body: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return String::new() };
    mac.update(body.as_bytes());
    mac.finalize().into_bytes().iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_rfc_4231s_hmac_sha256() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn an_address_shown_in_a_failure_keeps_no_credentials_or_query() {
        assert_eq!(shown_url("https://user:pw@hooks.example.com/in?token=abc"), "https://hooks.example.com/in");
    }
}
