//! Unit tests of the call journal, grouped by what a desk worker notices.
//!
//! This module owns the shared test helpers: a self-cleaning temporary
//! directory and a builder for plausible call records.

mod contacts;
mod export;
mod lifecycle;
mod listing;
mod notes;
mod storage;
mod synced;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::{CallRecord, Direction, Filter, Journal};

/// A fresh directory under the system temp dir, removed on drop.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new() -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let name = format!("journal-test-{}-{}-{nanos}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path).expect("create temp dir");
        Self(path)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// 2024-05-06 09:00:00 UTC.
pub(crate) const MONDAY_9AM: i64 = 1_714_986_000_000;
pub(crate) const MINUTE: i64 = 60_000;
pub(crate) const DAY: i64 = 24 * 60 * MINUTE;

/// An incoming call that is ringing.
pub(crate) fn ringing(call_id: &str, number: &str, started_at_ms: i64) -> CallRecord {
    CallRecord {
        call_id: call_id.to_owned(),
        terminal_id: Some("term-1".to_owned()),
        direction: Direction::Incoming,
        number: Some(number.to_owned()),
        e164: None,
        label: None,
        contact_name: None,
        acd: None,
        started_at_ms,
        answered_at_ms: None,
        ended_at_ms: None,
        ring_ms: None,
        talk_ms: None,
        end_cause: None,
        missed: false,
        seen: false,
        outcome: None,
        note: None,
    }
}

/// `call` after it was answered `ring` ms after it started.
pub(crate) fn answered(call: &CallRecord, ring: i64) -> CallRecord {
    CallRecord { answered_at_ms: Some(call.started_at_ms + ring), ring_ms: Some(ring), ..call.clone() }
}

/// `call` after it ended `after` ms after it started; missed if never answered.
pub(crate) fn ended(call: &CallRecord, after: i64) -> CallRecord {
    let end = call.started_at_ms + after;
    let missed = call.direction == Direction::Incoming && call.answered_at_ms.is_none();
    CallRecord {
        ended_at_ms: Some(end),
        ring_ms: call.ring_ms.or(Some(after)),
        talk_ms: call.answered_at_ms.map(|answered| end - answered),
        end_cause: Some("normal".to_owned()),
        missed,
        ..call.clone()
    }
}

/// A missed incoming call from `number`.
pub(crate) fn missed(call_id: &str, number: &str, started_at_ms: i64) -> CallRecord {
    ended(&ringing(call_id, number, started_at_ms), 20_000)
}

/// Every call of the journal, newest first, across all pages.
pub(crate) fn all(journal: &Journal, filter: Filter, search: Option<&str>) -> Vec<CallRecord> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let page = journal.page(filter, search, cursor.as_ref(), 500).expect("page");
        out.extend(page.records);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return out,
        }
    }
}

/// The call ids of the calls matching `search`, newest first.
pub(crate) fn ids(journal: &Journal, filter: Filter, search: Option<&str>) -> Vec<String> {
    all(journal, filter, search).into_iter().map(|record| record.call_id).collect()
}

#[test]
fn journal_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Journal>();
}
