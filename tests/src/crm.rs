//! A CRM double on loopback for the caller lookup: it knows some numbers, wants a token when
//! given one, takes its time as real ones do, and keeps what it was asked.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::Query;
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

/// Someone the CRM knows, by E.164 number.
#[derive(Clone, Debug)]
pub struct Known {
    pub e164: String,
    pub name: String,
    pub company: Option<String>,
    pub url: Option<String>,
}

/// A running CRM double.
#[derive(Debug)]
pub struct CrmDouble {
    /// The address template the app is given: `http://127.0.0.1:PORT/callers?phone={e164}`.
    pub template: String,
    asked: Arc<Mutex<Vec<(String, String)>>>,
}

impl CrmDouble {
    /// Answers `known` people (to requests carrying `token` in `X-Api-Key`, when given) after
    /// `delay`; anyone else is `{}`.
    pub async fn start(known: Vec<Known>, token: Option<&str>, delay: Duration) -> Self {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&asked);
        let known: Arc<HashMap<String, Known>> = Arc::new(known.into_iter().map(|k| (k.e164.clone(), k)).collect());
        let token = token.map(str::to_owned);
        let app = Router::new().route(
            "/callers",
            get(move |headers: HeaderMap, Query(query): Query<HashMap<String, String>>| {
                let (seen, known, token) = (Arc::clone(&seen), Arc::clone(&known), token.clone());
                async move {
                    let phone = query.get("phone").cloned().unwrap_or_default();
                    let given = headers.get("x-api-key").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                    seen.lock().expect("asked").push((phone.clone(), given.clone()));
                    tokio::time::sleep(delay).await;
                    let allowed = token.as_ref().is_none_or(|token| *token == given);
                    Json(match known.get(&phone).filter(|_| allowed) {
                        Some(k) => json!({"name": k.name, "company": k.company, "url": k.url}),
                        None => Value::Object(serde_json::Map::new()),
                    })
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("port");
        let template = format!("http://{}/callers?phone={{e164}}", listener.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { template, asked }
    }

    /// Each (number, token) asked so far, oldest first.
    pub fn asked(&self) -> Vec<(String, String)> {
        self.asked.lock().expect("asked").clone()
    }
}
