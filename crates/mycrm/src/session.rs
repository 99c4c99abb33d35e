//! One signed-in myCrm session: login, terminals, listeners, monitoring, PlaceCall, logout.
//!
//! The session cookie and the `X-Application` token come from the login answer and travel
//! together on every request, including websocket handshakes (which do not share reqwest's
//! cookie jar). Both are kept as opaque strings.
//!
//! HTTP requests and websocket handshakes trust the same authorities: the OS trust store and
//! the extra CA of [`TlsOptions`], if any (see [`crate::tls`]).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, HeaderMap, HeaderValue, SET_COOKIE};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};
use url::Url;

use crate::error::{Error, ErrorKind, Request};
use crate::secret::Credentials;
use crate::tls::{self, TlsOptions};
use crate::wire::{ListenerInfo, Terminal};

/// A websocket to the server.
pub type WsStream = WebSocketStream<MaybeTlsStream<TcpStream>>;

const X_APPLICATION: &str = "x-application";
const APP_NAME: &str = "myCrm";
const SESSION_COOKIE: &str = "myCrm_SESSIONID";
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// How the listener-creation body is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ListenerBody {
    /// The guide's form: `{"name":…}` and `{"terminalId":…}`, one after the other.
    #[default]
    TwoObjects,
    /// What other clients send: `{"name":…}` alone.
    SingleObject,
}

/// The server's address, normalised to the `restletrouter` base.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Server {
    base: Url,
}

impl Server {
    /// Accepts `https://pbx.example.com`, `https://pbx.example.com/restletrouter`, or a bare
    /// host (taken as https).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Protocol`] when the text is not an http(s) URL.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let text = text.trim();
        let with_scheme = if text.contains("://") { text.to_owned() } else { format!("https://{text}") };
        let mut url = Url::parse(&with_scheme)
            .map_err(|e| Error::protocol(format!("server address {text:?} is not a URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
            return Err(Error::protocol(format!("server address {text:?} must be an http(s) URL")));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::protocol("put the login and password in their own fields, not in the server address"));
        }
        url.set_query(None);
        url.set_fragment(None);
        let path = url.path().trim_end_matches('/').to_owned();
        let path = if path.ends_with("/restletrouter") { path } else { format!("{path}/restletrouter") };
        url.set_path(&format!("{path}/"));
        Ok(Self { base: url })
    }

    /// `true` when the password would cross a network unencrypted: plain http to any host but
    /// this computer's loopback (where a local simulator or proxy listens, no network carries
    /// it). Callers should warn the user.
    pub fn is_plain_http(&self) -> bool {
        let loopback = match self.base.host() {
            Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        self.base.scheme() == "http" && !loopback
    }

    /// The base URL, ending in `/restletrouter/`.
    pub fn base(&self) -> &Url {
        &self.base
    }

    fn http_url(&self, path: &str) -> Url {
        // `path` is one of this module's constants or a server-given restUri; a bad one becomes
        // a request to the base that fails with a clear status.
        self.base.join(path.trim_start_matches('/')).unwrap_or_else(|_| self.base.clone())
    }

    fn ws_url(&self, path: &str) -> Url {
        let mut url = self.http_url(path);
        let scheme = if url.scheme() == "https" { "wss" } else { "ws" };
        // Switching between http(s) and ws(s) is always allowed by `url` for special schemes.
        let _ = url.set_scheme(scheme);
        url
    }
}

/// An HTTP client bound to one server, able to sign in.
#[derive(Clone)]
pub struct Client {
    server: Server,
    http: reqwest::Client,
    /// The TLS settings of websocket handshakes, trusting what `http` trusts.
    websocket_tls: Arc<rustls::ClientConfig>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The TLS settings would list every trusted authority.
        f.debug_struct("Client").field("server", &self.server).finish_non_exhaustive()
    }
}

impl Client {
    /// A client that trusts the OS trust store alone.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Tls`] or [`ErrorKind::Network`] when the TLS stack cannot start.
    pub fn new(server: Server) -> Result<Self, Error> {
        Self::with_tls(server, &TlsOptions::default())
    }

    /// A client that trusts the OS trust store and the extra CA of `tls`, for HTTP and
    /// websockets alike.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Tls`] when the extra CA is unusable or the trusted certificates cannot be
    /// loaded, [`ErrorKind::Network`] when the HTTP client cannot start.
    pub fn with_tls(server: Server, tls: &TlsOptions) -> Result<Self, Error> {
        let extra_roots = tls.extra_roots()?;
        let extra_certs =
            extra_roots.iter().map(|der| reqwest::Certificate::from_der(der)).collect::<Result<Vec<_>, _>>()?;
        let websocket_tls = tls::websocket_config(extra_roots)?;
        // `tls_certs_merge` keeps reqwest's platform verifier (the OS store) and adds the roots.
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("istra-tray-mycrm/", env!("CARGO_PKG_VERSION")))
            .tls_certs_merge(extra_certs)
            .build()?;
        Ok(Self { server, http, websocket_tls })
    }

    pub fn server(&self) -> &Server {
        &self.server
    }

    /// Signs in.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotAllowed`], [`ErrorKind::BadCredentials`], [`ErrorKind::ServerNotReady`],
    /// [`ErrorKind::Network`], or [`ErrorKind::Protocol`] when the answer lacks the session
    /// cookie or token.
    pub async fn login(&self, credentials: &Credentials) -> Result<Session, Error> {
        let basic = base64::engine::general_purpose::STANDARD.encode(format!(
            "ENDUSER:{}:{}",
            credentials.login,
            credentials.password.expose()
        ));
        let mut authorization = HeaderValue::from_str(&format!("Basic {basic}"))
            .map_err(|_| Error::new(ErrorKind::BadCredentials, "the login holds characters that cannot be sent"))?;
        authorization.set_sensitive(true);
        let answer = self
            .http
            .post(self.server.http_url("v1/service/Login"))
            .header(X_APPLICATION, APP_NAME)
            .header(AUTHORIZATION, authorization)
            .header(CONTENT_TYPE, "application/json")
            .send()
            .await?;
        let status = answer.status();
        let headers = answer.headers().clone();
        let body = answer.text().await.unwrap_or_default();
        if !status.is_success() {
            return Err(Error::from_answer(Request::Login, status.as_u16(), &body));
        }
        let auth = SessionAuth::from_login_headers(&headers)?;
        Ok(Session { client: self.clone(), credentials: credentials.clone(), auth: Arc::new(auth) })
    }
}

#[derive(Debug)]
struct SessionAuth {
    cookie: HeaderValue,
    token: HeaderValue,
}

impl SessionAuth {
    fn from_login_headers(headers: &HeaderMap) -> Result<Self, Error> {
        let session_id = headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == SESSION_COOKIE)
            .map(|(_, value)| value.trim().trim_matches('"').to_owned())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| Error::protocol("the login answer has no myCrm_SESSIONID cookie"))?;
        let token = headers
            .get(X_APPLICATION)
            .and_then(|v| v.to_str().ok())
            .filter(|v| v.starts_with("myCrm;") && v.len() > "myCrm;".len())
            .ok_or_else(|| Error::protocol("the login answer has no X-Application token"))?;
        let mut cookie = HeaderValue::from_str(&format!("{SESSION_COOKIE}={session_id}"))
            .map_err(|_| Error::protocol("the session cookie holds characters that cannot be sent back"))?;
        let mut token = HeaderValue::from_str(token)
            .map_err(|_| Error::protocol("the session token holds characters that cannot be sent back"))?;
        cookie.set_sensitive(true);
        token.set_sensitive(true);
        Ok(Self { cookie, token })
    }
}

/// A signed-in session. Cheap to clone; all clones share one cookie and token.
#[derive(Clone, Debug)]
pub struct Session {
    client: Client,
    credentials: Credentials,
    auth: Arc<SessionAuth>,
}

/// What a plain `CallLine` request answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Monitoring {
    /// 200 or 204: events flow on the already open service socket.
    Linked,
}

impl Session {
    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn login_name(&self) -> &str {
        &self.credentials.login
    }

    /// Signs in again with the same credentials, giving a new session (new cookie and token).
    ///
    /// # Errors
    ///
    /// As [`Client::login`].
    pub async fn relogin(&self) -> Result<Session, Error> {
        self.client.login(&self.credentials).await
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .http
            .request(method, self.client.server.http_url(path))
            .header(COOKIE, self.auth.cookie.clone())
            .header(X_APPLICATION, self.auth.token.clone())
    }

    async fn send(&self, request: Request, builder: reqwest::RequestBuilder) -> Result<(u16, String), Error> {
        let answer = builder.send().await?;
        let status = answer.status().as_u16();
        let body = answer.text().await.map_err(Error::network)?;
        if (200..300).contains(&status) { Ok((status, body)) } else { Err(Error::from_answer(request, status, &body)) }
    }

    /// The user's terminals (possibly none).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::SessionLost`] when the session is gone, [`ErrorKind::Protocol`] when the list
    /// cannot be read, and the network and server kinds.
    pub async fn terminals(&self) -> Result<Vec<Terminal>, Error> {
        let (_, body) = self.send(Request::Other, self.request(reqwest::Method::GET, "v1/crm/GetTerminals")).await?;
        serde_json::from_str(&body).map_err(|e| Error::protocol(format!("unreadable terminal list: {e}")))
    }

    /// Creates the event listener `name` for `terminal_id`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::BadTerminal`] when the server refuses the terminal, and the session,
    /// network and server kinds.
    pub async fn create_listener(
        &self,
        name: &str,
        terminal_id: &str,
        form: ListenerBody,
    ) -> Result<ListenerInfo, Error> {
        let name_json = serde_json::json!({ "name": name }).to_string();
        let body = match form {
            ListenerBody::TwoObjects => format!("{name_json}\n{}", serde_json::json!({ "terminalId": terminal_id })),
            ListenerBody::SingleObject => name_json,
        };
        let builder = self
            .request(reqwest::Method::POST, "v1/service/EventListener/bean")
            .header(CONTENT_TYPE, "application/json")
            .body(body);
        let (_, answer) = self.send(Request::WithTerminal, builder).await?;
        let info: ListenerInfo =
            serde_json::from_str(&answer).map_err(|e| Error::protocol(format!("unreadable listener answer: {e}")))?;
        if info.rest_uri.contains("..") || info.rest_uri.contains("://") {
            return Err(Error::protocol(format!("listener restUri {:?} is not a path", info.rest_uri)));
        }
        Ok(info)
    }

    /// Removes a listener through its `restUri`.
    ///
    /// # Errors
    ///
    /// The session, network and server kinds.
    pub async fn delete_listener(&self, listener: &ListenerInfo) -> Result<(), Error> {
        self.send(Request::Other, self.request(reqwest::Method::DELETE, &listener.rest_uri)).await.map(drop)
    }

    fn call_line_path(listener: &str, terminal_id: &str) -> String {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("listenerName", listener)
            .append_pair("terminalId", terminal_id)
            .finish();
        format!("v1/crm/CallLine?{query}")
    }

    /// Links the session's open service socket with the listener (`CallLine` as a plain request).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::BadTerminal`] when the server refuses the listener or terminal, and the
    /// session, network and server kinds.
    pub async fn start_monitoring(&self, listener: &str, terminal_id: &str) -> Result<Monitoring, Error> {
        let path = Self::call_line_path(listener, terminal_id);
        self.send(Request::WithTerminal, self.request(reqwest::Method::GET, &path)).await?;
        Ok(Monitoring::Linked)
    }

    /// Opens the service socket `ws-service/myCrm`.
    ///
    /// # Errors
    ///
    /// The handshake's HTTP answer classified as any request's, or [`ErrorKind::Network`].
    pub async fn open_service_socket(&self) -> Result<WsStream, Error> {
        self.open_socket("ws-service/myCrm", Request::Other).await
    }

    /// Opens `CallLine` itself as the websocket.
    ///
    /// # Errors
    ///
    /// As [`Session::open_service_socket`]; a refused terminal is [`ErrorKind::BadTerminal`].
    pub async fn open_call_line_socket(&self, listener: &str, terminal_id: &str) -> Result<WsStream, Error> {
        self.open_socket(&Self::call_line_path(listener, terminal_id), Request::WithTerminal).await
    }

    async fn open_socket(&self, path: &str, kind: Request) -> Result<WsStream, Error> {
        use tokio_tungstenite::tungstenite::Error as WsError;
        let url = self.client.server.ws_url(path);
        let mut request =
            url.as_str().into_client_request().map_err(|e| Error::protocol(format!("bad websocket address: {e}")))?;
        request.headers_mut().insert(COOKIE, self.auth.cookie.clone());
        request.headers_mut().insert(X_APPLICATION, self.auth.token.clone());
        let connector = Connector::Rustls(self.client.websocket_tls.clone());
        let connect = tokio_tungstenite::connect_async_tls_with_config(request, None, false, Some(connector));
        match tokio::time::timeout(REQUEST_TIMEOUT, connect).await {
            Err(_) => Err(Error::network("websocket handshake timed out")),
            Ok(Ok((stream, _))) => Ok(stream),
            Ok(Err(WsError::Http(answer))) => {
                let body = answer.body().as_deref().map(String::from_utf8_lossy).unwrap_or_default();
                Err(Error::from_answer(kind, answer.status().as_u16(), &body))
            }
            Ok(Err(e)) => Err(tls::tls_failure(&e).unwrap_or_else(|| Error::network(e))),
        }
    }

    /// Asks the platform to call `destination` from `terminal_id`. The destination is sent
    /// URL-encoded, so `+`, `&` or `=` can never change the request.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::TerminalOutOfService`], [`ErrorKind::BadTerminal`], and the session,
    /// network and server kinds.
    pub async fn place_call(&self, terminal_id: &str, destination: &str) -> Result<(), Error> {
        let builder = self
            .request(reqwest::Method::GET, "v1/crm/PlaceCall")
            .query(&[("terminalId", terminal_id), ("destination", destination)]);
        self.send(Request::WithTerminal, builder).await.map(drop)
    }

    /// Ends the session: `POST Logout`, or `GET` when the server answers 405.
    ///
    /// # Errors
    ///
    /// The network and server kinds; a session that is already gone is not an error.
    pub async fn logout(&self) -> Result<(), Error> {
        let post = self.send(Request::Other, self.request(reqwest::Method::POST, "v1/service/Logout")).await;
        let result = match post {
            Err(e) if e.status == Some(405) => {
                self.send(Request::Other, self.request(reqwest::Method::GET, "v1/service/Logout")).await.map(drop)
            }
            other => other.map(drop),
        };
        match result {
            Err(e) if e.kind == ErrorKind::SessionLost => Ok(()),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_addresses_normalise_to_the_restletrouter_base() {
        let cases = [
            ("https://pbx.example.com", "https://pbx.example.com/restletrouter/"),
            ("https://pbx.example.com/", "https://pbx.example.com/restletrouter/"),
            ("https://pbx.example.com/restletrouter", "https://pbx.example.com/restletrouter/"),
            ("http://127.0.0.1:8080/restletrouter/", "http://127.0.0.1:8080/restletrouter/"),
            ("pbx.example.com", "https://pbx.example.com/restletrouter/"),
            (" https://pbx.example.com/istra?x=1 ", "https://pbx.example.com/istra/restletrouter/"),
        ];
        for (input, base) in cases {
            assert_eq!(Server::parse(input).expect(input).base().as_str(), base);
        }
        for bad in ["ftp://x", "https://", "https://alice:pw@pbx.example.com", ""] {
            assert!(Server::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn websocket_urls_follow_the_http_scheme() {
        let s = Server::parse("https://pbx.example.com").expect("valid");
        assert_eq!(s.ws_url("ws-service/myCrm").as_str(), "wss://pbx.example.com/restletrouter/ws-service/myCrm");
        assert!(!s.is_plain_http());
        let p = Server::parse("http://10.0.0.5:9").expect("valid");
        assert!(p.is_plain_http());
        assert_eq!(p.ws_url("ws-service/myCrm").as_str(), "ws://10.0.0.5:9/restletrouter/ws-service/myCrm");
    }

    #[test]
    fn only_an_http_address_is_plain_http() {
        assert!(Server::parse("http://pbx.example.com").expect("valid").is_plain_http());
        assert!(Server::parse("HTTP://pbx.example.com:8080/restletrouter").expect("valid").is_plain_http());
        assert!(!Server::parse("https://pbx.example.com").expect("valid").is_plain_http());
        assert!(!Server::parse("pbx.example.com").expect("valid").is_plain_http(), "a bare host is https");
        for local in ["http://127.0.0.1:8080", "http://localhost:9", "http://[::1]:8080", "http://127.1.2.3"] {
            assert!(!Server::parse(local).expect("valid").is_plain_http(), "{local}: nothing crosses a network");
        }
        assert!(Server::parse("http://127.0.0.1.evil.example").expect("valid").is_plain_http());
    }

    #[test]
    fn cookie_and_token_come_from_the_login_headers() {
        let mut h = HeaderMap::new();
        h.append(SET_COOKIE, HeaderValue::from_static("other=1; Path=/"));
        h.append(
            SET_COOKIE,
            HeaderValue::from_static("myCrm_SESSIONID=1234567890123456789;Path=/restletrouter;HttpOnly"),
        );
        h.insert("X-Application", HeaderValue::from_static("myCrm;TOKEN42"));
        let auth = SessionAuth::from_login_headers(&h).expect("complete");
        assert_eq!(auth.cookie, "myCrm_SESSIONID=1234567890123456789");
        assert_eq!(auth.token, "myCrm;TOKEN42");
        h.remove("X-Application");
        assert_eq!(SessionAuth::from_login_headers(&h).map(drop).unwrap_err().kind, ErrorKind::Protocol);
    }
}
