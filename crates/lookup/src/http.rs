//! A CRM asked over HTTP: `GET` on an address made from the call (the app expands its
//! screen-pop template, values percent-encoded), answering JSON.
//!
//! The answer is `{"name": "…", "company": "…", "url": "…"}` (`company` and `url`
//! optional), or an array whose first object is that. A 404, a 204, an empty body, `null`,
//! `{}`, `[]` or a blank name mean "not known". 401 and 403 mean the token was refused.
//! Bodies over [`MAX_BODY_BYTES`] are refused, and so are redirects to anything but `http(s)`,
//! from `https` down to `http`, or, when a header is set, to another server (the token would
//! follow).

use std::time::Duration;

use mycrm::Password;
use mycrm::tls::TlsOptions;
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::Value;
use url::Url;

use crate::{Caller, DEFAULT_TIMEOUT, LookupError, SourceKind};

/// Largest answer read; a bigger one is refused.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Most redirects followed.
const MAX_REDIRECTS: usize = 5;

/// A header sent with every request, usually carrying a token (kept in the keyring).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrmHeader {
    /// The header's name, e.g. `Authorization` or `X-Api-Key`.
    pub name: String,
    /// The header's value: a secret, never shown by `Debug`, logs or errors.
    pub value: Password,
}

/// How to reach a CRM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrmSettings {
    /// An optional header (a token).
    pub header: Option<CrmHeader>,
    /// The time the CRM has to answer, connection included ([`DEFAULT_TIMEOUT`]).
    pub timeout: Duration,
    /// Which authorities to trust for `https` (the app's CA settings).
    pub tls: TlsOptions,
}

impl Default for CrmSettings {
    fn default() -> Self {
        Self { header: None, timeout: DEFAULT_TIMEOUT, tls: TlsOptions::default() }
    }
}

/// A CRM source: one HTTP client, reused for every lookup.
#[derive(Debug)]
pub struct CrmSource {
    client: reqwest::Client,
    header: Option<(HeaderName, HeaderValue)>,
    timeout: Duration,
}

impl CrmSource {
    /// Prepares the client; nothing is sent yet.
    ///
    /// # Errors
    ///
    /// [`LookupError::BadConfiguration`] when the header's name or value cannot be sent, the
    /// extra CA is unusable, or the client cannot start.
    pub fn new(settings: CrmSettings) -> Result<Self, LookupError> {
        let bad = |detail: String| LookupError::BadConfiguration { source_kind: SourceKind::Crm, detail };
        let header = match &settings.header {
            None => None,
            Some(h) => {
                let name = HeaderName::from_bytes(h.name.trim().as_bytes())
                    .map_err(|_| bad(format!("{:?} is not a valid header name", h.name)))?;
                let mut value = HeaderValue::from_str(h.value.expose().trim()).map_err(|_| {
                    bad(format!("the value of the {name} header holds characters a header cannot carry"))
                })?;
                value.set_sensitive(true);
                Some((name, value))
            }
        };
        let tls = settings.tls.client_config().map_err(|e| bad(e.message))?;
        let guards_token = header.is_some();
        let client = reqwest::Client::builder()
            .use_preconfigured_tls((*tls).clone())
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .user_agent(concat!("istra-tray/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::custom(move |attempt| {
                match redirect_problem(attempt.previous(), attempt.url(), guards_token) {
                    Some(problem) => attempt.error(problem),
                    None => attempt.follow(),
                }
            }))
            .build()
            .map_err(|e| bad(format!("the HTTP client cannot start: {e}")))?;
        Ok(Self { client, header, timeout: settings.timeout })
    }

    /// Asks the CRM about the caller at `url` (already expanded from the template).
    ///
    /// `Ok(None)`: the CRM does not know the number.
    ///
    /// # Errors
    ///
    /// [`LookupError::Timeout`] past the time limit, [`LookupError::Unreachable`],
    /// [`LookupError::Tls`], [`LookupError::Refused`] on 401 or 403,
    /// [`LookupError::BadAnswer`] for server errors, other statuses, bodies that are not the
    /// expected JSON or too large, and refused redirects; [`LookupError::BadConfiguration`]
    /// when `url` is not `http(s)`.
    pub async fn lookup(&self, url: &Url) -> Result<Option<Caller>, LookupError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(LookupError::BadConfiguration {
                source_kind: SourceKind::Crm,
                detail: format!("the address must start with https:// or http://, not {}:", url.scheme()),
            });
        }
        let mut request = self.client.get(url.clone()).header(reqwest::header::ACCEPT, "application/json");
        if let Some((name, value)) = &self.header {
            request = request.header(name.clone(), value.clone());
        }
        let mut response = request.send().await.map_err(|e| self.failure(e))?;
        let status = response.status().as_u16();
        match status {
            204 | 404 => return Ok(None),
            401 | 403 => {
                return Err(LookupError::Refused { source_kind: SourceKind::Crm, detail: format!("HTTP {status}") });
            }
            200..=299 => {}
            // reqwest hands back the redirects it does not follow itself (to other schemes).
            300..=399 => {
                let target = response.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok());
                let why = target
                    .and_then(|location| response.url().join(location).ok())
                    .and_then(|next| redirect_problem(&[], &next, false))
                    .unwrap_or_else(|| format!("HTTP {status}, a redirect that cannot be followed"));
                return Err(bad_answer(why));
            }
            500..=599 => return Err(bad_answer(format!("HTTP {status}, an error on the CRM's side"))),
            _ => return Err(bad_answer(format!("HTTP {status} where 200 or 404 was expected"))),
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.failure(e))? {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(bad_answer(format!("the answer is larger than {} KiB", MAX_BODY_BYTES / 1024)));
            }
            body.extend_from_slice(&chunk);
        }
        let caller = caller_from_body(&body).map_err(bad_answer)?;
        tracing::debug!(found = caller.is_some(), "CRM lookup answered");
        Ok(caller)
    }

    /// A failed exchange in the user's words.
    fn failure(&self, err: reqwest::Error) -> LookupError {
        let source_kind = SourceKind::Crm;
        if err.is_timeout() {
            return LookupError::Timeout { source_kind, after: self.timeout };
        }
        let detail = root_cause(&err);
        if err.is_redirect() {
            return bad_answer(detail);
        }
        let described = mycrm::Error::from(err);
        if described.kind == mycrm::ErrorKind::Tls {
            return LookupError::Tls { source_kind, detail: described.message };
        }
        LookupError::Unreachable { source_kind, detail }
    }
}

fn bad_answer(detail: String) -> LookupError {
    LookupError::BadAnswer { source_kind: SourceKind::Crm, detail }
}

/// Why a redirect to `next` is not followed, if it is not.
fn redirect_problem(previous: &[Url], next: &Url, guards_token: bool) -> Option<String> {
    if previous.len() >= MAX_REDIRECTS {
        return Some(format!("it redirected more than {MAX_REDIRECTS} times"));
    }
    if !matches!(next.scheme(), "http" | "https") {
        return Some(format!("it redirected to a {}: address, only http(s) is followed", next.scheme()));
    }
    let first = previous.first()?;
    if first.scheme() == "https" && next.scheme() == "http" {
        return Some("it redirected from https to plain http".to_owned());
    }
    if guards_token && first.host_str() != next.host_str() {
        return Some("it redirected to another server, which is not given the token".to_owned());
    }
    None
}

/// The deepest error behind `err`: reqwest's own sentence names the URL, which may hold the
/// caller's number, and says less than the cause.
fn root_cause(err: &reqwest::Error) -> String {
    let mut current: &(dyn std::error::Error + 'static) = err;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

/// The caller in a JSON body, `None` for the ways of saying "not known".
fn caller_from_body(body: &[u8]) -> Result<Option<Caller>, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let value: Value = serde_json::from_slice(body).map_err(|_| "the answer is not JSON".to_owned())?;
    let object = match &value {
        Value::Null => return Ok(None),
        Value::Object(object) => object,
        Value::Array(items) => match items.iter().find_map(Value::as_object) {
            Some(object) => object,
            None if items.iter().all(Value::is_null) => return Ok(None),
            None => return Err("the answer is an array without an object".to_owned()),
        },
        _ => return Err("the answer is not a JSON object with a \"name\"".to_owned()),
    };
    let text = |key: &str| match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.as_str())),
        Some(_) => Err(format!("\"{key}\" is not text")),
    };
    let Some(name) = text("name")? else { return Ok(None) };
    Ok(Caller::new(name, text("company")?, text("url")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ways_of_saying_not_known_are_not_found() {
        for body in
            ["", " \n", "null", "{}", "[]", "[null]", r#"{"name": ""}"#, r#"{"name": null}"#, r#"{"name": "  "}"#]
        {
            assert_eq!(caller_from_body(body.as_bytes()), Ok(None), "{body:?}");
        }
    }

    #[test]
    fn a_name_company_and_web_link_are_read_from_an_object_or_an_array() {
        let one = r#"{"name": "Ada", "company": "Engines", "url": "https://crm.example.com/1", "extra": 5}"#;
        let caller = caller_from_body(one.as_bytes()).expect("usable").expect("found");
        assert_eq!((caller.name.as_str(), caller.company.as_deref()), ("Ada", Some("Engines")));
        assert_eq!(caller.url.map(String::from).as_deref(), Some("https://crm.example.com/1"));
        let list = r#"[1, {"name": "Bob", "url": "javascript:x"}, {"name": "Eve"}]"#;
        let bob = caller_from_body(list.as_bytes()).expect("usable").expect("found");
        assert_eq!((bob.name.as_str(), bob.url), ("Bob", None));
    }

    #[test]
    fn answers_of_the_wrong_shape_are_told_apart() {
        assert_eq!(caller_from_body(b"<html>"), Err("the answer is not JSON".into()));
        assert_eq!(caller_from_body(b"\"Ada\""), Err("the answer is not a JSON object with a \"name\"".into()));
        assert_eq!(caller_from_body(b"[1, 2]"), Err("the answer is an array without an object".into()));
        assert_eq!(caller_from_body(br#"{"name": 5}"#), Err("\"name\" is not text".into()));
    }

    #[test]
    fn redirects_keep_to_the_web_and_keep_the_token_home() {
        let url = |s: &str| Url::parse(s).expect("url");
        let from = [url("https://crm.example.com/a")];
        assert_eq!(redirect_problem(&from, &url("https://crm.example.com/b"), true), None);
        assert_eq!(redirect_problem(&from, &url("https://other.example.com/b"), false), None);
        assert!(
            redirect_problem(&from, &url("https://other.example.com/b"), true)
                .is_some_and(|p| p.contains("another server"))
        );
        assert!(
            redirect_problem(&from, &url("http://crm.example.com/b"), false).is_some_and(|p| p.contains("plain http"))
        );
        assert!(
            redirect_problem(&from, &url("file:///etc/passwd"), false).is_some_and(|p| p.contains("a file: address"))
        );
        let many = vec![url("https://crm.example.com/a"); MAX_REDIRECTS];
        assert!(
            redirect_problem(&many, &url("https://crm.example.com/b"), false).is_some_and(|p| p.contains("more than"))
        );
    }

    #[test]
    fn the_token_stays_out_of_debug_output() {
        let settings = CrmSettings {
            header: Some(CrmHeader { name: "X-Api-Key".into(), value: Password::new("s3cret-token") }),
            ..CrmSettings::default()
        };
        assert!(!format!("{settings:?}").contains("s3cret"));
        let source = CrmSource::new(settings).expect("valid");
        assert!(!format!("{source:?}").contains("s3cret"));
        let bad = CrmSettings {
            header: Some(CrmHeader { name: "X Key".into(), value: Password::new("s3cret\n") }),
            ..CrmSettings::default()
        };
        let e = CrmSource::new(bad).expect_err("refused");
        assert!(!e.to_string().contains("s3cret"), "{e}");
    }
}
