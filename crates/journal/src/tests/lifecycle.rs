//! One call through its life: ringing, talking, ended; missed and seen.

use super::{DAY, MINUTE, MONDAY_9AM, all, answered, ended, missed, ringing};
use crate::store::merge;
use crate::{CallRecord, Direction, Filter, Journal};

fn journal() -> Journal {
    Journal::open_in_memory().expect("open")
}

#[test]
fn a_call_going_from_ringing_to_talking_to_ended_shows_as_one_line() {
    let journal = journal();
    let ring = ringing("-42", "+33 1 23 45 67 89", MONDAY_9AM);
    let talk = answered(&ring, 5_000);
    let done = ended(&talk, 65_000);
    for update in [&ring, &talk, &done] {
        journal.record(update).expect("record");
    }
    let calls = all(&journal, Filter::All, None);
    assert_eq!(calls, std::slice::from_ref(&done));
    assert_eq!(calls[0].talk_ms, Some(60_000));
    assert!(!calls[0].missed);
    assert_eq!(journal.missed_unseen().expect("count"), 0);
}

#[test]
fn a_late_ringing_update_does_not_reopen_an_ended_call() {
    let journal = journal();
    let ring = ringing("7", "0612345678", MONDAY_9AM);
    let done = ended(&ring, 30_000);
    journal.record(&done).expect("ended");
    journal.record(&answered(&ring, 4_000)).expect("stale talking");
    journal.record(&ring).expect("stale ringing");
    let calls = all(&journal, Filter::All, None);
    assert_eq!(calls, [done]);
    assert!(calls[0].missed, "still a missed call");
}

#[test]
fn details_that_arrive_after_the_end_are_still_shown() {
    let journal = journal();
    let done = ended(&ringing("8", "0612345678", MONDAY_9AM), 10_000);
    journal.record(&done).expect("ended");
    let late = CallRecord { contact_name: Some("Alice Martin".to_owned()), ..ringing("8", "0612345678", MONDAY_9AM) };
    journal.record(&late).expect("late name");
    let calls = all(&journal, Filter::All, None);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].contact_name.as_deref(), Some("Alice Martin"));
    assert_eq!(calls[0].ended_at_ms, done.ended_at_ms);
}

#[test]
fn a_missed_call_stays_seen_whatever_updates_follow() {
    let journal = journal();
    let call = missed("9", "0612345678", MONDAY_9AM);
    journal.record(&call).expect("missed");
    assert_eq!(journal.missed_unseen().expect("count"), 1);
    assert_eq!(journal.mark_all_seen().expect("mark"), 1);
    // The platform re-sends the end (seen = false in the update).
    journal.record(&call).expect("resent end");
    journal.record(&ringing("9", "0612345678", MONDAY_9AM)).expect("stale ringing");
    let calls = all(&journal, Filter::Missed, None);
    assert_eq!(calls.len(), 1);
    assert!(calls[0].seen, "seen was lost");
    assert_eq!(journal.missed_unseen().expect("count"), 0);
}

#[test]
fn the_same_call_id_on_another_day_is_another_call() {
    let journal = journal();
    journal.record(&missed("100", "0612345678", MONDAY_9AM)).expect("monday");
    journal.record(&ringing("100", "0698765432", MONDAY_9AM + DAY + MINUTE)).expect("tuesday");
    let calls = all(&journal, Filter::All, None);
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].number.as_deref(), Some("0698765432"));
    assert_eq!(journal.missed_unseen().expect("count"), 1);
}

#[test]
fn a_call_id_reused_after_the_call_ended_is_another_call() {
    let journal = journal();
    journal.record(&missed("5", "0612345678", MONDAY_9AM)).expect("first");
    journal.record(&ringing("5", "0698765432", MONDAY_9AM + 10 * MINUTE)).expect("second");
    assert_eq!(all(&journal, Filter::All, None).len(), 2);
}

#[test]
fn an_answered_call_is_not_missed_and_an_outgoing_call_never_is() {
    let journal = journal();
    let incoming = ringing("1", "0611111111", MONDAY_9AM);
    journal.record(&ended(&answered(&incoming, 3_000), 60_000)).expect("answered");
    let outgoing = CallRecord { direction: Direction::Outgoing, ..ringing("2", "0622222222", MONDAY_9AM + MINUTE) };
    journal.record(&ended(&outgoing, 15_000)).expect("unanswered outgoing");
    assert!(all(&journal, Filter::Missed, None).is_empty());
    assert_eq!(journal.missed_unseen().expect("count"), 0);
}

#[test]
fn marking_everything_seen_clears_the_badge_and_says_how_many_changed() {
    let journal = journal();
    for i in 0..3 {
        journal.record(&missed(&i.to_string(), "0612345678", MONDAY_9AM + i * MINUTE)).expect("missed");
    }
    journal.record(&ended(&answered(&ringing("9", "0600000000", MONDAY_9AM), 1), 2)).expect("answered");
    assert_eq!(journal.missed_unseen().expect("count"), 3);
    assert_eq!(journal.mark_all_seen().expect("mark"), 3);
    assert_eq!(journal.missed_unseen().expect("count"), 0);
    assert_eq!(journal.mark_all_seen().expect("mark again"), 0);
}

#[test]
fn calling_a_number_back_marks_only_its_missed_calls_seen() {
    let journal = journal();
    let with_e164 = |id: &str, number: &str, e164: &str, at: i64| CallRecord {
        e164: Some(e164.to_owned()),
        ..missed(id, number, at)
    };
    journal.record(&with_e164("1", "01 23 45 67 89", "+33123456789", MONDAY_9AM)).expect("a");
    journal.record(&missed("2", "+33 1 23 45 67 89", MONDAY_9AM + MINUTE)).expect("b");
    journal.record(&with_e164("3", "06 12 34 56 78", "+33612345678", MONDAY_9AM + 2 * MINUTE)).expect("c");
    assert_eq!(journal.missed_unseen().expect("count"), 3);

    // By E.164: matches call 1 (e164 column) and call 2 (same digits).
    assert_eq!(journal.mark_seen_for_number("+33123456789").expect("mark"), 2);
    assert_eq!(journal.missed_unseen().expect("count"), 1);
    // By the number as dialled, with other punctuation.
    assert_eq!(journal.mark_seen_for_number("06.12.34.56.78").expect("mark"), 1);
    assert_eq!(journal.missed_unseen().expect("count"), 0);
    assert_eq!(journal.mark_seen_for_number("+33123456789").expect("again"), 0);
    assert_eq!(journal.mark_seen_for_number("   ").expect("blank"), 0);
}

#[test]
fn calling_back_another_number_leaves_the_badge_alone() {
    let journal = journal();
    journal.record(&missed("1", "0612345678", MONDAY_9AM)).expect("missed");
    assert_eq!(journal.mark_seen_for_number("0698765432").expect("mark"), 0);
    assert_eq!(journal.mark_seen_for_number("12345678").expect("partial digits"), 0);
    assert_eq!(journal.missed_unseen().expect("count"), 1);
}

#[test]
fn merge_keeps_the_first_start_time_and_fills_gaps_from_the_stored_row() {
    let stored = CallRecord { label: Some("Reception".to_owned()), ..ringing("1", "0612345678", MONDAY_9AM) };
    let update = CallRecord { label: None, ..answered(&ringing("1", "0612345678", MONDAY_9AM + 800), 2_000) };
    let merged = merge(&stored, &update);
    assert_eq!(merged.started_at_ms, MONDAY_9AM);
    assert_eq!(merged.label.as_deref(), Some("Reception"));
    assert_eq!(merged.answered_at_ms, update.answered_at_ms);
}

#[test]
fn the_newest_call_with_an_id_is_found_again_for_a_call_back() {
    let journal = journal();
    let monday = missed("9", "+33 1 23 45 67 89", MONDAY_9AM);
    let tuesday = missed("9", "+49 30 123456", MONDAY_9AM + DAY);
    journal.record(&monday).expect("monday");
    journal.record(&tuesday).expect("tuesday");
    assert_eq!(journal.latest("9").expect("read"), Some(tuesday));
    assert_eq!(journal.latest("10").expect("read"), None);
}
