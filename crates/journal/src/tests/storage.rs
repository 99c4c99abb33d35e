//! Opening, migrating and reopening the journal; broken and busy files.

use std::time::{Duration, Instant};

use super::{MONDAY_9AM, TempDir, all, missed, ringing};
use crate::{Filter, Journal, JournalError, schema};

fn user_version(path: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(path).expect("open raw");
    conn.query_row("PRAGMA user_version", [], |row| row.get(0)).expect("user_version")
}

#[test]
fn a_new_journal_is_created_with_its_folders_and_starts_empty() {
    let dir = TempDir::new();
    let path = dir.path().join("istra-tray").join("nested").join("journal.sqlite3");
    let journal = Journal::open(&path).expect("open");
    assert!(path.exists());
    assert!(all(&journal, Filter::All, None).is_empty());
    assert_eq!(journal.missed_unseen().expect("count"), 0);
    drop(journal);
    assert_eq!(user_version(&path), schema::current_version());
}

#[test]
fn calls_survive_closing_and_reopening_the_app() {
    let dir = TempDir::new();
    let path = dir.path().join("journal.sqlite3");
    {
        let journal = Journal::open(&path).expect("first open");
        journal.record(&missed("1", "0612345678", MONDAY_9AM)).expect("record");
        journal.record(&ringing("2", "0698765432", MONDAY_9AM + 1000)).expect("record");
    }
    let version_after_first_open = user_version(&path);
    let journal = Journal::open(&path).expect("reopen");
    assert_eq!(user_version(&path), version_after_first_open, "reopening does not re-run migrations");
    let calls = all(&journal, Filter::All, None);
    assert_eq!(calls.iter().map(|c| c.call_id.as_str()).collect::<Vec<_>>(), ["2", "1"]);
    assert_eq!(journal.missed_unseen().expect("count"), 1);
    drop(journal);
    Journal::open(&path).expect("third open is just as fine");
}

#[test]
fn the_journal_file_uses_wal_mode() {
    let dir = TempDir::new();
    let path = dir.path().join("journal.sqlite3");
    let _journal = Journal::open(&path).expect("open");
    let conn = rusqlite::Connection::open(&path).expect("raw");
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |row| row.get(0)).expect("mode");
    assert_eq!(mode.to_lowercase(), "wal");
}

#[test]
fn a_corrupt_journal_file_reports_unavailable_instead_of_crashing() {
    let dir = TempDir::new();
    let path = dir.path().join("journal.sqlite3");
    // Deterministic "random" bytes: long enough to cover the header page.
    let mut state = 0x2545_f491_u32;
    let garbage: Vec<u8> = (0..16_384)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect();
    std::fs::write(&path, garbage).expect("write garbage");
    let err = Journal::open(&path).expect_err("garbage must not open");
    assert!(matches!(err, JournalError::Unavailable(_)), "got {err:?}");
    assert!(err.to_string().starts_with("the call journal is unavailable"));
}

#[test]
fn a_journal_from_a_newer_release_is_not_touched() {
    let dir = TempDir::new();
    let path = dir.path().join("journal.sqlite3");
    drop(Journal::open(&path).expect("open"));
    let conn = rusqlite::Connection::open(&path).expect("raw");
    conn.pragma_update(None, "user_version", schema::current_version() + 1).expect("bump");
    drop(conn);
    let err = Journal::open(&path).expect_err("newer schema");
    assert!(matches!(err, JournalError::Unavailable(_)), "got {err:?}");
}

#[test]
fn a_path_that_cannot_be_created_reports_unavailable() {
    let dir = TempDir::new();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, b"file").expect("write");
    let err = Journal::open(&blocker.join("journal.sqlite3")).expect_err("parent is a file");
    assert!(matches!(err, JournalError::Unavailable(_)), "got {err:?}");
}

#[test]
fn a_journal_locked_by_another_program_fails_after_the_timeout_instead_of_hanging() {
    let dir = TempDir::new();
    let path = dir.path().join("journal.sqlite3");
    let journal = Journal::open(&path).expect("open");
    let mut other = rusqlite::Connection::open(&path).expect("other connection");
    let hold = other.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive).expect("lock");
    let started = Instant::now();
    let err = journal.record(&ringing("1", "0612345678", MONDAY_9AM)).expect_err("locked");
    let waited = started.elapsed();
    assert!(matches!(err, JournalError::Unavailable(_)), "got {err:?}");
    assert!(waited >= Duration::from_millis(1500), "gave up too early: {waited:?}");
    assert!(waited < Duration::from_secs(10), "hung: {waited:?}");
    drop(hold);
    journal.record(&ringing("1", "0612345678", MONDAY_9AM)).expect("works once the lock is gone");
}

#[test]
fn an_in_memory_journal_works_like_a_file() {
    let journal = Journal::open_in_memory().expect("open");
    journal.record(&missed("1", "0612345678", MONDAY_9AM)).expect("record");
    assert_eq!(all(&journal, Filter::Missed, None).len(), 1);
}
