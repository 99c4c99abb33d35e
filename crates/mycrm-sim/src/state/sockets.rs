//! The registry of open sockets: what each is linked to, and the channels its task obeys.

use std::collections::BTreeSet;

use tokio::sync::{mpsc, watch};

use super::SimState;

/// What a socket's writer task is told to send.
#[derive(Debug)]
pub(crate) enum Outgoing {
    Text(String),
    /// A close frame, then the end of the socket.
    Close,
}

/// How a socket behaves; changed by faults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SocketState {
    Live,
    /// Half-open: neither reads nor writes, and does not close.
    Silent,
    /// Closed at once, without a close frame.
    Dropped,
}

/// The two ends a socket task keeps once registered.
#[derive(Debug)]
pub(crate) struct SocketChannels {
    pub(crate) id: u64,
    pub(crate) frames: mpsc::UnboundedReceiver<Outgoing>,
    pub(crate) state: watch::Receiver<SocketState>,
}

/// A listener on a terminal: events of the terminal reach sockets carrying this link.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Link {
    pub(crate) terminal_id: String,
    pub(crate) listener: String,
}

/// An open socket, as the registry knows it.
#[derive(Debug)]
pub(super) struct SocketEntry {
    pub(super) session_id: String,
    /// Service sockets get linked later by `GET CallLine`; CallLine sockets are born linked.
    pub(super) is_service: bool,
    pub(super) links: BTreeSet<Link>,
    pub(super) frames: mpsc::UnboundedSender<Outgoing>,
    pub(super) state: watch::Sender<SocketState>,
}

impl SimState {
    /// Registers an open socket of a session, optionally born linked.
    pub(crate) fn register_socket(&self, session_id: &str, link: Option<Link>) -> Option<SocketChannels> {
        let mut inner = self.lock();
        if !inner.sessions.contains_key(session_id) {
            return None;
        }
        let (frames_tx, frames) = mpsc::unbounded_channel();
        let (state_tx, state) = watch::channel(SocketState::Live);
        let id = inner.next_socket;
        inner.next_socket += 1;
        let is_service = link.is_none();
        inner.sockets.insert(
            id,
            SocketEntry {
                session_id: session_id.to_owned(),
                is_service,
                links: link.into_iter().collect(),
                frames: frames_tx,
                state: state_tx,
            },
        );
        drop(inner);
        self.bump();
        Some(SocketChannels { id, frames, state })
    }

    pub(crate) fn unregister_socket(&self, id: u64) {
        if self.lock().sockets.remove(&id).is_some() {
            self.bump();
        }
    }

    /// Links the session's open service sockets with a listener on a terminal.
    pub(crate) fn link_service_sockets(&self, session_id: &str, link: &Link) -> usize {
        let mut inner = self.lock();
        let mut linked = 0;
        for socket in inner.sockets.values_mut() {
            if socket.is_service && socket.session_id == session_id {
                socket.links.insert(link.clone());
                linked += 1;
            }
        }
        drop(inner);
        self.bump();
        linked
    }

    /// Queues a frame, built from the listener name, on every socket linked to the terminal.
    pub(crate) fn send_to_terminal(&self, terminal_id: &str, frame: impl Fn(&str) -> String) -> usize {
        let inner = self.lock();
        let mut sent = 0;
        for socket in inner.sockets.values() {
            let Some(link) = socket.links.iter().find(|link| link.terminal_id == terminal_id) else {
                continue;
            };
            if socket.frames.send(Outgoing::Text(frame(&link.listener))).is_ok() {
                sent += 1;
            }
        }
        sent
    }

    pub(crate) fn subscriber_count(&self, terminal_id: &str) -> usize {
        self.lock()
            .sockets
            .values()
            .filter(|socket| socket.links.iter().any(|link| link.terminal_id == terminal_id))
            .count()
    }

    pub(crate) fn drop_sockets(&self) {
        let mut inner = self.lock();
        for (_, socket) in inner.sockets.drain() {
            socket.state.send_replace(SocketState::Dropped);
        }
        drop(inner);
        self.bump();
    }

    pub(crate) fn set_silent(&self, silent: bool) {
        let state = if silent { SocketState::Silent } else { SocketState::Live };
        for socket in self.lock().sockets.values() {
            socket.state.send_replace(state);
        }
    }
}
