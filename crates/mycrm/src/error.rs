//! Errors typed by what the caller should do about them.
//!
//! Every answer the platform gives, in either JSON error shape or as plain text, maps to one
//! [`ErrorKind`]; the server's own message is kept for the user.

use std::fmt;

use serde::Serialize;

use crate::wire::{parse_error_body, truncate};

/// What went wrong, as a caller must tell it apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The user's extension may not use myCRM (`MYCRM_ERR_403`): only an admin can fix it.
    NotAllowed,
    /// Wrong login or password.
    BadCredentials,
    /// The session expired or its cookie and token no longer match: log in again.
    SessionLost,
    /// The terminal id is not one of the user's (`ERR_0`), or the user has no terminal.
    BadTerminal,
    /// The terminal is out of service (`ERR_100`): the call was not placed.
    TerminalOutOfService,
    /// The telephony core is not started (`ROUTER_ERR_503`) or the server is failing.
    ServerNotReady,
    /// The server could not be reached, or the connection broke.
    Network,
    /// The secure connection could not be set up: the server's certificate is not trusted
    /// (unknown authority, expired, issued for another name), the TLS handshake failed, or the
    /// extra CA file is unusable. Retried like a network failure (a renewed certificate fixes
    /// itself), but the user must be told it is a certificate matter.
    Tls,
    /// The server answered something this client cannot use.
    Protocol,
}

impl ErrorKind {
    /// A stable code for the UI and scripts.
    pub fn code(self) -> &'static str {
        match self {
            Self::NotAllowed => "not_allowed",
            Self::BadCredentials => "bad_credentials",
            Self::SessionLost => "session_lost",
            Self::BadTerminal => "bad_terminal",
            Self::TerminalOutOfService => "terminal_out_of_service",
            Self::ServerNotReady => "server_not_ready",
            Self::Network => "network",
            Self::Tls => "tls",
            Self::Protocol => "protocol",
        }
    }

    /// Trying again cannot help: a person has to act (credentials, admin rights).
    pub fn is_fatal(self) -> bool {
        matches!(self, Self::NotAllowed | Self::BadCredentials)
    }
}

/// An error of the myCrm client. Never holds the password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Error {
    pub kind: ErrorKind,
    /// HTTP status when the server answered.
    pub status: Option<u16>,
    /// The platform's error code (`MYCRM_ERR_403`, `ERR_100`, …) when it sent one.
    pub code: Option<String>,
    /// What to tell the user: the server's own message when there is one.
    pub message: String,
}

impl std::error::Error for Error {}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ErrorKind::NotAllowed => "not allowed to use myCRM (ask your administrator for the CRM right)",
            ErrorKind::BadCredentials => "login or password refused",
            ErrorKind::SessionLost => "session lost",
            ErrorKind::BadTerminal => "bad terminal",
            ErrorKind::TerminalOutOfService => "terminal out of service",
            ErrorKind::ServerNotReady => "server not ready",
            ErrorKind::Network => "network error",
            ErrorKind::Tls => "secure connection failed",
            ErrorKind::Protocol => "unexpected answer from the server",
        };
        write!(f, "{what}")?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        match (&self.code, self.status) {
            (Some(code), Some(status)) => write!(f, " ({code}, HTTP {status})"),
            (None, Some(status)) => write!(f, " (HTTP {status})"),
            (Some(code), None) => write!(f, " ({code})"),
            (None, None) => Ok(()),
        }
    }
}

/// The request an answer belongs to: the same status means different things for each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    Login,
    /// A request that names a terminal (listener, monitoring, PlaceCall).
    WithTerminal,
    Other,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, status: None, code: None, message: message.into() }
    }

    pub fn network(err: impl fmt::Display) -> Self {
        Self::new(ErrorKind::Network, err.to_string())
    }

    pub fn protocol(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Protocol, message)
    }

    /// Classifies a non-success answer from its status and body.
    pub fn from_answer(request: Request, status: u16, body: &str) -> Self {
        let parsed = parse_error_body(body);
        let code = parsed.as_ref().and_then(|b| b.code.clone());
        let message = parsed
            .as_ref()
            .and_then(|b| b.first_message.clone().or_else(|| b.message.clone()))
            .unwrap_or_else(|| truncate(body.trim(), 200).to_owned());
        let kind = classify(request, status, code.as_deref());
        Self { kind, status: Some(status), code, message }
    }
}

fn classify(request: Request, status: u16, code: Option<&str>) -> ErrorKind {
    match (status, code) {
        (_, Some("MYCRM_ERR_403")) => ErrorKind::NotAllowed,
        (_, Some("ROUTER_ERR_503")) | (503, _) => ErrorKind::ServerNotReady,
        (_, Some("ERR_100")) | (512, _) => ErrorKind::TerminalOutOfService,
        (_, Some("ROUTER_ERR_400")) => ErrorKind::SessionLost,
        (401 | 403, _) if request == Request::Login => ErrorKind::BadCredentials,
        (401 | 403, _) => ErrorKind::SessionLost,
        (400 | 404, _) if request == Request::WithTerminal => ErrorKind::BadTerminal,
        (500..=599, _) => ErrorKind::ServerNotReady,
        _ => ErrorKind::Protocol,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_map_to_what_the_client_must_do() {
        let cases = [
            (
                Request::Login,
                401,
                r#"{"code":"MYCRM_ERR_403","message":"user extension not allowed for myCRM"}"#,
                ErrorKind::NotAllowed,
            ),
            (Request::Login, 401, r#"{"code":"MYCRM_ERR_401","message":"bad password"}"#, ErrorKind::BadCredentials),
            (Request::Login, 401, "", ErrorKind::BadCredentials),
            (Request::Other, 401, r#"{"code":"ROUTER_ERR_401","message":"session expired"}"#, ErrorKind::SessionLost),
            (
                Request::Other,
                403,
                r#"{"code":"ROUTER_ERR_400","message":"cookie session doesn't match authorisation sent"}"#,
                ErrorKind::SessionLost,
            ),
            (Request::WithTerminal, 400, r#"{"code":"ERR_0","message":"bad terminal ID"}"#, ErrorKind::BadTerminal),
            (Request::Other, 400, r#"{"code":"ERR_0","message":"bad request"}"#, ErrorKind::Protocol),
            (
                Request::WithTerminal,
                512,
                r#"{"message":"Terminal out of service","code":"ERR_100","firstMessage":"Terminal out of service"}"#,
                ErrorKind::TerminalOutOfService,
            ),
            (
                Request::Login,
                503,
                r#"{"code":"ROUTER_ERR_503","message":"IPTC not started"}"#,
                ErrorKind::ServerNotReady,
            ),
            (Request::Other, 502, "<html>Bad Gateway</html>", ErrorKind::ServerNotReady),
            (Request::Other, 404, "Not Found", ErrorKind::Protocol),
        ];
        for (request, status, body, kind) in cases {
            assert_eq!(Error::from_answer(request, status, body).kind, kind, "{status} {body}");
        }
    }

    #[test]
    fn the_servers_message_is_kept_for_the_user() {
        let e = Error::from_answer(
            Request::WithTerminal,
            512,
            r#"{"message":"Terminal out of service","code":"ERR_100","firstMessage":"Terminal out of service"}"#,
        );
        assert_eq!(e.message, "Terminal out of service");
        assert_eq!(e.to_string(), "terminal out of service: Terminal out of service (ERR_100, HTTP 512)");
        let plain = Error::from_answer(Request::Other, 502, "  upstream down \n");
        assert_eq!(plain.message, "upstream down");
    }
}
