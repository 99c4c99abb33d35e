//! The HTTP surface: the platform's `/restletrouter` API and the simulator's `/_sim` control API.

mod control;
mod crm;
mod listener;
mod session;
mod stream;

use std::{collections::HashMap, sync::Arc};

use axum::{
    Router,
    extract::{FromRequestParts, Query, Request, State, rejection::QueryRejection},
    http::{HeaderMap, HeaderName, header::COOKIE, request::Parts},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{delete, get, post},
};

use crate::{
    error::ApiError,
    state::{SessionRef, SimState},
};

pub(crate) type AppState = Arc<SimState>;

const X_APPLICATION: HeaderName = HeaderName::from_static("x-application");
const SESSION_COOKIE: &str = "myCrm_SESSIONID";

pub(crate) fn router(state: AppState) -> Router {
    let platform = Router::new()
        .route("/v1/service/Login", post(session::login))
        .route("/v1/service/Logout", post(session::logout).get(session::logout))
        .route("/v1/crm/GetTerminals", get(crm::terminals))
        .route("/v1/crm/PlaceCall", get(crm::place_call))
        .route("/v1/service/EventListener/bean", post(listener::create))
        .route("/v1/service/EventListener/bean/{name}", delete(listener::delete))
        .route("/v1/crm/CallLine", get(stream::call_line))
        .route("/ws-service/myCrm", get(stream::service_socket))
        .route_layer(middleware::from_fn_with_state(state.clone(), platform_gate));
    Router::new()
        .nest("/restletrouter", platform)
        .nest("/_sim", control::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

/// Faults that hit every platform answer: the response delay and IPTC being down.
async fn platform_gate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let delay = state.delay();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if state.iptc_down() {
        return ApiError::IptcDown.into_response();
    }
    next.run(request).await
}

async fn not_found() -> ApiError {
    ApiError::NotFound("no such resource".to_owned())
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// A request that carried a live session's cookie and its matching token.
#[derive(Debug)]
pub(crate) struct Authenticated(pub(crate) SessionRef);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let cookie = session_cookie(&parts.headers);
        let token = application_token(&parts.headers);
        state.authenticate(cookie.as_deref(), token.as_deref()).map(Self)
    }
}

/// The `myCrm_SESSIONID` value among all `Cookie` headers.
fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim().to_owned())
}

/// The token of an `X-Application: myCrm;<TOKEN>` header.
fn application_token(headers: &HeaderMap) -> Option<String> {
    headers.get(X_APPLICATION)?.to_str().ok()?.trim().strip_prefix("myCrm;").map(str::to_owned)
}

/// Query parameters, with a malformed query answered as the platform's `ERR_0`.
pub(crate) type QueryParams = Result<Query<HashMap<String, String>>, QueryRejection>;

pub(crate) fn query_params(query: QueryParams) -> Result<HashMap<String, String>, ApiError> {
    query.map(|Query(params)| params).map_err(|rejection| ApiError::bad_request(rejection.body_text()))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn session_cookie_is_found_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("a=1"));
        headers.append(COOKIE, HeaderValue::from_static("b=2; myCrm_SESSIONID=1234567890123456789"));
        assert_eq!(session_cookie(&headers).as_deref(), Some("1234567890123456789"));
    }

    #[test]
    fn bare_application_header_carries_no_token() {
        let mut headers = HeaderMap::new();
        headers.insert(X_APPLICATION, HeaderValue::from_static("myCrm"));
        assert_eq!(application_token(&headers), None);
        headers.insert(X_APPLICATION, HeaderValue::from_static("myCrm;abc"));
        assert_eq!(application_token(&headers).as_deref(), Some("abc"));
    }
}
