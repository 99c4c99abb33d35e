//! The one task that owns the connection: it signs in, picks the terminal, opens the event
//! stream, forwards events, places calls, and rebuilds everything when the network, the
//! session or the server fails. Callers see a [`ConnectionState`] on a watch channel and talk
//! to it through a cloneable [`SupervisorHandle`].
//!
//! This file holds what callers see (the configuration, the state, the handle); `runner` is
//! the task itself and `connect` signs in and opens the stream for it.

mod connect;
mod runner;

use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};

use crate::backoff::Backoff;
use crate::error::Error;
use crate::event::Event;
use crate::secret::Credentials;
use crate::session::{Client, ListenerBody, Server, Session};
use crate::stream::{StreamConfig, WsMode};
use crate::surroundings::Watch;
use crate::tls::TlsOptions;
use crate::wire::Terminal;

use self::runner::Runner;

/// Everything the supervisor needs to run a connection.
#[derive(Clone, Debug)]
pub struct SupervisorConfig {
    pub server: Server,
    pub credentials: Credentials,
    /// The authorities trusted besides the OS trust store.
    pub tls: TlsOptions,
    /// The terminal to watch; `None` takes the user's first terminal.
    pub terminal: Option<String>,
    pub listener_name: String,
    pub ws_mode: WsMode,
    pub listener_body: ListenerBody,
    pub backoff: Backoff,
    pub stream: StreamConfig,
    /// How long a call asked for during the first connection waits for it.
    pub call_wait: Duration,
    /// A connection that lasted this long counts as healthy: the next failure retries quickly.
    pub healthy_after: Duration,
    /// Sleeps, network changes and the server's return, looked at every `watch.tick`.
    pub watch: Watch,
}
impl SupervisorConfig {
    pub fn new(server: Server, credentials: Credentials) -> Self {
        Self {
            server,
            credentials,
            tls: TlsOptions::default(),
            terminal: None,
            listener_name: "CallLines".to_owned(),
            ws_mode: WsMode::Auto,
            listener_body: ListenerBody::default(),
            backoff: Backoff::default(),
            stream: StreamConfig::default(),
            call_wait: Duration::from_secs(10),
            healthy_after: Duration::from_secs(10),
            watch: Watch::default(),
        }
    }
}

/// Where the connection stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectionState {
    /// Signing in and opening the stream for the first time (or after a terminal change).
    Connecting,
    /// Events flow.
    Online(Online),
    /// The connection failed; the next attempt comes after `delay`.
    Reconnecting { attempt: u32, delay: Duration, reason: Error },
    /// A person must act (credentials, admin rights, terminal choice); no retry until then.
    Failed(Error),
    /// Shut down.
    Stopped,
}

/// Details of a live connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Online {
    pub login: String,
    pub terminal: Terminal,
    pub terminals: Vec<Terminal>,
    /// The socket mode that worked (never `Auto`).
    pub mode: WsMode,
}

enum Command {
    PlaceCall {
        destination: String,
        reply: oneshot::Sender<Result<(), Error>>,
    },
    /// Acknowledged once the state shows the change, so a caller can wait for what follows.
    SelectTerminal(String, oneshot::Sender<()>),
    Reconnect(Option<Credentials>, oneshot::Sender<()>),
    SessionReplaced(Session),
    Shutdown(oneshot::Sender<()>),
}

/// A cloneable handle on the supervisor task.
#[derive(Clone, Debug)]
pub struct SupervisorHandle {
    commands: mpsc::Sender<Command>,
    state: watch::Receiver<ConnectionState>,
}

fn stopped() -> Error {
    Error::network("the connection has been shut down")
}

impl SupervisorHandle {
    /// The current state.
    pub fn state(&self) -> ConnectionState {
        self.state.borrow().clone()
    }

    /// A receiver that sees every state change.
    pub fn subscribe(&self) -> watch::Receiver<ConnectionState> {
        self.state.clone()
    }

    /// Places a call to `destination` (already normalised, see [`crate::dial`]) from the
    /// watched terminal. A lost session is rebuilt and the call retried once: a session error
    /// means the platform did not place it.
    ///
    /// # Errors
    ///
    /// The platform's refusal
    /// ([`ErrorKind::TerminalOutOfService`](crate::ErrorKind::TerminalOutOfService), …), or the
    /// reason the connection is down.
    pub async fn place_call(&self, destination: impl Into<String>) -> Result<(), Error> {
        let (reply, answer) = oneshot::channel();
        let command = Command::PlaceCall { destination: destination.into(), reply };
        self.commands.send(command).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Watches another terminal from now on. Returns once the supervisor has taken it in.
    pub async fn select_terminal(&self, terminal_id: impl Into<String>) {
        let (ack, acked) = oneshot::channel();
        if self.commands.send(Command::SelectTerminal(terminal_id.into(), ack)).await.is_ok() {
            let _ = acked.await;
        }
    }

    /// Tries again now, with new credentials if given (after [`ConnectionState::Failed`]).
    /// Returns once the supervisor has taken it in.
    pub async fn reconnect(&self, credentials: Option<Credentials>) {
        let (ack, acked) = oneshot::channel();
        if self.commands.send(Command::Reconnect(credentials, ack)).await.is_ok() {
            let _ = acked.await;
        }
    }

    /// Deletes the listener, logs out and stops the task; returns when that is done.
    pub async fn shutdown(&self) {
        let (done, finished) = oneshot::channel();
        if self.commands.send(Command::Shutdown(done)).await.is_ok() {
            let _ = finished.await;
        }
    }

    /// Waits until the connection is online, has failed for good, or `limit` passes.
    ///
    /// # Errors
    ///
    /// The state that ended the wait when it is not [`ConnectionState::Online`].
    pub async fn wait_online(&self, limit: Duration) -> Result<Online, ConnectionState> {
        let mut state = self.state.clone();
        let settled = state.wait_for(|s| {
            matches!(s, ConnectionState::Online(_) | ConnectionState::Failed(_) | ConnectionState::Stopped)
        });
        match tokio::time::timeout(limit, settled).await {
            Ok(Ok(s)) => match &*s {
                ConnectionState::Online(online) => Ok(online.clone()),
                other => Err(other.clone()),
            },
            Ok(Err(_)) => Err(ConnectionState::Stopped),
            Err(_) => Err(self.state()),
        }
    }
}

/// Starts the supervisor task on the current tokio runtime. Events arrive on the returned
/// receiver in the order the server sent them.
///
/// # Errors
///
/// [`ErrorKind::Tls`](crate::ErrorKind::Tls) when the extra CA of `config.tls` is unusable;
/// nothing is spawned then.
pub fn spawn(config: SupervisorConfig) -> Result<(SupervisorHandle, mpsc::Receiver<Event>), Error> {
    let client = Client::with_tls(config.server.clone(), &config.tls)?;
    let (commands_tx, commands) = mpsc::channel(64);
    let (state_tx, state) = watch::channel(ConnectionState::Connecting);
    let (events, events_rx) = mpsc::channel(4096);
    let runner = Runner::new(config, client, state_tx, events, commands_tx.downgrade());
    tokio::spawn(runner.run(commands));
    Ok((SupervisorHandle { commands: commands_tx, state }, events_rx))
}
