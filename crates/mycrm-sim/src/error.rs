//! The error answers of the platform, in its two JSON shapes.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::json;

/// An error answer of the simulated platform.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ApiError {
    #[error("IPTC not started")]
    IptcDown,
    #[error("user extension not allowed for myCRM")]
    NotAllowed,
    #[error("bad login or password")]
    BadCredentials,
    #[error("session expired")]
    SessionExpired,
    #[error("cookie session doesn't match authorisation sent")]
    TokenMismatch,
    #[error("{0}")]
    BadRequest(String),
    #[error("bad terminal ID")]
    BadTerminal,
    #[error("Terminal out of service")]
    OutOfService,
    #[error("{0}")]
    NotFound(String),
    #[error("method not allowed")]
    MethodNotAllowed,
}

impl ApiError {
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::BadRequest(message.into())
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::IptcDown => StatusCode::SERVICE_UNAVAILABLE,
            Self::NotAllowed | Self::BadCredentials | Self::SessionExpired => StatusCode::UNAUTHORIZED,
            Self::TokenMismatch => StatusCode::FORBIDDEN,
            Self::BadRequest(_) | Self::BadTerminal => StatusCode::BAD_REQUEST,
            // 512 is in the valid range, so this cannot fail.
            Self::OutOfService => StatusCode::from_u16(512).unwrap_or(StatusCode::CONFLICT),
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::IptcDown => "ROUTER_ERR_503",
            Self::NotAllowed => "MYCRM_ERR_403",
            Self::BadCredentials => "MYCRM_ERR_401",
            Self::SessionExpired => "ROUTER_ERR_401",
            Self::TokenMismatch => "ROUTER_ERR_400",
            Self::BadRequest(_) | Self::BadTerminal => "ERR_0",
            Self::OutOfService => "ERR_100",
            Self::NotFound(_) => "ROUTER_ERR_404",
            Self::MethodNotAllowed => "ROUTER_ERR_405",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let message = self.to_string();
        let body = if self == Self::OutOfService {
            // The guide's second, richer error shape.
            let millis = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_millis());
            json!({
                "message": message,
                "exceptionId": format!("restletapi_exception_{millis}"),
                "code": self.code(),
                "firstMessage": message,
                "info": {
                    "type": {"id": "ERR_100", "msg": "Invalid State"},
                    "model": "terminal",
                    "value": "OutOfService",
                    "property": "state"
                }
            })
        } else {
            json!({"code": self.code(), "message": message})
        };
        (self.status(), Json(body)).into_response()
    }
}
