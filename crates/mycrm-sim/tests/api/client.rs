//! A minimal myCrm client for the tests: just enough HTTP and websocket to poke the simulator.

use std::time::Duration;

use base64::{Engine, engine::general_purpose::STANDARD};
use futures_util::StreamExt;
use mycrm_sim::Sim;
use reqwest::{Method, StatusCode, header::HeaderMap};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

pub const DESK: &str = "5985841581756135023";
pub const SOFTPHONE: &str = "5985841581756135024";

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// What a login hands back: the cookie and the token that must travel together.
#[derive(Clone, Debug)]
pub struct Session {
    pub base: String,
    pub cookie: String,
    pub token: String,
    pub http: reqwest::Client,
}

pub fn basic(login: &str, password: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("ENDUSER:{login}:{password}")))
}

pub async fn raw_login(sim: &Sim, login: &str, password: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/restletrouter/v1/service/Login", sim.base_url()))
        .header("X-Application", "myCrm")
        .header("Authorization", basic(login, password))
        .header("Content-Type", "application/json")
        .send()
        .await
        .unwrap()
}

pub async fn login(sim: &Sim) -> Session {
    let response = raw_login(sim, "alice", "secret").await;
    assert_eq!(response.status(), StatusCode::OK);
    session_from(sim, response.headers())
}

pub fn session_from(sim: &Sim, headers: &HeaderMap) -> Session {
    let cookie = headers["set-cookie"].to_str().unwrap();
    let id = cookie.strip_prefix("myCrm_SESSIONID=").and_then(|rest| rest.split(';').next()).unwrap();
    let token = headers["x-application"].to_str().unwrap().strip_prefix("myCrm;").unwrap();
    Session { base: sim.base_url(), cookie: id.to_owned(), token: token.to_owned(), http: reqwest::Client::new() }
}

impl Session {
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}/restletrouter/{path}", self.base))
            .header("Cookie", format!("myCrm_SESSIONID={}", self.cookie))
            .header("X-Application", format!("myCrm;{}", self.token))
    }

    pub async fn send(&self, method: Method, path: &str) -> (StatusCode, String) {
        let response = self.request(method, path).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }

    pub async fn create_listener(&self, body: &str) -> (StatusCode, String) {
        let response = self
            .request(Method::POST, "v1/service/EventListener/bean")
            .header("Content-Type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    }

    pub async fn open_socket(&self, path: &str) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
        let url = format!("{}/restletrouter/{path}", self.base.replacen("http", "ws", 1));
        let mut request = url.into_client_request().unwrap();
        let headers = request.headers_mut();
        headers.insert("Cookie", HeaderValue::from_str(&format!("myCrm_SESSIONID={}", self.cookie)).unwrap());
        headers.insert("X-Application", HeaderValue::from_str(&format!("myCrm;{}", self.token)).unwrap());
        connect_async(request).await.map(|(socket, _)| socket)
    }
}

/// The next text frame, failing the test after two seconds.
pub async fn next_text(socket: &mut Socket) -> String {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(2), socket.next())
            .await
            .expect("a frame in time")
            .expect("the socket still open")
            .expect("a well-formed frame");
        if let Message::Text(text) = message {
            return text.to_string();
        }
    }
}

pub async fn next_json(socket: &mut Socket) -> Value {
    serde_json::from_str(&next_text(socket).await).unwrap()
}

pub fn error_code(body: &str) -> String {
    let value: Value = serde_json::from_str(body).unwrap();
    value["code"].as_str().unwrap().to_owned()
}
