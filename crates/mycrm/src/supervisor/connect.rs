//! One attempt at a connection: sign in (or reuse the session), pick the terminal, open the
//! event stream.

use crate::error::{Error, ErrorKind};
use crate::session::{Client, Session};
use crate::stream::{EventStream, WsMode};

use super::{Online, SupervisorConfig};

pub(super) struct Connected {
    pub(super) session: Session,
    pub(super) stream: EventStream,
    pub(super) online: Online,
}

pub(super) struct Failure {
    pub(super) session: Option<Session>,
    pub(super) error: Error,
}

/// Signs in (reusing a live session when there is one), picks the terminal and opens the stream.
pub(super) async fn connect(
    client: Client,
    config: SupervisorConfig,
    session: Option<Session>,
    mode: WsMode,
    terminal: Option<String>,
) -> Result<Connected, Failure> {
    let fail = |session: Option<Session>| move |error: Error| Failure { session, error };
    let reused = session.is_some();
    let session = match session {
        Some(session) => session,
        None => client.login(&config.credentials).await.map_err(fail(None))?,
    };
    match establish(&session, &config, mode, terminal.as_deref()).await {
        Ok(connected) => Ok(connected),
        Err(e) if e.kind == ErrorKind::SessionLost && reused => {
            tracing::info!("session expired; signing in again");
            let fresh = client.login(&config.credentials).await.map_err(fail(None))?;
            establish(&fresh, &config, mode, terminal.as_deref()).await.map_err(fail(Some(fresh)))
        }
        Err(e) if e.kind == ErrorKind::SessionLost => Err(fail(None)(e)),
        Err(e) => Err(fail(Some(session))(e)),
    }
}

async fn establish(
    session: &Session,
    config: &SupervisorConfig,
    mode: WsMode,
    wanted: Option<&str>,
) -> Result<Connected, Error> {
    let terminals = session.terminals().await?;
    let terminal = match wanted {
        Some(id) => terminals.iter().find(|t| t.terminal_id == id).cloned().ok_or_else(|| {
            Error::new(ErrorKind::BadTerminal, format!("terminal {id} is not one of this user's terminals"))
        })?,
        None => {
            terminals.first().cloned().ok_or_else(|| Error::new(ErrorKind::BadTerminal, "this user has no terminal"))?
        }
    };
    let stream = EventStream::open(
        session,
        &config.listener_name,
        &terminal.terminal_id,
        mode,
        config.listener_body,
        config.stream,
    )
    .await?;
    let online = Online { login: session.login_name().to_owned(), mode: stream.mode(), terminal, terminals };
    Ok(Connected { session: session.clone(), stream, online })
}
