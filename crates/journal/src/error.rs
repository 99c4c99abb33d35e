//! Error type of the call journal.
//!
//! This module owns [`JournalError`] and the rule that sorts SQLite failures
//! into "the journal cannot be used right now" ([`JournalError::Unavailable`]:
//! cannot open, not a database, corrupt, locked, disk trouble) versus
//! "this one operation failed" ([`JournalError::Storage`]).

use rusqlite::ErrorCode;

/// Everything that can go wrong while reading or writing the call journal.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// The database could not be opened or used at all: missing permissions,
    /// a file that is not (or no longer) a valid database, a lock held by
    /// another process beyond the busy timeout, disk full or I/O failure.
    #[error("the call journal is unavailable: {0}")]
    Unavailable(String),
    /// A single operation failed (bad stored value, SQL error, …).
    #[error("call journal error: {0}")]
    Storage(String),
}

impl From<rusqlite::Error> for JournalError {
    fn from(err: rusqlite::Error) -> Self {
        if is_unavailable(&err) { Self::Unavailable(err.to_string()) } else { Self::Storage(err.to_string()) }
    }
}

/// Whether an SQLite failure means the database as a whole is unusable.
fn is_unavailable(err: &rusqlite::Error) -> bool {
    matches!(
        err.sqlite_error_code(),
        Some(
            ErrorCode::CannotOpen
                | ErrorCode::NotADatabase
                | ErrorCode::DatabaseCorrupt
                | ErrorCode::DatabaseBusy
                | ErrorCode::DatabaseLocked
                | ErrorCode::SystemIoFailure
                | ErrorCode::DiskFull
                | ErrorCode::ReadOnly
                | ErrorCode::PermissionDenied
                | ErrorCode::FileLockingProtocolFailed
                | ErrorCode::NoLargeFileSupport
        )
    )
}

impl JournalError {
    /// Turns any error met while opening the journal into
    /// [`JournalError::Unavailable`]: a journal that cannot be opened is
    /// unavailable, whatever the underlying cause.
    pub(crate) fn on_open(err: impl std::fmt::Display) -> Self {
        Self::Unavailable(err.to_string())
    }
}
