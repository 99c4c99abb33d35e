//! The event stream's two readings: the service socket that `GET CallLine` links, and
//! `GET CallLine` as a websocket handshake of its own.

use axum::{
    extract::{State, WebSocketUpgrade, ws::rejection::WebSocketUpgradeRejection},
    http::{HeaderMap, StatusCode, header::UPGRADE},
    response::{IntoResponse, Response},
};
use serde_json::json;

use super::{AppState, Authenticated, QueryParams, query_params};
use crate::{
    error::ApiError,
    state::{Link, random_alnum},
    ws::{SocketPlan, run_socket},
};

type Upgrade = Result<WebSocketUpgrade, WebSocketUpgradeRejection>;

pub(super) async fn service_socket(
    State(state): State<AppState>,
    session: Result<Authenticated, ApiError>,
    upgrade: Upgrade,
) -> Result<Response, ApiError> {
    if !state.config.ws_mode.allows_service_socket() {
        return Err(ApiError::NotFound("no such resource".to_owned()));
    }
    let Authenticated(session) = session?;
    let upgrade = upgrade.map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
    let info = json!({
        "id": random_alnum(24),
        "timeout_milliseconds": state.config.socket_timeout_ms.to_string(),
        "maxInactiveInterval_seconds": state.config.session_idle_timeout.as_secs(),
    });
    let plan = SocketPlan {
        session_id: session.id,
        first_frame: Some(info.to_string()),
        idle_timeout: Some(std::time::Duration::from_millis(state.config.socket_timeout_ms)),
    };
    tracing::info!(login = session.login, "service socket opened");
    Ok(upgrade.on_upgrade(move |ws| async move {
        if let Some(channels) = state.register_socket(&plan.session_id, None) {
            run_socket(state, ws, channels, plan).await;
        }
    }))
}

pub(super) async fn call_line(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
    query: QueryParams,
    headers: HeaderMap,
    upgrade: Upgrade,
) -> Result<Response, ApiError> {
    let params = query_params(query)?;
    let listener = params.get("listenerName").ok_or_else(|| ApiError::bad_request("missing listenerName"))?;
    let terminal_id = params.get("terminalId").ok_or(ApiError::BadTerminal)?;
    if !state.has_listener(&session.id, listener) {
        return Err(ApiError::bad_request(format!("unknown listener {listener}")));
    }
    if !state.owns_terminal(&session.login, terminal_id) {
        return Err(ApiError::BadTerminal);
    }
    let link = Link { terminal_id: terminal_id.clone(), listener: listener.clone() };
    let mode = state.config.ws_mode;
    if headers.contains_key(UPGRADE) {
        if !mode.allows_callline_socket() {
            return Err(ApiError::bad_request("CallLine is not a websocket here"));
        }
        let upgrade = upgrade.map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
        let plan = SocketPlan { session_id: session.id, first_frame: None, idle_timeout: None };
        tracing::info!(login = session.login, ?link, "CallLine socket opened");
        return Ok(upgrade.on_upgrade(move |ws| async move {
            if let Some(channels) = state.register_socket(&plan.session_id, Some(link)) {
                run_socket(state, ws, channels, plan).await;
            }
        }));
    }
    if !mode.allows_service_socket() {
        return Err(ApiError::bad_request("CallLine must be opened as a websocket"));
    }
    let linked = state.link_service_sockets(&session.id, &link);
    tracing::info!(login = session.login, ?link, linked, "CallLine linked");
    Ok(if state.config.callline_204 {
        StatusCode::NO_CONTENT.into_response()
    } else {
        (StatusCode::OK, axum::Json(json!({}))).into_response()
    })
}
