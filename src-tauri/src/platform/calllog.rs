//! The app's side of the call journal (crate `journal`): where the database lives, the
//! conversion between journal records and the UI's call views, and a writer thread that
//! stores every call update in order without ever holding up a popup.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Sender, channel};

use journal::{CallRecord, Cursor, Direction, Filter, Journal};

use crate::model::error::{AppError, ErrorCode};
use crate::model::notes::Note;
use crate::model::views::{CallStateView, CallView, DirectionView, HistoryFilter, HistoryPage, display_number};

/// One History page holds this many calls.
const PAGE_SIZE: usize = 50;
/// The most call updates written in one transaction.
const WRITE_BATCH: usize = 500;

fn journal_error(e: journal::JournalError) -> AppError {
    AppError::new(ErrorCode::Journal, e.to_string())
}

fn filter_of(filter: HistoryFilter) -> Filter {
    match filter {
        HistoryFilter::All => Filter::All,
        HistoryFilter::Missed => Filter::Missed,
        HistoryFilter::Incoming => Filter::Incoming,
        HistoryFilter::Outgoing => Filter::Outgoing,
    }
}

/// `<data dir>/istra-tray/journal.sqlite3`.
pub fn default_path() -> PathBuf {
    dirs::data_dir().unwrap_or_else(std::env::temp_dir).join("istra-tray").join("journal.sqlite3")
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// The journal row for a call as the app sees it now.
pub fn record_of(call: &CallView, terminal_id: Option<&str>) -> CallRecord {
    CallRecord {
        call_id: call.id.clone(),
        terminal_id: terminal_id.map(str::to_owned),
        direction: match call.direction {
            DirectionView::Incoming => Direction::Incoming,
            DirectionView::Outgoing => Direction::Outgoing,
        },
        number: call.number.clone(),
        e164: call.e164.clone(),
        label: call.label.clone(),
        contact_name: call.name.clone(),
        acd: call.acd.clone(),
        started_at_ms: to_i64(call.started_at_ms),
        answered_at_ms: call.answered_at_ms.map(to_i64),
        ended_at_ms: call.ended_at_ms.map(to_i64),
        ring_ms: call.ring_ms.map(to_i64),
        talk_ms: call.talk_ms.map(to_i64),
        end_cause: call.end_cause.clone(),
        missed: call.missed,
        seen: false,
        outcome: call.outcome.clone(),
        note: call.note.clone(),
    }
}

/// A journal row as a call view (the journal keeps no call type).
pub fn view_of(record: &CallRecord) -> CallView {
    CallView {
        id: record.call_id.clone(),
        direction: match record.direction {
            Direction::Incoming => DirectionView::Incoming,
            Direction::Outgoing => DirectionView::Outgoing,
        },
        call_type: None,
        number_display: display_number(record.number.as_deref(), record.e164.as_deref()),
        number: record.number.clone(),
        e164: record.e164.clone(),
        label: record.label.clone(),
        name: record.contact_name.clone(),
        company: None,
        crm_url: None,
        acd: record.acd.clone(),
        state: if record.ended_at_ms.is_some() { CallStateView::Ended } else { CallStateView::Ringing },
        taken_elsewhere: record.end_cause.as_deref().is_some_and(|cause| {
            let talked = record.answered_at_ms.is_some() || record.talk_ms.is_some_and(|ms| ms > 0);
            let direction = match record.direction {
                Direction::Incoming => mycrm::Direction::Incoming,
                Direction::Outgoing => mycrm::Direction::Outgoing,
            };
            mycrm::taken_elsewhere(direction, record.acd.as_deref(), talked, cause)
        }),
        missed: record.missed,
        started_at_ms: to_u64(record.started_at_ms),
        answered_at_ms: record.answered_at_ms.map(to_u64),
        ended_at_ms: record.ended_at_ms.map(to_u64),
        ring_ms: record.ring_ms.map(to_u64),
        talk_ms: record.talk_ms.map(to_u64),
        end_cause: record.end_cause.clone(),
        outcome: record.outcome.clone(),
        note: record.note.clone(),
        screen_pop: false,
        lines: crate::model::views::CallLines::default(),
        has_number: false,
        offers_call_back: false,
    }
    .described(crate::model::views::wall_ms(std::time::SystemTime::now()))
}

/// The journal, with a writer thread that applies updates in the order they happened.
#[derive(Clone, Debug)]
pub struct CallLog {
    journal: Arc<Journal>,
    writes: Sender<CallRecord>,
}

impl CallLog {
    pub fn new(journal: Arc<Journal>) -> Self {
        let (writes, queue) = channel::<CallRecord>();
        let writer = Arc::clone(&journal);
        let spawned = std::thread::Builder::new().name("call-journal".into()).spawn(move || {
            // Whatever queued up while the last write was on its way to the disk goes in one
            // transaction, so a burst of calls costs one sync, not one per update.
            while let Ok(first) = queue.recv() {
                let mut batch = vec![first];
                batch.extend(queue.try_iter().take(WRITE_BATCH - 1));
                if let Err(e) = writer.record_many(&batch) {
                    tracing::warn!(error = %e, calls = batch.len(), "calls not written to the journal");
                }
            }
        });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "no journal writer: calls will not be recorded");
        }
        Self { journal, writes }
    }

    /// Queues the call's current state for the journal.
    pub fn write(&self, record: CallRecord) {
        let _ = self.writes.send(record);
    }

    /// The newest ended or ongoing calls, for the tray and the Recent tab after a restart.
    pub fn recent(&self, limit: usize) -> Vec<CallView> {
        match self.journal.page(Filter::All, None, None, limit) {
            Ok(page) => page.records.iter().map(view_of).collect(),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the journal");
                Vec::new()
            }
        }
    }

    /// A page of the History view. The cursor is the journal's, passed through as JSON.
    ///
    /// # Errors
    ///
    /// `journal` when the database fails, `internal` for a cursor that is not one of ours.
    pub fn page(
        &self,
        filter: HistoryFilter,
        search: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<HistoryPage, AppError> {
        let cursor: Option<Cursor> = cursor
            .map(serde_json::from_str)
            .transpose()
            .map_err(|_| AppError::new(ErrorCode::Internal, "not a history cursor"))?;
        let search = search.map(str::trim).filter(|s| !s.is_empty());
        let page = self.journal.page(filter_of(filter), search, cursor.as_ref(), PAGE_SIZE).map_err(journal_error)?;
        let next_cursor = page
            .next_cursor
            .map(|c| serde_json::to_string(&c))
            .transpose()
            .map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))?;
        Ok(HistoryPage { calls: page.records.iter().map(view_of).collect(), next_cursor })
    }

    /// Writes the listed calls as CSV to `path`; returns how many.
    ///
    /// # Errors
    ///
    /// `journal` when the database or the file fails.
    pub fn export(
        &self,
        filter: HistoryFilter,
        search: Option<&str>,
        path: &std::path::Path,
    ) -> Result<usize, AppError> {
        let file = std::fs::File::create(path)
            .map_err(|e| AppError::new(ErrorCode::Journal, format!("cannot write {}: {e}", path.display())))?;
        let mut out = std::io::BufWriter::new(file);
        let search = search.map(str::trim).filter(|s| !s.is_empty());
        let count = self.journal.export_csv(filter_of(filter), search, &mut out).map_err(journal_error)?;
        std::io::Write::flush(&mut out).map_err(|e| AppError::new(ErrorCode::Journal, e.to_string()))?;
        Ok(count)
    }

    /// Keeps `note` as the outcome and note of the call `call_id` whose start is nearest
    /// `started_at_ms`; returns the call as now stored, `None` when the journal has no such call.
    ///
    /// # Errors
    ///
    /// `journal` when the database fails.
    pub fn annotate(&self, call_id: &str, started_at_ms: u64, note: &Note) -> Result<Option<CallRecord>, AppError> {
        self.journal.annotate(call_id, to_i64(started_at_ms), &note.outcome, &note.note).map_err(journal_error)
    }

    /// The newest journal call with this id (History rows outlive the in-memory board).
    pub fn find(&self, call_id: &str) -> Option<CallView> {
        match self.journal.latest(call_id) {
            Ok(found) => found.as_ref().map(view_of),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the journal");
                None
            }
        }
    }

    pub fn missed_unseen(&self) -> u32 {
        self.journal.missed_unseen().unwrap_or_else(|e| {
            tracing::warn!(error = %e, "cannot count missed calls");
            0
        })
    }

    pub fn mark_all_seen(&self) {
        if let Err(e) = self.journal.mark_all_seen() {
            tracing::warn!(error = %e, "cannot mark missed calls as seen");
        }
    }

    pub fn mark_seen_for_number(&self, number: &str) {
        if let Err(e) = self.journal.mark_seen_for_number(number) {
            tracing::warn!(error = %e, "cannot mark the called-back number as seen");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(id: &str) -> CallView {
        CallView {
            number: Some("0123456789".into()),
            name: Some("Alice Martin".into()),
            acd: Some("0900000171".into()),
            missed: true,
            started_at_ms: 1_800_000_000_000,
            ended_at_ms: Some(1_800_000_020_000),
            ring_ms: Some(20_000),
            talk_ms: Some(0),
            end_cause: Some("noAnswer".into()),
            outcome: None,
            note: None,
            ..crate::model::views::sample_call(id, CallStateView::Ended)
        }
    }

    #[test]
    fn a_call_survives_the_trip_through_the_journal() {
        let view = sample("-428");
        let log = CallLog::new(Arc::new(Journal::open_in_memory().expect("journal")));
        log.journal.record(&record_of(&view, Some("5985841581756135023"))).expect("written");
        let back = log.recent(10);
        assert_eq!(back, vec![CallView { call_type: None, ..view }.described(0)]);
        assert_eq!(log.missed_unseen(), 1);
        log.mark_seen_for_number("+33123456789");
        assert_eq!(log.missed_unseen(), 0);
    }

    #[test]
    fn a_queue_call_taken_elsewhere_is_still_told_so_when_read_back() {
        let log = CallLog::new(Arc::new(Journal::open_in_memory().expect("journal")));
        let view =
            CallView { taken_elsewhere: true, missed: false, end_cause: Some("transferred".into()), ..sample("-9") };
        log.journal.record(&record_of(&view, None)).expect("written");
        let back = log.recent(1);
        assert!(back[0].taken_elsewhere && !back[0].missed);
        assert_eq!(back[0].lines.outcome, "Taken by a colleague");
        assert_eq!(log.missed_unseen(), 0, "not counted among the missed calls");
    }

    #[test]
    fn history_pages_through_every_call_with_an_opaque_cursor() {
        let log = CallLog::new(Arc::new(Journal::open_in_memory().expect("journal")));
        for i in 0..120u64 {
            let mut record = record_of(&sample(&format!("-{i}")), None);
            record.started_at_ms = 1_800_000_000_000 + i64::try_from(i).unwrap_or(0) * 1000;
            log.journal.record(&record).expect("written");
        }
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = log.page(HistoryFilter::All, None, cursor.as_deref()).expect("page");
            seen.extend(page.calls.into_iter().map(|c| c.id));
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(seen.len(), 120);
        assert_eq!(seen[0], "-119", "newest first");
        assert!(log.page(HistoryFilter::All, None, Some("not a cursor")).is_err());
        let dir = std::env::temp_dir().join(format!("istra-export-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("calls.csv");
        assert_eq!(log.export(HistoryFilter::Missed, Some("ACME"), &path).expect("exported"), 120);
        assert!(std::fs::read_to_string(&path).expect("csv").lines().count() > 120);
        let _ = std::fs::remove_dir_all(dir);
    }
}
