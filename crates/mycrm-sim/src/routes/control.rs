//! The `/_sim` control API: the same levers as [`SimControl`], for shell scripts and
//! end-to-end tests. It needs no session and ignores the platform faults.

use std::{collections::HashMap, time::Duration};

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    routing::{get, post},
};
use serde_json::{Value, json};

use super::{AppState, QueryParams, query_params};
use crate::{
    SimControl,
    error::ApiError,
    scenario::Scenario,
    state::{PlacedCall, Stats},
};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/scenario/{name}", post(scenario))
        .route("/items", post(items))
        .route("/raw", post(raw))
        .route("/fault/{name}", post(fault))
        .route("/delay", post(delay))
        .route("/step-delay", post(step_delay))
        .route("/placed-calls", get(placed_calls))
        .route("/stats", get(stats))
}

/// The `terminalId` parameter, or the first terminal of the first user.
fn terminal_param(state: &AppState, params: &HashMap<String, String>) -> Result<String, ApiError> {
    params
        .get("terminalId")
        .cloned()
        .or_else(|| state.config.default_terminal().map(str::to_owned))
        .ok_or_else(|| ApiError::bad_request("no terminalId and no configured terminal"))
}

fn millis_param(params: &HashMap<String, String>) -> Result<Duration, ApiError> {
    params
        .get("ms")
        .and_then(|ms| ms.parse().ok())
        .map(Duration::from_millis)
        .ok_or_else(|| ApiError::bad_request("ms must be a whole number of milliseconds"))
}

async fn scenario(
    State(state): State<AppState>,
    Path(name): Path<String>,
    query: QueryParams,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let scenario: Scenario =
        name.parse().map_err(|err: crate::scenario::UnknownScenario| ApiError::bad_request(err.to_string()))?;
    let terminal_id = terminal_param(&state, &query_params(query)?)?;
    // Detached on purpose: it ends by itself, or with the simulator.
    drop(SimControl::new(state).spawn_scenario(&terminal_id, scenario));
    Ok((StatusCode::ACCEPTED, Json(json!({"scenario": scenario.to_string(), "terminalId": terminal_id}))))
}

async fn items(
    State(state): State<AppState>,
    query: QueryParams,
    Json(items): Json<Vec<Value>>,
) -> Result<Json<Value>, ApiError> {
    let terminal_id = terminal_param(&state, &query_params(query)?)?;
    let sockets = SimControl::new(state).send_items(&terminal_id, items);
    Ok(Json(json!({"sockets": sockets})))
}

async fn raw(State(state): State<AppState>, query: QueryParams, text: String) -> Result<Json<Value>, ApiError> {
    let terminal_id = terminal_param(&state, &query_params(query)?)?;
    let sockets = SimControl::new(state).send_raw(&terminal_id, text);
    Ok(Json(json!({"sockets": sockets})))
}

async fn fault(
    State(state): State<AppState>,
    Path(name): Path<String>,
    query: QueryParams,
) -> Result<StatusCode, ApiError> {
    let control = SimControl::new(state.clone());
    match name.as_str() {
        "drop-sockets" => control.drop_sockets(),
        "expire-sessions" => control.expire_sessions(),
        "iptc-down" => control.set_iptc_down(true),
        "iptc-up" => control.set_iptc_down(false),
        "silent" => control.set_silent(true),
        "unsilent" => control.set_silent(false),
        "out-of-service" => {
            let params = query_params(query)?;
            let on = match params.get("on").map(String::as_str) {
                None | Some("true") => true,
                Some("false") => false,
                Some(other) => {
                    return Err(ApiError::bad_request(format!("on must be true or false, not {other}")));
                }
            };
            control.set_out_of_service(&terminal_param(&state, &params)?, on);
        }
        other => return Err(ApiError::NotFound(format!("no fault named {other}"))),
    }
    tracing::info!(fault = name, "fault");
    Ok(StatusCode::NO_CONTENT)
}

async fn delay(State(state): State<AppState>, query: QueryParams) -> Result<StatusCode, ApiError> {
    state.set_delay(millis_param(&query_params(query)?)?);
    Ok(StatusCode::NO_CONTENT)
}

async fn step_delay(State(state): State<AppState>, query: QueryParams) -> Result<StatusCode, ApiError> {
    state.set_step_delay(millis_param(&query_params(query)?)?);
    Ok(StatusCode::NO_CONTENT)
}

async fn placed_calls(State(state): State<AppState>) -> Json<Vec<PlacedCall>> {
    Json(state.placed_calls())
}

async fn stats(State(state): State<AppState>) -> Json<Stats> {
    Json(state.stats())
}
