//! Errors as the pages see them: `{code, message}`, the code one of [`ErrorCode`] (generated into
//! TypeScript with the other views, and the key of the error's sentence in every catalog), the
//! message the detail for the logs and the user.

use std::time::Duration;

use mycrm::ErrorKind;
use mycrm::dial::DialError;
use serde::Serialize;
use ts_rs::TS;

/// What went wrong, as the pages tell it apart: each code has a sentence in
/// `locales/*.json` under `errors` (a test checks every language).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    // What the platform answered (mycrm's `ErrorKind`).
    NotAllowed,
    BadCredentials,
    SessionLost,
    BadTerminal,
    TerminalOutOfService,
    ServerNotReady,
    Network,
    Tls,
    Protocol,
    /// The CA file in the settings cannot be read or holds no certificate.
    CaFile,
    // What the user asked to dial.
    NoNumber,
    InvalidNumber,
    AmbiguousNumber,
    TooLong,
    /// A call to this number is already being placed.
    Duplicate,
    // The desktop around the app.
    SelectionUnavailable,
    AccessibilityPermission,
    Keyring,
    HotkeyTaken,
    Browser,
    // The app's own state and files.
    InvalidSettings,
    /// The administrators locked this setting (see `model::settings::Managed`).
    LockedSetting,
    InvalidTemplate,
    NotSignedIn,
    Journal,
    /// A call's note or outcome that cannot be kept (too long, or the call is unknown).
    InvalidNote,
    /// A caller lookup source (CRM, directory) failed.
    Lookup,
    Contacts,
    ContactsFile,
    UnknownCall,
    CallWithoutNumber,
    Internal,
}

impl ErrorCode {
    /// Every code, for the tests that check each has its words.
    pub const ALL: [Self; 32] = [
        Self::NotAllowed,
        Self::BadCredentials,
        Self::SessionLost,
        Self::BadTerminal,
        Self::TerminalOutOfService,
        Self::ServerNotReady,
        Self::Network,
        Self::Tls,
        Self::Protocol,
        Self::CaFile,
        Self::NoNumber,
        Self::InvalidNumber,
        Self::AmbiguousNumber,
        Self::TooLong,
        Self::Duplicate,
        Self::SelectionUnavailable,
        Self::AccessibilityPermission,
        Self::Keyring,
        Self::HotkeyTaken,
        Self::Browser,
        Self::InvalidSettings,
        Self::LockedSetting,
        Self::InvalidTemplate,
        Self::NotSignedIn,
        Self::Journal,
        Self::InvalidNote,
        Self::Lookup,
        Self::Contacts,
        Self::ContactsFile,
        Self::UnknownCall,
        Self::CallWithoutNumber,
        Self::Internal,
    ];

    /// The code as the pages and the catalogs spell it (`bad_credentials`).
    pub fn key(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.key())
    }
}

impl From<ErrorKind> for ErrorCode {
    fn from(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::NotAllowed => Self::NotAllowed,
            ErrorKind::BadCredentials => Self::BadCredentials,
            ErrorKind::SessionLost => Self::SessionLost,
            ErrorKind::BadTerminal => Self::BadTerminal,
            ErrorKind::TerminalOutOfService => Self::TerminalOutOfService,
            ErrorKind::ServerNotReady => Self::ServerNotReady,
            ErrorKind::Network => Self::Network,
            ErrorKind::Tls => Self::Tls,
            ErrorKind::Protocol => Self::Protocol,
        }
    }
}

/// An error as the UI sees it: a stable code and a sentence for the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[ts(export)]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

impl From<mycrm::Error> for AppError {
    fn from(e: mycrm::Error) -> Self {
        Self::new(e.kind.into(), e.to_string())
    }
}

impl From<DialError> for AppError {
    fn from(e: DialError) -> Self {
        let code = match e {
            DialError::NoNumber => ErrorCode::NoNumber,
            DialError::Invalid(_) => ErrorCode::InvalidNumber,
            DialError::Ambiguous(_) => ErrorCode::AmbiguousNumber,
            DialError::TooLong => ErrorCode::TooLong,
            DialError::UnknownCountry(_) | DialError::BadPrefix => ErrorCode::InvalidSettings,
        };
        Self::new(code, e.to_string())
    }
}

/// Runs blocking OS work (keyring, clipboard) on the blocking pool and gives up after `limit`:
/// a service that never answers must not hang the app. `fail` turns why it gave up into the
/// error the user sees.
///
/// # Errors
///
/// What `work` returns, or `fail(reason)` when it panicked or did not finish in time.
pub async fn within<T: Send + 'static>(
    limit: Duration,
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
    fail: impl FnOnce(&str) -> AppError,
) -> Result<T, AppError> {
    match tokio::time::timeout(limit, tokio::task::spawn_blocking(work)).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => Err(fail(&format!("the task failed: {e}"))),
        Err(_) => Err(fail("no answer in time")),
    }
}

/// Runs blocking `work` (files, the database, starting a browser) off the async threads,
/// without a time limit: for work that ends by itself, unlike [`within`].
///
/// # Errors
///
/// What `work` returns, or `internal` when it panicked.
pub async fn off_thread<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::i18n::{Lang, words_of};

    #[test]
    fn every_code_has_a_sentence_in_every_language_and_no_sentence_is_left_over() {
        let mut codes: Vec<String> = ErrorCode::ALL.iter().map(|c| c.key()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), ErrorCode::ALL.len(), "ALL lists a code twice");
        for lang in [Lang::En, Lang::Fr] {
            let mut keys: Vec<String> = words_of(lang).errors.keys().cloned().collect();
            keys.sort();
            assert_eq!(keys, codes, "the error sentences of {lang:?}");
        }
    }

    #[test]
    fn codes_travel_in_snake_case() {
        let e = AppError::new(ErrorCode::CallWithoutNumber, "this call has no number");
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"code": "call_without_number", "message": "this call has no number"})
        );
    }

    #[test]
    fn the_platforms_error_kinds_keep_their_codes() {
        for kind in [ErrorKind::NotAllowed, ErrorKind::SessionLost, ErrorKind::TerminalOutOfService, ErrorKind::Tls] {
            assert_eq!(ErrorCode::from(kind).key(), kind.code());
        }
    }

    #[test]
    fn errors_reach_the_ui_with_stable_codes() {
        let e: AppError = mycrm::Error::new(ErrorKind::TerminalOutOfService, "Terminal out of service").into();
        assert_eq!(e.code, ErrorCode::TerminalOutOfService);
        let d: AppError = DialError::NoNumber.into();
        assert_eq!(d.code, ErrorCode::NoNumber);
        assert_eq!(d.message, "no phone number in the selection");
    }
}
