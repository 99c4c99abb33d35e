//! `EventListener/bean`: creating and deleting a session's event listeners.

use axum::{
    Json,
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
};
use serde_json::{Deserializer, Value, json};

use super::{AppState, Authenticated};
use crate::error::ApiError;

/// Takes the guide's two objects in a row (`{"name":..}` then `{"terminalId":..}`) as well as
/// the single `{"name":..}` other clients send.
pub(super) async fn create(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let objects = Deserializer::from_slice(&body)
        .into_iter::<Value>()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| ApiError::bad_request(format!("invalid listener description: {err}")))?;
    let (description, terminal) = match objects.as_slice() {
        [description] => (description, None),
        [description, terminal] => (description, Some(terminal)),
        [] => return Err(ApiError::bad_request("missing listener description")),
        _ => return Err(ApiError::bad_request("too many objects in listener body")),
    };
    let name = description
        .get("name")
        .and_then(Value::as_str)
        .filter(|name| is_listener_name(name))
        .ok_or_else(|| ApiError::bad_request("missing or invalid listener name"))?;
    if let Some(terminal) = terminal {
        let terminal_id = terminal.get("terminalId").and_then(Value::as_str).ok_or(ApiError::BadTerminal)?;
        if !state.owns_terminal(&session.login, terminal_id) {
            return Err(ApiError::BadTerminal);
        }
    }
    state.add_listener(&session.id, name);
    tracing::info!(login = session.login, name, "listener created");
    Ok(Json(json!({
        "name": name,
        "restUri": format!("v1/service/EventListener/bean/{name}"),
    })))
}

pub(super) async fn delete(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    if state.remove_listener(&session.id, &name) {
        tracing::info!(login = session.login, name, "listener deleted");
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound(format!("no listener named {name}")))
    }
}

/// The name becomes a path segment of the listener's `restUri`.
fn is_listener_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}
