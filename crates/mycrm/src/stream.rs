//! The event stream of one listener, in either socket mode, with keep-alive and detection of
//! silent (half-open) sockets.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use tokio::time::{Instant, sleep_until, timeout};
use tokio_tungstenite::tungstenite::Message;

use crate::error::{Error, ErrorKind};
use crate::event::Event;
use crate::session::{ListenerBody, Session, WsStream};
use crate::wire::{Frame, ListenerInfo, parse_frame, truncate};

/// Which reading of the guide's `CallLine` step to use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WsMode {
    /// Try the service socket, fall back to the `CallLine` upgrade.
    #[default]
    Auto,
    /// `ws-service/myCrm` opened first, then `CallLine` as a plain request.
    Service,
    /// `CallLine` itself is the websocket.
    #[serde(rename = "callline")]
    CallLine,
}

impl FromStr for WsMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "service" => Ok(Self::Service),
            "callline" | "call-line" => Ok(Self::CallLine),
            other => Err(format!("unknown websocket mode {other:?} (auto, service or callline)")),
        }
    }
}

impl fmt::Display for WsMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Auto => "auto",
            Self::Service => "service",
            Self::CallLine => "callline",
        })
    }
}

/// Timings of the stream's liveness checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamConfig {
    /// Text `ping` period when the server does not announce `timeout_milliseconds`.
    pub keepalive: Duration,
    /// Silence after which a websocket Ping probes the connection.
    pub probe_after: Duration,
    /// How long a probe may go unanswered before the socket is declared dead.
    pub probe_timeout: Duration,
}

impl Default for StreamConfig {
    fn default() -> Self {
        Self {
            keepalive: Duration::from_secs(100),
            probe_after: Duration::from_secs(30),
            probe_timeout: Duration::from_secs(10),
        }
    }
}

/// An open event stream. Read it with [`EventStream::next_events`].
#[derive(Debug)]
pub struct EventStream {
    ws: WsStream,
    mode: WsMode,
    listener: ListenerInfo,
    config: StreamConfig,
    keepalive: Duration,
    last_ping: Instant,
    last_heard: Instant,
    probe_sent: Option<Instant>,
}

/// Socket handshakes answered with these statuses mean "this server does not offer that mode".
fn is_mode_refusal(e: &Error) -> bool {
    matches!(e.status, Some(400 | 404 | 405 | 426 | 501))
}

impl EventStream {
    /// Creates the listener and starts monitoring `terminal_id` in `mode` (`Auto` tries the
    /// service socket then the `CallLine` upgrade). The returned stream knows the mode that
    /// worked ([`EventStream::mode`]).
    ///
    /// # Errors
    ///
    /// The session's errors; in `Auto`, the `CallLine` attempt's error when both fail.
    pub async fn open(
        session: &Session,
        listener_name: &str,
        terminal_id: &str,
        mode: WsMode,
        body: ListenerBody,
        config: StreamConfig,
    ) -> Result<Self, Error> {
        let open = |mode| Self::open_in(session, listener_name, terminal_id, mode, body, config);
        match mode {
            WsMode::Auto => match open(WsMode::Service).await {
                Err(e) if is_mode_refusal(&e) => {
                    tracing::info!(error = %e, "service socket refused; trying the CallLine upgrade");
                    open(WsMode::CallLine).await
                }
                other => other,
            },
            fixed => open(fixed).await,
        }
    }

    async fn open_in(
        session: &Session,
        listener_name: &str,
        terminal_id: &str,
        mode: WsMode,
        body: ListenerBody,
        config: StreamConfig,
    ) -> Result<Self, Error> {
        let (ws, listener) = if mode == WsMode::CallLine {
            let listener = session.create_listener(listener_name, terminal_id, body).await?;
            match session.open_call_line_socket(&listener.name, terminal_id).await {
                Ok(ws) => (ws, listener),
                Err(e) => {
                    let _ = session.delete_listener(&listener).await;
                    return Err(e);
                }
            }
        } else {
            let mut ws = session.open_service_socket().await?;
            let linked = async {
                let listener = session.create_listener(listener_name, terminal_id, body).await?;
                if let Err(e) = session.start_monitoring(&listener.name, terminal_id).await {
                    let _ = session.delete_listener(&listener).await;
                    return Err(e);
                }
                Ok(listener)
            };
            match linked.await {
                Ok(listener) => (ws, listener),
                Err(e) => {
                    let _ = timeout(Duration::from_secs(1), ws.close(None)).await;
                    return Err(e);
                }
            }
        };
        let now = Instant::now();
        Ok(Self {
            ws,
            mode,
            listener,
            config,
            keepalive: config.keepalive,
            last_ping: now,
            last_heard: now,
            probe_sent: None,
        })
    }

    /// The socket mode in use (never `Auto`).
    pub fn mode(&self) -> WsMode {
        self.mode
    }

    pub fn listener(&self) -> &ListenerInfo {
        &self.listener
    }

    /// The text `ping` period in force (from the server's `timeout_milliseconds / 3`).
    pub fn keepalive(&self) -> Duration {
        self.keepalive
    }

    /// Waits for the next frame that holds events, keeping the socket alive meanwhile.
    /// Cancel-safe: no frame is lost when the future is dropped.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Network`] when the socket closes, fails, or stays silent through a probe.
    pub async fn next_events(&mut self) -> Result<Vec<Event>, Error> {
        loop {
            let ping_at = self.last_ping + self.keepalive;
            let probe_at = match self.probe_sent {
                Some(sent) => sent + self.config.probe_timeout,
                None => self.last_heard + self.config.probe_after,
            };
            tokio::select! {
                message = self.ws.next() => {
                    self.last_heard = Instant::now();
                    self.probe_sent = None;
                    if let Some(events) = self.handle(message)? {
                        return Ok(events);
                    }
                }
                () = sleep_until(ping_at) => {
                    self.last_ping = Instant::now();
                    self.send(Message::text("ping")).await?;
                }
                () = sleep_until(probe_at) => {
                    if self.probe_sent.is_some() {
                        return Err(Error::network(format!(
                            "no answer from the server for {} s: connection presumed dead",
                            (self.config.probe_after + self.config.probe_timeout).as_secs()
                        )));
                    }
                    self.probe_sent = Some(Instant::now());
                    self.send(Message::Ping(Vec::new().into())).await?;
                }
            }
        }
    }

    /// Tests the socket at once (after a sleep or a network change, when it may be dead
    /// without knowing it): a Ping now, and the next [`EventStream::next_events`] fails unless
    /// something arrives within `within`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Network`] when the Ping cannot be sent.
    pub async fn probe_now(&mut self, within: Duration) -> Result<(), Error> {
        self.send(Message::Ping(Vec::new().into())).await?;
        let now = Instant::now();
        // next_events gives up at probe_sent + probe_timeout: make that `now + within`.
        self.probe_sent = Some((now + within).checked_sub(self.config.probe_timeout).unwrap_or(now));
        Ok(())
    }

    async fn send(&mut self, message: Message) -> Result<(), Error> {
        match timeout(self.config.probe_timeout, self.ws.send(message)).await {
            Ok(result) => result.map_err(Error::network),
            Err(_) => Err(Error::network("the event socket stopped accepting data")),
        }
    }

    fn handle(
        &mut self,
        message: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>,
    ) -> Result<Option<Vec<Event>>, Error> {
        let text = match message {
            None => return Err(Error::network("the server closed the event socket")),
            Some(Err(e)) => return Err(Error::network(format!("event socket failed: {e}"))),
            Some(Ok(Message::Close(frame))) => {
                let reason = frame.map(|f| f.reason.to_string()).unwrap_or_default();
                return Err(Error::network(
                    format!("the server closed the event socket {reason}").trim_end().to_owned(),
                ));
            }
            Some(Ok(Message::Text(text))) => text.to_string(),
            Some(Ok(Message::Binary(bytes))) => String::from_utf8_lossy(&bytes).into_owned(),
            Some(Ok(_)) => return Ok(None),
        };
        match parse_frame(&text) {
            Ok(Frame::Events { events, .. }) if !events.is_empty() => Ok(Some(events)),
            Ok(Frame::Events { .. } | Frame::Ignored) => Ok(None),
            Ok(Frame::SocketInfo { timeout_ms }) => {
                if let Some(ms) = timeout_ms.filter(|ms| *ms >= 3_000) {
                    self.keepalive = Duration::from_millis(ms / 3);
                    tracing::debug!(keepalive_s = self.keepalive.as_secs(), "server set the socket timeout");
                }
                Ok(None)
            }
            Err(e) => {
                tracing::warn!(error = %e, frame = %truncate(&text, 200), "skipping unreadable frame");
                Ok(None)
            }
        }
    }

    /// Removes the listener and closes the socket, each step bounded in time.
    pub async fn close(mut self, session: &Session) {
        let step = Duration::from_secs(3);
        if let Err(e) = timeout(step, session.delete_listener(&self.listener))
            .await
            .unwrap_or_else(|_| Err(Error::network("timed out")))
        {
            if e.kind != ErrorKind::SessionLost {
                tracing::warn!(error = %e, "could not delete the listener");
            }
        }
        let _ = timeout(step, self.ws.close(None)).await;
    }
}
