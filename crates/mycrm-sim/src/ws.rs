//! One task per open websocket: it writes the socket's queued frames in order, reads the
//! client's `ping`s, and obeys the socket faults (silent, dropped).

use std::{sync::Arc, time::Duration};

use axum::extract::ws::{Message, WebSocket};
use tokio::time::{Instant, sleep_until};

use crate::state::{Outgoing, SimState, SocketChannels, SocketState};

/// How a socket task was set up.
#[derive(Debug)]
pub(crate) struct SocketPlan {
    pub(crate) session_id: String,
    /// Sent before anything else (the service socket's session description).
    pub(crate) first_frame: Option<String>,
    /// Close the socket when the client sends nothing for this long.
    pub(crate) idle_timeout: Option<Duration>,
}

/// How a socket ends.
enum End {
    /// With a close frame.
    Close,
    /// At once: dropping the socket ends the TCP connection without a close frame.
    Abort,
}

pub(crate) async fn run_socket(state: Arc<SimState>, mut ws: WebSocket, channels: SocketChannels, plan: SocketPlan) {
    let id = channels.id;
    tracing::debug!(socket = id, "socket open");
    let first_sent = match plan.first_frame.clone() {
        Some(first) => ws.send(Message::Text(first.into())).await.is_ok(),
        None => true,
    };
    let end = if first_sent { serve(&state, &mut ws, channels, &plan).await } else { End::Abort };
    if matches!(end, End::Close) {
        // The client may already be gone; the close frame is a courtesy.
        let _ = ws.send(Message::Close(None)).await;
    }
    state.unregister_socket(id);
    tracing::debug!(socket = id, "socket ended");
}

async fn serve(state: &SimState, ws: &mut WebSocket, channels: SocketChannels, plan: &SocketPlan) -> End {
    let SocketChannels { id, mut frames, state: mut socket_state } = channels;
    let mut last_heard = Instant::now();
    // Once the registry forgets the socket, its state can no longer change.
    let mut state_open = true;
    loop {
        let current = *socket_state.borrow_and_update();
        match current {
            SocketState::Dropped => break End::Abort,
            SocketState::Silent => {
                // Half-open: read nothing, write nothing, wait to be revived or dropped.
                if !state_open || socket_state.changed().await.is_err() {
                    break End::Abort;
                }
                last_heard = Instant::now();
                continue;
            }
            SocketState::Live => {}
        }
        let deadline = plan.idle_timeout.map(|timeout| last_heard + timeout);
        tokio::select! {
            biased;
            changed = socket_state.changed(), if state_open => state_open = changed.is_ok(),
            frame = frames.recv() => match frame {
                Some(Outgoing::Text(text)) => {
                    if ws.send(Message::Text(text.into())).await.is_err() {
                        break End::Abort;
                    }
                }
                // Closed by the platform (logout, expiry) or forgotten by the registry.
                Some(Outgoing::Close) | None => break End::Close,
            },
            message = ws.recv() => match message {
                // Answering a client's close frame completes the closing handshake.
                Some(Ok(Message::Close(_))) => break End::Close,
                Some(Err(_)) | None => break End::Abort,
                Some(Ok(message)) => {
                    last_heard = Instant::now();
                    state.touch_session(&plan.session_id);
                    if let Message::Text(text) = &message
                        && text.as_str() != "ping"
                    {
                        tracing::debug!(socket = id, text = text.as_str(), "ignored client frame");
                    }
                }
            },
            () = sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                tracing::info!(socket = id, "socket closed after client silence");
                break End::Close;
            }
        }
    }
}
