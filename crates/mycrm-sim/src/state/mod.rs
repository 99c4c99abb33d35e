//! The platform's shared state: users, sessions and their listeners, the open sockets and
//! what each is linked to, the faults in force, and what was recorded for tests.

mod sockets;

use std::{
    collections::{BTreeSet, HashMap, HashSet},
    sync::{
        Mutex, MutexGuard, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use rand::{Rng, distr::Alphanumeric};
use serde::Serialize;
use tokio::sync::watch;

use self::sockets::SocketEntry;
pub(crate) use self::sockets::{Link, Outgoing, SocketChannels, SocketState};
use crate::{
    config::{SimConfig, SimTerminal, SimUser},
    error::ApiError,
};

/// A call asked for with `PlaceCall`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlacedCall {
    pub terminal_id: String,
    /// The destination as the platform decoded it from the query string.
    pub destination: String,
    /// The login of the session that asked.
    pub login: String,
}

/// Counters that `/_sim/stats` reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Stats {
    pub(crate) logins: usize,
    /// Login requests with credentials, refused ones included.
    pub(crate) login_attempts: usize,
    pub(crate) logouts: usize,
    pub(crate) listeners: usize,
    pub(crate) deleted_listeners: usize,
    pub(crate) sessions: usize,
    pub(crate) sockets: usize,
    pub(crate) subscribers: usize,
}

/// The session a valid request belongs to.
#[derive(Clone, Debug)]
pub(crate) struct SessionRef {
    pub(crate) id: String,
    pub(crate) login: String,
}

/// A logged-in session: its token, owner, idle clock and listeners.
#[derive(Debug)]
struct Session {
    token: String,
    login: String,
    last_seen: Instant,
    listeners: BTreeSet<String>,
}

/// Everything that changes, behind one lock.
#[derive(Debug)]
struct Inner {
    users: Vec<SimUser>,
    sessions: HashMap<String, Session>,
    sockets: HashMap<u64, SocketEntry>,
    next_socket: u64,
    placed: Vec<PlacedCall>,
    logins: usize,
    login_attempts: usize,
    logouts: usize,
    deleted_listeners: usize,
    iptc_down: bool,
    out_of_service: HashSet<String>,
    delay: Duration,
    step_delay: Duration,
}

/// Shared by the HTTP handlers, the socket tasks and [`SimControl`](crate::SimControl).
#[derive(Debug)]
pub(crate) struct SimState {
    pub(crate) config: SimConfig,
    inner: Mutex<Inner>,
    /// Bumped whenever subscribers or placed calls change, so waiters can re-check.
    changes: watch::Sender<u64>,
    shutdown: watch::Sender<bool>,
    next_call: AtomicU64,
}

impl SimState {
    pub(crate) fn new(config: SimConfig) -> Self {
        let inner = Inner {
            users: config.users.clone(),
            sessions: HashMap::new(),
            sockets: HashMap::new(),
            next_socket: 1,
            placed: Vec::new(),
            logins: 0,
            login_attempts: 0,
            logouts: 0,
            deleted_listeners: 0,
            iptc_down: false,
            out_of_service: HashSet::new(),
            delay: Duration::ZERO,
            step_delay: Duration::from_millis(300),
        };
        Self {
            config,
            inner: Mutex::new(inner),
            changes: watch::Sender::new(0),
            shutdown: watch::Sender::new(false),
            next_call: AtomicU64::new(400),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn bump(&self) {
        self.changes.send_modify(|generation| *generation += 1);
    }

    pub(crate) fn changes(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    // ---- sessions ----

    /// Checks a login's credentials and opens a session: returns its cookie id and token.
    pub(crate) fn login(&self, login: &str, password: &str) -> Result<(String, String), ApiError> {
        let mut inner = self.lock();
        inner.login_attempts += 1;
        let user = inner
            .users
            .iter()
            .find(|user| user.login == login && user.password == password)
            .ok_or(ApiError::BadCredentials)?;
        if !user.allowed {
            return Err(ApiError::NotAllowed);
        }
        let id = session_id();
        let token = random_alnum(32);
        inner.sessions.insert(
            id.clone(),
            Session {
                token: token.clone(),
                login: login.to_owned(),
                last_seen: Instant::now(),
                listeners: BTreeSet::new(),
            },
        );
        inner.logins += 1;
        Ok((id, token))
    }

    /// Checks a request's cookie and token, and refreshes the session's idle timer.
    pub(crate) fn authenticate(&self, cookie: Option<&str>, token: Option<&str>) -> Result<SessionRef, ApiError> {
        let id = cookie.ok_or(ApiError::SessionExpired)?;
        let mut inner = self.lock();
        let idle_timeout = self.config.session_idle_timeout;
        let session = inner.sessions.get_mut(id).ok_or(ApiError::SessionExpired)?;
        if session.last_seen.elapsed() > idle_timeout {
            remove_session(&mut inner, id);
            drop(inner);
            self.bump();
            return Err(ApiError::SessionExpired);
        }
        if token != Some(session.token.as_str()) {
            return Err(ApiError::TokenMismatch);
        }
        session.last_seen = Instant::now();
        Ok(SessionRef { id: id.to_owned(), login: session.login.clone() })
    }

    /// Socket traffic keeps the session alive, as it does the socket.
    pub(crate) fn touch_session(&self, id: &str) {
        if let Some(session) = self.lock().sessions.get_mut(id) {
            session.last_seen = Instant::now();
        }
    }

    pub(crate) fn logout(&self, id: &str) {
        let mut inner = self.lock();
        if remove_session(&mut inner, id) {
            inner.logouts += 1;
        }
        drop(inner);
        self.bump();
    }

    /// Ends every session idle for longer than the configured timeout.
    pub(crate) fn sweep_idle_sessions(&self) {
        let idle_timeout = self.config.session_idle_timeout;
        let mut inner = self.lock();
        let idle: Vec<String> = inner
            .sessions
            .iter()
            .filter(|(_, session)| session.last_seen.elapsed() > idle_timeout)
            .map(|(id, _)| id.clone())
            .collect();
        if idle.is_empty() {
            return;
        }
        for id in &idle {
            remove_session(&mut inner, id);
        }
        drop(inner);
        tracing::info!(count = idle.len(), "sessions expired after idling");
        self.bump();
    }

    pub(crate) fn expire_sessions(&self) {
        let mut inner = self.lock();
        let ids: Vec<String> = inner.sessions.keys().cloned().collect();
        for id in &ids {
            remove_session(&mut inner, id);
        }
        drop(inner);
        self.bump();
    }

    // ---- users and terminals ----

    pub(crate) fn set_users(&self, users: Vec<SimUser>) {
        self.lock().users = users;
    }

    pub(crate) fn terminals_of(&self, login: &str) -> Vec<SimTerminal> {
        self.lock().users.iter().find(|user| user.login == login).map(|user| user.terminals.clone()).unwrap_or_default()
    }

    pub(crate) fn owns_terminal(&self, login: &str, terminal_id: &str) -> bool {
        self.lock()
            .users
            .iter()
            .filter(|user| user.login == login)
            .flat_map(|user| user.terminals.iter())
            .any(|terminal| terminal.id == terminal_id)
    }

    // ---- listeners ----

    pub(crate) fn add_listener(&self, session_id: &str, name: &str) {
        if let Some(session) = self.lock().sessions.get_mut(session_id) {
            session.listeners.insert(name.to_owned());
        }
    }

    pub(crate) fn has_listener(&self, session_id: &str, name: &str) -> bool {
        self.lock().sessions.get(session_id).is_some_and(|session| session.listeners.contains(name))
    }

    /// Removes a listener and unlinks it from the session's sockets; false if it did not exist.
    pub(crate) fn remove_listener(&self, session_id: &str, name: &str) -> bool {
        let mut inner = self.lock();
        let removed = inner.sessions.get_mut(session_id).is_some_and(|session| session.listeners.remove(name));
        if !removed {
            return false;
        }
        inner.deleted_listeners += 1;
        for socket in inner.sockets.values_mut() {
            if socket.session_id == session_id {
                socket.links.retain(|link| link.listener != name);
            }
        }
        drop(inner);
        self.bump();
        true
    }

    // ---- placed calls ----

    pub(crate) fn record_placed_call(&self, call: PlacedCall) {
        self.lock().placed.push(call);
        self.bump();
    }

    pub(crate) fn placed_calls(&self) -> Vec<PlacedCall> {
        self.lock().placed.clone()
    }

    // ---- faults and pacing ----

    pub(crate) fn set_iptc_down(&self, down: bool) {
        self.lock().iptc_down = down;
    }

    pub(crate) fn iptc_down(&self) -> bool {
        self.lock().iptc_down
    }

    pub(crate) fn set_out_of_service(&self, terminal_id: &str, oos: bool) {
        let mut inner = self.lock();
        if oos {
            inner.out_of_service.insert(terminal_id.to_owned());
        } else {
            inner.out_of_service.remove(terminal_id);
        }
    }

    pub(crate) fn is_out_of_service(&self, terminal_id: &str) -> bool {
        self.lock().out_of_service.contains(terminal_id)
    }

    pub(crate) fn set_delay(&self, delay: Duration) {
        self.lock().delay = delay;
    }

    pub(crate) fn delay(&self) -> Duration {
        self.lock().delay
    }

    pub(crate) fn set_step_delay(&self, delay: Duration) {
        self.lock().step_delay = delay;
    }

    pub(crate) fn step_delay(&self) -> Duration {
        self.lock().step_delay
    }

    /// A call id never handed out before.
    pub(crate) fn next_call_number(&self) -> u64 {
        self.next_call.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn stats(&self) -> Stats {
        let inner = self.lock();
        Stats {
            logins: inner.logins,
            login_attempts: inner.login_attempts,
            logouts: inner.logouts,
            listeners: inner.sessions.values().map(|s| s.listeners.len()).sum(),
            deleted_listeners: inner.deleted_listeners,
            sessions: inner.sessions.len(),
            sockets: inner.sockets.len(),
            subscribers: inner.sockets.values().filter(|socket| !socket.links.is_empty()).count(),
        }
    }

    // ---- shutdown ----

    pub(crate) fn shut_down(&self) {
        self.shutdown.send_replace(true);
        self.drop_sockets();
    }

    /// Resolves once the simulator is shutting down.
    pub(crate) async fn shutting_down(&self) {
        let mut shutdown = self.shutdown.subscribe();
        // An error means the sender is gone, which also means shutdown.
        let _ = shutdown.wait_for(|down| *down).await;
    }
}

/// Removes a session, its listeners, and closes its sockets with a close frame.
fn remove_session(inner: &mut Inner, id: &str) -> bool {
    if inner.sessions.remove(id).is_none() {
        return false;
    }
    inner.sockets.retain(|_, socket| {
        if socket.session_id != id {
            return true;
        }
        // The socket task may already be gone; nothing to close then.
        let _ = socket.frames.send(Outgoing::Close);
        false
    });
    true
}

/// 19 digits, the first not zero, like the platform's `myCrm_SESSIONID`.
fn session_id() -> String {
    let mut rng = rand::rng();
    let first = char::from(b'0' + rng.random_range(1..=9u8));
    std::iter::once(first).chain((0..18).map(|_| char::from(b'0' + rng.random_range(0..=9u8)))).collect()
}

pub(crate) fn random_alnum(len: usize) -> String {
    rand::rng().sample_iter(Alphanumeric).take(len).map(char::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> SimState {
        SimState::new(SimConfig::default())
    }

    #[test]
    fn session_ids_have_19_digits_and_no_leading_zero() {
        for _ in 0..200 {
            let id = session_id();
            assert_eq!(id.len(), 19);
            assert!(id.chars().all(|c| c.is_ascii_digit()));
            assert!(!id.starts_with('0'));
        }
    }

    #[test]
    fn cookie_with_another_sessions_token_is_a_mismatch() {
        let state = state();
        let (first, _) = state.login("alice", "secret").unwrap();
        let (_, second_token) = state.login("alice", "secret").unwrap();
        let err = state.authenticate(Some(&first), Some(&second_token)).unwrap_err();
        assert_eq!(err, ApiError::TokenMismatch);
    }

    #[test]
    fn deleting_a_listener_unlinks_its_sockets() {
        let state = state();
        let (id, _) = state.login("alice", "secret").unwrap();
        state.add_listener(&id, "CallLines");
        let _socket = state.register_socket(&id, None).unwrap();
        let link = Link { terminal_id: "5985841581756135023".into(), listener: "CallLines".into() };
        assert_eq!(state.link_service_sockets(&id, &link), 1);
        assert_eq!(state.subscriber_count("5985841581756135023"), 1);
        assert!(state.remove_listener(&id, "CallLines"));
        assert_eq!(state.subscriber_count("5985841581756135023"), 0);
    }

    #[test]
    fn idle_sessions_are_swept() {
        let state = SimState::new(SimConfig { session_idle_timeout: Duration::ZERO, ..SimConfig::default() });
        state.login("alice", "secret").unwrap();
        std::thread::sleep(Duration::from_millis(2));
        state.sweep_idle_sessions();
        assert_eq!(state.stats().sessions, 0);
    }
}
