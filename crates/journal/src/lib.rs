//! The call journal of istra-tray.
//!
//! Every call update the tray app sees is written at once to an embedded
//! SQLite database (WAL mode, synchronous writes), so a crash loses nothing
//! already reported. The History view pages through it newest first,
//! searches and filters it, and exports it as CSV; missed calls carry a
//! "seen" flag that drives the unseen-missed-calls badge.
//!
//! This crate root owns [`Journal`], the handle the app keeps: opening the
//! database (directories, pragmas, migrations) and serialising access to its
//! one connection. The other modules own the schema (`schema`), the
//! contacts and dial pad suggestions (`contacts`), the contacts synced from
//! address books (`synced`), the
//! upsert rules (`store`), the paged queries (`query`), the CSV format
//! (`csv`), the parser of contact files (`import`), the public value types
//! (`record`) and errors (`error`).

mod contacts;
mod csv;
mod error;
mod import;
mod query;
mod record;
mod schema;
mod store;
mod synced;

#[cfg(test)]
mod tests;

use std::io::Write;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

pub use contacts::{ContactEntry, MAX_SUGGESTIONS, Suggestion, SuggestionSource, is_number_like};
pub use error::JournalError;
pub use import::{ContactCard, ContactFormat, ImportError, MAX_IMPORT_BYTES, ParsedContacts, parse_contacts};
pub use record::{CallRecord, Cursor, Direction, Filter, Page};
pub use synced::{AddressBookChanges, AddressBookState, SyncedCard};

/// How long a write waits for a lock held by another connection before it
/// gives up with [`JournalError::Unavailable`].
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// How many calls the CSV export reads per query.
const EXPORT_BATCH: usize = 500;

/// The call journal: one SQLite connection, shared safely between threads.
#[derive(Debug)]
pub struct Journal {
    conn: Mutex<Connection>,
}

impl Journal {
    /// Opens (or creates) the journal at `path`, creating missing parent
    /// directories, switching to WAL mode and bringing the schema up to date.
    ///
    /// # Errors
    ///
    /// [`JournalError::Unavailable`] when the directory or file cannot be
    /// created, the file is not a valid journal (corrupt, random bytes, a
    /// newer schema) or it stays locked longer than [`BUSY_TIMEOUT`].
    pub fn open(path: &Path) -> Result<Self, JournalError> {
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|err| {
                JournalError::Unavailable(format!("cannot create directory {}: {err}", dir.display()))
            })?;
        }
        let conn = Connection::open(path).map_err(JournalError::on_open)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(JournalError::on_open)?;
        // Reading the mode back is the first real read of the file: a file
        // that is not a database fails here.
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(JournalError::on_open)?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(mode, "call journal could not switch to WAL mode");
        }
        let journal = Self::prepare(conn)?;
        tracing::debug!(path = %path.display(), "call journal opened");
        Ok(journal)
    }

    /// Opens a journal that lives in memory only (for tests and previews).
    ///
    /// # Errors
    ///
    /// [`JournalError::Unavailable`] if SQLite cannot allocate the database.
    pub fn open_in_memory() -> Result<Self, JournalError> {
        let conn = Connection::open_in_memory().map_err(JournalError::on_open)?;
        Self::prepare(conn)
    }

    /// Applies the settings common to every journal and runs migrations.
    fn prepare(mut conn: Connection) -> Result<Self, JournalError> {
        // FULL: a commit is on disk before `record` returns, so even a power
        // cut loses nothing already reported.
        conn.pragma_update(None, "synchronous", "FULL").map_err(JournalError::on_open)?;
        conn.pragma_update(None, "foreign_keys", true).map_err(JournalError::on_open)?;
        schema::migrate(&mut conn)?;
        Ok(Self { conn: Mutex::new(conn) })
    }

    /// The connection. A panic while it was held leaves no half-done write
    /// behind (transactions roll back on drop), so a poisoned lock is used.
    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stores one call update. Updates of the same call (same platform call
    /// id, started within 24 hours, id not reused after that call ended)
    /// are folded into one row: a `seen` flag once set is kept, an ended
    /// call is never turned back into a ringing one, and details that
    /// arrive late (contact name, label) are still filled in.
    ///
    /// # Errors
    ///
    /// [`JournalError::Unavailable`] when the database is locked beyond
    /// [`BUSY_TIMEOUT`] or unusable; [`JournalError::Storage`] otherwise.
    pub fn record(&self, record: &CallRecord) -> Result<(), JournalError> {
        self.record_many(std::slice::from_ref(record))
    }

    /// Stores several call updates in one transaction, in order, with the
    /// same rules as [`Journal::record`] (used for imports and benches).
    ///
    /// # Errors
    ///
    /// As for [`Journal::record`]; on error nothing of the batch is stored.
    pub fn record_many(&self, records: &[CallRecord]) -> Result<(), JournalError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for record in records {
            store::upsert(&tx, record)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Sets the outcome and note of a call after it (empty text: none), replacing what was
    /// written before; the call is the one with the platform id `call_id` whose start is
    /// nearest `started_at_ms` (within a day). Both become searchable and are exported.
    /// Returns the call as now stored, `None` when no such call is in the journal.
    ///
    /// # Errors
    ///
    /// [`JournalError::Unavailable`] or [`JournalError::Storage`] when the
    /// database cannot be written.
    pub fn annotate(
        &self,
        call_id: &str,
        started_at_ms: i64,
        outcome: &str,
        note: &str,
    ) -> Result<Option<CallRecord>, JournalError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let noted = store::annotate(&tx, call_id, started_at_ms, outcome, note)?;
        tx.commit()?;
        Ok(noted)
    }

    /// One page of the History view, newest call first.
    ///
    /// `search` matches number, E.164 form, label, contact name, outcome and note as a
    /// case-insensitive substring; a search made of digits (and phone
    /// punctuation) also matches the number with its spaces and punctuation
    /// removed. `limit` is clamped to 1..=500. Pass the previous page's
    /// `next_cursor` to get the following page.
    ///
    /// # Errors
    ///
    /// [`JournalError::Unavailable`] or [`JournalError::Storage`] when the
    /// database cannot be read.
    pub fn page(
        &self,
        filter: Filter,
        search: Option<&str>,
        cursor: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page, JournalError> {
        let needle = query::Needle::parse(search);
        Ok(query::page(&self.conn(), filter, needle.as_ref(), cursor, limit)?)
    }

    /// The newest call with the platform id `call_id` (ids repeat over days), if any.
    ///
    /// # Errors
    ///
    /// [`JournalError::Unavailable`] or [`JournalError::Storage`] when the
    /// database cannot be read.
    pub fn latest(&self, call_id: &str) -> Result<Option<CallRecord>, JournalError> {
        Ok(query::latest(&self.conn(), call_id)?)
    }

    /// How many missed calls have not been seen yet (the tray badge).
    ///
    /// # Errors
    ///
    /// [`JournalError::Unavailable`] or [`JournalError::Storage`] when the
    /// database cannot be read.
    pub fn missed_unseen(&self) -> Result<u32, JournalError> {
        let count = query::missed_unseen(&self.conn())?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    /// Marks every missed call as seen; returns how many calls changed.
    ///
    /// # Errors
    ///
    /// [`JournalError::Unavailable`] or [`JournalError::Storage`] when the
    /// database cannot be written.
    pub fn mark_all_seen(&self) -> Result<u32, JournalError> {
        let changed = query::mark_all_seen(&self.conn())?;
        Ok(u32::try_from(changed).unwrap_or(u32::MAX))
    }

    /// Marks the missed calls from one number as seen, e.g. once it has been
    /// called back. Matches the E.164 form exactly or the number's digits
    /// (spaces and punctuation ignored); returns how many calls changed.
    ///
    /// # Errors
    ///
    /// [`JournalError::Unavailable`] or [`JournalError::Storage`] when the
    /// database cannot be written.
    pub fn mark_seen_for_number(&self, e164_or_number: &str) -> Result<u32, JournalError> {
        let changed = query::mark_seen_for_number(&self.conn(), e164_or_number)?;
        Ok(u32::try_from(changed).unwrap_or(u32::MAX))
    }

    /// Writes the calls matching `filter` and `search` (as for
    /// [`Journal::page`]) to `out` as CSV, newest first: a header line,
    /// then one line per call. Returns the number of calls written.
    ///
    /// The journal is not locked while `out` is written to; calls recorded
    /// meanwhile may or may not be included.
    ///
    /// # Errors
    ///
    /// [`JournalError::Storage`] when `out` fails; [`JournalError::Unavailable`]
    /// or [`JournalError::Storage`] when the database cannot be read.
    pub fn export_csv(
        &self,
        filter: Filter,
        search: Option<&str>,
        out: &mut impl Write,
    ) -> Result<usize, JournalError> {
        let io_error = |err: std::io::Error| JournalError::Storage(format!("cannot write the CSV export: {err}"));
        let needle = query::Needle::parse(search);
        csv::write_header(out).map_err(io_error)?;
        let mut written = 0;
        let mut cursor = None;
        loop {
            let page = query::page(&self.conn(), filter, needle.as_ref(), cursor.as_ref(), EXPORT_BATCH)?;
            for record in &page.records {
                csv::write_record(out, record).map_err(io_error)?;
            }
            written += page.records.len();
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        out.flush().map_err(io_error)?;
        Ok(written)
    }
}
