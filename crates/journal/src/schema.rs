//! Database schema and its migrations.
//!
//! This module owns the table layout and the ordered list of migration
//! steps. The schema version lives in `PRAGMA user_version`: version `n`
//! means the first `n` steps of [`MIGRATIONS`] have been applied. A later
//! release adds a step at the end of the list and never edits an old one.

use rusqlite::{Connection, TransactionBehavior};

use crate::JournalError;

/// Migration steps, oldest first. Step `i` brings the schema from version
/// `i` to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    // Version 1: the call table and the indexes the History view needs.
    "CREATE TABLE calls (
        id              INTEGER PRIMARY KEY,
        call_id         TEXT    NOT NULL,
        terminal_id     TEXT,
        direction       TEXT    NOT NULL CHECK (direction IN ('incoming', 'outgoing')),
        number          TEXT,
        e164            TEXT,
        label           TEXT,
        contact_name    TEXT,
        acd             TEXT,
        started_at_ms   INTEGER NOT NULL,
        answered_at_ms  INTEGER,
        ended_at_ms     INTEGER,
        ring_ms         INTEGER,
        talk_ms         INTEGER,
        end_cause       TEXT,
        missed          INTEGER NOT NULL DEFAULT 0 CHECK (missed IN (0, 1)),
        seen            INTEGER NOT NULL DEFAULT 0 CHECK (seen IN (0, 1)),
        digits          TEXT    NOT NULL DEFAULT '',
        search_text     TEXT    NOT NULL DEFAULT ''
    );
    CREATE INDEX calls_started ON calls (started_at_ms);
    CREATE INDEX calls_missed_seen ON calls (missed, seen);
    CREATE INDEX calls_missed_started ON calls (missed, started_at_ms);
    CREATE INDEX calls_digits ON calls (digits);
    CREATE INDEX calls_e164 ON calls (e164);
    CREATE INDEX calls_call_id ON calls (call_id, started_at_ms);",
    // Version 2: the user's contacts, one row per (name, number), keyed by the
    // number's normalised form (E.164, or the extension's digits).
    "CREATE TABLE contacts (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL,
        number      TEXT NOT NULL,
        key         TEXT NOT NULL,
        digits      TEXT NOT NULL DEFAULT '',
        search_text TEXT NOT NULL DEFAULT '',
        UNIQUE (key, name)
    );
    CREATE INDEX contacts_digits ON contacts (digits);",
    // Version 3: contacts synced from address books (CardDAV). A synced row names its
    // address book (`origin`) and card (`href`) so that one card's rows can be replaced;
    // imported rows keep both NULL. The table is rebuilt because the old `UNIQUE (key, name)`
    // would make a synced card and an imported entry of the same person collide. Each address
    // book keeps its sync-token and each card its ETag, for the next sync.
    "CREATE TABLE contacts_v3 (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL,
        number      TEXT NOT NULL,
        key         TEXT NOT NULL,
        digits      TEXT NOT NULL DEFAULT '',
        search_text TEXT NOT NULL DEFAULT '',
        origin      TEXT,
        href        TEXT
    );
    INSERT INTO contacts_v3 (id, name, number, key, digits, search_text)
        SELECT id, name, number, key, digits, search_text FROM contacts;
    DROP TABLE contacts;
    ALTER TABLE contacts_v3 RENAME TO contacts;
    CREATE INDEX contacts_digits ON contacts (digits);
    CREATE UNIQUE INDEX contacts_entry ON contacts (key, name, COALESCE(origin, ''), COALESCE(href, ''));
    CREATE INDEX contacts_card ON contacts (origin, href);
    CREATE TABLE IF NOT EXISTS address_books (
        origin      TEXT PRIMARY KEY,
        sync_token  TEXT
    );
    CREATE TABLE IF NOT EXISTS address_book_cards (
        origin      TEXT NOT NULL REFERENCES address_books (origin) ON DELETE CASCADE,
        href        TEXT NOT NULL,
        etag        TEXT,
        PRIMARY KEY (origin, href)
    ) WITHOUT ROWID;",
    // Version 4: the desk worker's outcome and note of a call (searchable: a row's search
    // text is rebuilt whenever the row is written).
    "ALTER TABLE calls ADD COLUMN outcome TEXT;
    ALTER TABLE calls ADD COLUMN note TEXT;",
    // Version 5: an address book's CTag as of its last sync (CalendarServer's `getctag`), which
    // tells in one small request whether anything changed since.
    "ALTER TABLE address_books ADD COLUMN ctag TEXT;",
];

/// The schema version this build writes.
pub(crate) fn current_version() -> i64 {
    i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX)
}

/// Brings the database up to [`current_version`], one step per
/// transaction, so an interrupted upgrade resumes where it stopped.
///
/// # Errors
///
/// [`JournalError::Unavailable`] when the database was written by a newer
/// release (unknown schema version) or a step cannot be applied.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), JournalError> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(JournalError::on_open)?;
    if found > current_version() {
        return Err(JournalError::Unavailable(format!(
            "schema version {found} is newer than this release understands ({})",
            current_version()
        )));
    }
    let start = usize::try_from(found).map_err(JournalError::on_open)?;
    for (index, step) in MIGRATIONS.iter().enumerate().skip(start) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(JournalError::on_open)?;
        // Someone else may have migrated while we waited for the lock.
        let now: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(JournalError::on_open)?;
        if now > i64::try_from(index).map_err(JournalError::on_open)? {
            continue;
        }
        tx.execute_batch(step).map_err(JournalError::on_open)?;
        tx.pragma_update(None, "user_version", index + 1).map_err(JournalError::on_open)?;
        tx.commit().map_err(JournalError::on_open)?;
        tracing::info!(version = index + 1, "call journal schema migrated");
    }
    Ok(())
}

/// The SQL of the first `version` steps, to build a journal as an older release left it.
#[cfg(test)]
pub(crate) fn steps_up_to(version: usize) -> String {
    MIGRATIONS[..version].join(";\n")
}
