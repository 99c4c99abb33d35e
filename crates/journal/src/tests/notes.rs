//! A note and an outcome written after a call: stored on the call's row, kept when the call's
//! updates come in late, searchable, exported, and brought in by a schema migration.

use super::{DAY, MINUTE, MONDAY_9AM, TempDir, all, answered, ended, ringing};
use crate::{Filter, Journal};

#[test]
fn a_note_and_outcome_land_on_the_call_and_survive_its_late_updates() {
    let journal = Journal::open_in_memory().expect("open");
    let call = answered(&ringing("42", "0612345678", MONDAY_9AM), 2_000);
    journal.record(&call).expect("answered");
    // The id repeats the next day: the note goes to the call whose start is nearest.
    journal.record(&ended(&ringing("42", "0699999999", MONDAY_9AM + DAY + MINUTE), 9_000)).expect("next day");

    let noted = journal
        .annotate("42", MONDAY_9AM + 500, "Call back", "Wants the price list\nby Friday")
        .expect("annotate")
        .expect("found");
    assert_eq!(noted.number.as_deref(), Some("0612345678"));
    assert_eq!(noted.outcome.as_deref(), Some("Call back"));

    // The call ends after the note was written: the note stays.
    journal.record(&ended(&call, 60_000)).expect("ended");
    let stored = journal.latest("42").expect("latest");
    assert_eq!(stored.and_then(|c| c.outcome), None, "the newest call with id 42 is the next day's");
    let monday = all(&journal, Filter::All, Some("price list"));
    assert_eq!(monday.len(), 1, "the note is searchable");
    assert_eq!(monday[0].note.as_deref(), Some("Wants the price list\nby Friday"));
    assert!(monday[0].is_ended());
    assert_eq!(all(&journal, Filter::All, Some("CALL BACK")).len(), 1, "the outcome is searchable");

    // Cleared: empty text is no note.
    let cleared = journal.annotate("42", MONDAY_9AM, "", "").expect("clear").expect("found");
    assert_eq!((cleared.outcome, cleared.note), (None, None));
    assert!(all(&journal, Filter::All, Some("price list")).is_empty());
}

#[test]
fn a_note_for_a_call_the_journal_does_not_have_changes_nothing() {
    let journal = Journal::open_in_memory().expect("open");
    journal.record(&ringing("1", "0612345678", MONDAY_9AM)).expect("record");
    assert_eq!(journal.annotate("2", MONDAY_9AM, "Resolved", "x").expect("annotate"), None);
    assert_eq!(journal.annotate("1", MONDAY_9AM + 2 * DAY, "Resolved", "x").expect("annotate"), None);
    assert_eq!(all(&journal, Filter::All, Some("resolved")).len(), 0);
}

#[test]
fn the_export_ends_each_line_with_the_outcome_and_the_note() {
    let journal = Journal::open_in_memory().expect("open");
    journal.record(&ended(&answered(&ringing("5", "0612345678", MONDAY_9AM), 1_000), 30_000)).expect("record");
    journal.annotate("5", MONDAY_9AM, "Quote sent", "=SUM(A1) \"urgent\", then email").expect("annotate");
    let mut out = Vec::new();
    journal.export_csv(Filter::All, None, &mut out).expect("export");
    let text = String::from_utf8(out).expect("utf-8");
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert!(lines[0].ends_with(",started_at_ms,outcome,note"), "{}", lines[0]);
    assert!(lines[1].ends_with(",1714986000000,Quote sent,\"'=SUM(A1) \"\"urgent\"\", then email\""), "{}", lines[1]);
}

#[test]
fn a_journal_from_before_notes_keeps_its_calls_and_takes_notes() {
    let dir = TempDir::new();
    let path = dir.path().join("journal.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).expect("raw");
        conn.execute_batch(&crate::schema::steps_up_to(3)).expect("version 3");
        conn.execute_batch(
            "INSERT INTO calls (call_id, direction, number, started_at_ms, digits, search_text)
                 VALUES ('9', 'incoming', '0612345678', 1714986000000, '0612345678', '0612345678');
             PRAGMA user_version = 3;",
        )
        .expect("seed");
    }
    let journal = Journal::open(&path).expect("upgrade");
    let old = journal.latest("9").expect("read").expect("kept");
    assert_eq!((old.outcome, old.note), (None, None));
    journal.annotate("9", MONDAY_9AM, "Resolved", "Sent the invoice again").expect("annotate");
    assert_eq!(all(&journal, Filter::All, Some("invoice")).len(), 1);
    assert_eq!(all(&journal, Filter::All, Some("0612")).len(), 1, "the number is still found");
}
