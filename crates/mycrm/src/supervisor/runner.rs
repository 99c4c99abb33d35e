//! The supervisor task: connects, serves the live connection, waits out the backoff, and
//! answers the handle's commands all along.

use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{Instant, sleep_until};

use crate::error::{Error, ErrorKind};
use crate::event::Event;
use crate::session::{Client, Session};
use crate::stream::{EventStream, WsMode};
use crate::surroundings::{Reachability, Surroundings};

use super::connect::{Connected, Failure, connect};
use super::{Command, ConnectionState, SupervisorConfig, stopped};

/// How long a stop waits for a connection attempt under way to end (and its session to be
/// logged out).
const STOP_WAIT: Duration = Duration::from_secs(3);

/// After a sleep or a network change the socket must answer a Ping within this time.
const QUICK_PROBE: Duration = Duration::from_millis(750);
/// A server that says it is not ready yet (IPTC down) is asked again at least this often:
/// its refusal is cheap, and users expect to be back as soon as it is.
const NOT_READY_RETRY: Duration = Duration::from_millis(1_500);

struct WaitingCall {
    destination: String,
    reply: oneshot::Sender<Result<(), Error>>,
    deadline: Instant,
}

pub(super) struct Runner {
    config: SupervisorConfig,
    client: Client,
    session: Option<Session>,
    /// The socket mode to use: the configured one until `Auto` has found what works.
    mode: WsMode,
    /// The terminal the user asked for.
    terminal: Option<String>,
    /// The terminal of the last connection, for calls placed while reconnecting.
    terminal_in_use: Option<String>,
    state: watch::Sender<ConnectionState>,
    events: mpsc::Sender<Event>,
    commands_tx: mpsc::WeakSender<Command>,
    waiting_calls: Vec<WaitingCall>,
}

/// What the runner does after handling a command.
enum Next {
    Continue,
    /// Drop the current connection and connect again now.
    Restart,
    Stop(oneshot::Sender<()>),
}

impl Runner {
    pub(super) fn new(
        config: SupervisorConfig,
        client: Client,
        state: watch::Sender<ConnectionState>,
        events: mpsc::Sender<Event>,
        commands_tx: mpsc::WeakSender<Command>,
    ) -> Self {
        Self {
            mode: config.ws_mode,
            terminal: config.terminal.clone(),
            config,
            client,
            session: None,
            terminal_in_use: None,
            state,
            events,
            commands_tx,
            waiting_calls: Vec::new(),
        }
    }

    pub(super) async fn run(mut self, mut commands: mpsc::Receiver<Command>) {
        let mut attempt: u32 = 0;
        loop {
            if attempt == 0 {
                self.state.send_replace(ConnectionState::Connecting);
            }
            let connecting = connect(
                self.client.clone(),
                self.config.clone(),
                self.session.clone(),
                self.mode,
                self.terminal.clone(),
            );
            tokio::pin!(connecting);
            let outcome = loop {
                let next_deadline = self.waiting_calls.iter().map(|c| c.deadline).min();
                tokio::select! {
                    outcome = &mut connecting => break Some(outcome),
                    command = commands.recv() => match self.handle(command, false) {
                        Next::Continue => {}
                        Next::Restart => break None,
                        Next::Stop(done) => {
                            // The attempt may have made a session already (or be making one):
                            // let it end, briefly, so that session is logged out rather than
                            // left to the server's idle timeout.
                            let stream = match tokio::time::timeout(STOP_WAIT, &mut connecting).await {
                                Ok(Ok(connected)) => {
                                    self.session = Some(connected.session);
                                    Some(connected.stream)
                                }
                                Ok(Err(Failure { session, .. })) => {
                                    self.session = session.or(self.session.take());
                                    None
                                }
                                Err(_) => None,
                            };
                            return self.stop(stream, done).await;
                        }
                    },
                    () = sleep_until(next_deadline.unwrap_or_else(far_future)), if next_deadline.is_some() => {
                        self.expire_waiting_calls();
                    }
                }
            };
            let failure = match outcome {
                None => {
                    attempt = 0;
                    continue;
                }
                Some(Ok(connected)) => {
                    let online_since = Instant::now();
                    match self.serve(connected, &mut commands).await {
                        Served::Stopped => return,
                        Served::Restart => {
                            attempt = 0;
                            continue;
                        }
                        Served::Lost { error, fresh: true } => {
                            // Nothing wrong with the server: connect again at once.
                            tracing::info!(%error, "event socket dead after a sleep or network change");
                            attempt = 0;
                            continue;
                        }
                        Served::Lost { error, fresh: false } => {
                            if online_since.elapsed() >= self.config.healthy_after {
                                attempt = 0;
                            }
                            error
                        }
                    }
                }
                Some(Err(Failure { session, error })) => {
                    self.session = session;
                    error
                }
            };
            if error_needs_a_person(&failure) {
                tracing::warn!(error = %failure, "connection failed; waiting for the user");
                self.fail_waiting_calls(&failure);
                self.state.send_replace(ConnectionState::Failed(failure.clone()));
                loop {
                    match commands.recv().await {
                        None => return self.stop_quietly().await,
                        Some(Command::PlaceCall { reply, .. }) => {
                            let _ = reply.send(Err(failure.clone()));
                        }
                        Some(command) => match self.handle(Some(command), false) {
                            Next::Continue => {}
                            Next::Restart => break,
                            Next::Stop(done) => return self.stop(None, done).await,
                        },
                    }
                }
                attempt = 0;
                continue;
            }
            attempt = attempt.saturating_add(1);
            let mut delay = self.config.backoff.delay(attempt, rand::random::<f64>());
            if failure.kind == ErrorKind::ServerNotReady {
                delay = delay.min(NOT_READY_RETRY);
            }
            tracing::info!(attempt, delay_ms = delay.as_millis() as u64, error = %failure, "connection lost; retrying");
            self.fail_waiting_calls(&failure);
            self.state.send_replace(ConnectionState::Reconnecting { attempt, delay, reason: failure });
            let wake = Instant::now() + delay;
            let mut surroundings = Surroundings::new(self.config.watch.clone());
            let mut reachability = Reachability::new(self.config.server.base());
            // The first look is at once: a server found down then is seen coming back.
            let mut look = tokio::time::interval(self.config.watch.tick);
            loop {
                tokio::select! {
                    () = sleep_until(wake) => break,
                    command = commands.recv() => match self.handle(command, false) {
                        Next::Continue => {}
                        Next::Restart => { attempt = 0; break }
                        Next::Stop(done) => return self.stop(None, done).await,
                    },
                    _ = look.tick() => {
                        if let Some(change) = surroundings.check() {
                            tracing::info!(%change, "retrying at once");
                            break;
                        }
                        if reachability.came_back(self.config.watch.tick.min(Duration::from_secs(1))).await {
                            tracing::info!("the server answers again; retrying at once");
                            break;
                        }
                    }
                }
            }
        }
    }

    /// Runs an established connection until it fails or is asked to stop.
    async fn serve(&mut self, connected: Connected, commands: &mut mpsc::Receiver<Command>) -> Served {
        let Connected { session, mut stream, online } = connected;
        tracing::info!(terminal = %online.terminal.terminal_id, mode = %online.mode, "online");
        self.mode = online.mode;
        self.terminal_in_use = Some(online.terminal.terminal_id.clone());
        self.session = Some(session.clone());
        self.state.send_replace(ConnectionState::Online(online));
        for call in std::mem::take(&mut self.waiting_calls) {
            self.spawn_call(session.clone(), call.destination, call.reply);
        }
        let mut surroundings = Surroundings::new(self.config.watch.clone());
        let mut look = tokio::time::interval_at(Instant::now() + self.config.watch.tick, self.config.watch.tick);
        look.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // When the last sleep or network change was seen: a loss right after it is its doing.
        let mut changed_at: Option<Instant> = None;
        loop {
            tokio::select! {
                _ = look.tick() => {
                    if let Some(change) = surroundings.check() {
                        tracing::info!(%change, "checking the event socket");
                        changed_at = Some(Instant::now());
                        if let Err(error) = stream.probe_now(QUICK_PROBE).await {
                            return Served::Lost { error, fresh: true };
                        }
                    }
                },
                events = stream.next_events() => match events {
                    Ok(events) => {
                        for event in events {
                            // A consumer that went away is not a reason to drop the connection.
                            let _ = self.events.send(event).await;
                        }
                    }
                    Err(error) => {
                        tracing::warn!(%error, "event stream lost");
                        let fresh = changed_at.is_some_and(|at| at.elapsed() <= 2 * QUICK_PROBE);
                        return Served::Lost { error, fresh };
                    }
                },
                command = commands.recv() => match self.handle(command, true) {
                    Next::Continue => {}
                    Next::Restart => {
                        stream.close(&session).await;
                        return Served::Restart;
                    }
                    Next::Stop(done) => {
                        self.stop(Some(stream), done).await;
                        return Served::Stopped;
                    }
                },
            }
        }
    }

    fn handle(&mut self, command: Option<Command>, online: bool) -> Next {
        let Some(command) = command else {
            let (done, _) = oneshot::channel();
            return Next::Stop(done);
        };
        match command {
            Command::PlaceCall { destination, reply } => {
                match (&self.session, online || self.terminal_in_use.is_some()) {
                    (Some(session), true) => self.spawn_call(session.clone(), destination, reply),
                    _ => self.waiting_calls.push(WaitingCall {
                        destination,
                        reply,
                        deadline: Instant::now() + self.config.call_wait,
                    }),
                }
                Next::Continue
            }
            Command::SelectTerminal(id, ack) => {
                let changed = self.terminal.as_deref() != Some(id.as_str());
                self.terminal = Some(id);
                self.restart_if(changed || !online, ack)
            }
            Command::Reconnect(credentials, ack) => {
                if let Some(credentials) = credentials {
                    self.config.credentials = credentials;
                    self.session = None;
                }
                self.restart_if(!online, ack)
            }
            Command::SessionReplaced(session) => {
                // The old session is gone, so is the stream built on it: rebuild on the new one.
                self.session = Some(session);
                if online { Next::Restart } else { Next::Continue }
            }
            Command::Shutdown(done) => Next::Stop(done),
        }
    }

    fn restart_if(&self, restart: bool, ack: oneshot::Sender<()>) -> Next {
        if restart {
            self.state.send_replace(ConnectionState::Connecting);
        }
        let _ = ack.send(());
        if restart { Next::Restart } else { Next::Continue }
    }

    fn spawn_call(&self, session: Session, destination: String, reply: oneshot::Sender<Result<(), Error>>) {
        let Some(terminal) = self.terminal_in_use.clone() else {
            let _ = reply.send(Err(Error::new(ErrorKind::BadTerminal, "no terminal to call from")));
            return;
        };
        let commands = self.commands_tx.clone();
        tokio::spawn(async move {
            let result = match session.place_call(&terminal, &destination).await {
                Err(e) if e.kind == ErrorKind::SessionLost => match session.relogin().await {
                    Ok(fresh) => {
                        let result = fresh.place_call(&terminal, &destination).await;
                        if let Some(commands) = commands.upgrade() {
                            let _ = commands.send(Command::SessionReplaced(fresh)).await;
                        }
                        result
                    }
                    Err(e) => Err(e),
                },
                other => other,
            };
            match &result {
                Ok(()) => tracing::info!(%terminal, "call placed"),
                Err(e) => tracing::warn!(%terminal, error = %e, "call not placed"),
            }
            let _ = reply.send(result);
        });
    }

    fn expire_waiting_calls(&mut self) {
        let now = Instant::now();
        let (expired, waiting) = std::mem::take(&mut self.waiting_calls).into_iter().partition(|c| c.deadline <= now);
        self.waiting_calls = waiting;
        for call in expired {
            let _ = call.reply.send(Err(Error::network("not connected to the server yet")));
        }
    }

    fn fail_waiting_calls(&mut self, error: &Error) {
        for call in self.waiting_calls.drain(..) {
            let _ = call.reply.send(Err(error.clone()));
        }
    }

    async fn stop(&mut self, stream: Option<EventStream>, done: oneshot::Sender<()>) {
        if let Some(session) = self.session.take() {
            if let Some(stream) = stream {
                stream.close(&session).await;
            }
            match tokio::time::timeout(Duration::from_secs(3), session.logout()).await {
                Ok(Ok(())) => tracing::info!("logged out"),
                Ok(Err(e)) => tracing::warn!(error = %e, "logout failed"),
                Err(_) => tracing::warn!("logout timed out"),
            }
        }
        self.fail_waiting_calls(&stopped());
        self.state.send_replace(ConnectionState::Stopped);
        let _ = done.send(());
    }

    async fn stop_quietly(&mut self) {
        let (done, _) = oneshot::channel();
        self.stop(None, done).await;
    }
}

enum Served {
    /// The connection failed; `fresh` when it was found dead after a sleep or a network
    /// change, which says nothing about the server: the next attempt comes at once.
    Lost {
        error: Error,
        fresh: bool,
    },
    Restart,
    Stopped,
}

/// A TLS failure is not among these: a certificate renewed or fixed on the server brings the
/// connection back with nobody acting, so it is retried on the normal backoff, never faster.
fn error_needs_a_person(error: &Error) -> bool {
    error.kind.is_fatal() || error.kind == ErrorKind::BadTerminal
}

fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(86_400)
}
