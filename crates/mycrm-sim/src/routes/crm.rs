//! `GetTerminals` and `PlaceCall`: the user's phones and calls placed from them.

use axum::{Json, extract::State, http::StatusCode};
use serde_json::{Value, json};

use super::{AppState, Authenticated, QueryParams, query_params};
use crate::{SimControl, error::ApiError, scenario, state::PlacedCall};

pub(super) async fn terminals(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
) -> Json<Vec<Value>> {
    let terminals = state
        .terminals_of(&session.login)
        .into_iter()
        .map(|terminal| {
            json!({
                "deviceModel": terminal.model,
                "terminalId": terminal.id,
                "terminalName": terminal.name,
            })
        })
        .collect();
    Json(terminals)
}

pub(super) async fn place_call(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
    query: QueryParams,
) -> Result<StatusCode, ApiError> {
    let params = query_params(query)?;
    let terminal_id =
        params.get("terminalId").filter(|id| state.owns_terminal(&session.login, id)).ok_or(ApiError::BadTerminal)?;
    let destination = params
        .get("destination")
        .filter(|destination| !destination.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request("missing destination"))?;
    if state.is_out_of_service(terminal_id) {
        return Err(ApiError::OutOfService);
    }
    tracing::info!(terminal_id, destination, "call placed");
    state.record_placed_call(PlacedCall {
        terminal_id: terminal_id.clone(),
        destination: destination.clone(),
        login: session.login,
    });
    if state.config.simulate_outgoing {
        let control = SimControl::new(state.clone());
        let (terminal_id, destination) = (terminal_id.clone(), destination.clone());
        tokio::spawn(async move {
            let script = scenario::placed_call(&control, &terminal_id, &destination);
            control.until_shutdown(script).await;
        });
    }
    Ok(StatusCode::OK)
}
