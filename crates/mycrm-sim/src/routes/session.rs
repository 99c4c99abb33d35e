//! `Login` and `Logout`: opening and ending a session.

use axum::{
    extract::State,
    http::{HeaderMap, Method, StatusCode, header::AUTHORIZATION, header::SET_COOKIE},
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::STANDARD};

use super::{AppState, Authenticated, SESSION_COOKIE, X_APPLICATION};
use crate::error::ApiError;

pub(super) async fn login(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let application = headers.get(X_APPLICATION).and_then(|value| value.to_str().ok()).map(str::trim);
    if application != Some("myCrm") {
        return Err(ApiError::bad_request("X-Application must be myCrm"));
    }
    let (login, password) = basic_credentials(&headers).ok_or(ApiError::BadCredentials)?;
    let (id, token) = state.login(&login, &password)?;
    tracing::info!(login, "login");
    Ok((
        StatusCode::OK,
        [
            (SET_COOKIE, format!("{SESSION_COOKIE}={id};Path=/restletrouter;HttpOnly")),
            (X_APPLICATION, format!("myCrm;{token}")),
        ],
    )
        .into_response())
}

/// `Basic base64("ENDUSER:<login>:<password>")`; the password may itself hold `:`.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (login, password) = decoded.strip_prefix("ENDUSER:")?.split_once(':')?;
    Some((login.to_owned(), password.to_owned()))
}

/// Both methods are routed here so that the one the platform does not take answers 405
/// before the session is even looked at.
pub(super) async fn logout(
    State(state): State<AppState>,
    method: Method,
    session: Result<Authenticated, ApiError>,
) -> Result<StatusCode, ApiError> {
    let wanted = if state.config.logout_requires_get { Method::GET } else { Method::POST };
    if method != wanted {
        return Err(ApiError::MethodNotAllowed);
    }
    let Authenticated(session) = session?;
    state.logout(&session.id);
    tracing::info!(login = session.login, "logout");
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers_with(authorization: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_str(authorization).unwrap());
        headers
    }

    #[test]
    fn password_keeps_its_colons() {
        let encoded = STANDARD.encode("ENDUSER:bob:pa:ss:word");
        let headers = headers_with(&format!("Basic {encoded}"));
        assert_eq!(basic_credentials(&headers), Some(("bob".to_owned(), "pa:ss:word".to_owned())));
    }

    #[test]
    fn credentials_without_the_enduser_prefix_are_refused() {
        let encoded = STANDARD.encode("bob:password");
        assert_eq!(basic_credentials(&headers_with(&format!("Basic {encoded}"))), None);
    }
}
