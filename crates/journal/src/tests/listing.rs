//! The History view: filters, search and paging.

use std::collections::HashSet;

use super::{MINUTE, MONDAY_9AM, all, answered, ended, ids, missed, ringing};
use crate::{CallRecord, Cursor, Direction, Filter, Journal};

/// Four calls: a missed one, an answered incoming one, two outgoing ones.
fn small_history() -> Journal {
    let journal = Journal::open_in_memory().expect("open");
    let named = |call: CallRecord, name: &str, label: &str| CallRecord {
        contact_name: Some(name.to_owned()),
        label: Some(label.to_owned()),
        ..call
    };
    let calls = [
        named(missed("m1", "+33 1 23 45 67 89", MONDAY_9AM), "Élodie Durand", "Reception"),
        named(ended(&answered(&ringing("i1", "06 98 76 54 32", MONDAY_9AM + MINUTE), 2_000), 9_000), "Bob", "Sales"),
        CallRecord { direction: Direction::Outgoing, ..ringing("o1", "0499 887 766", MONDAY_9AM + 2 * MINUTE) },
        CallRecord {
            direction: Direction::Outgoing,
            e164: Some("+14155550100".to_owned()),
            ..named(ringing("o2", "(415) 555-0100", MONDAY_9AM + 3 * MINUTE), "ACME Support", "100% real_deal")
        },
    ];
    for call in &calls {
        journal.record(call).expect("record");
    }
    journal
}

#[test]
fn filters_show_only_the_calls_asked_for() {
    let journal = small_history();
    assert_eq!(ids(&journal, Filter::All, None), ["o2", "o1", "i1", "m1"]);
    assert_eq!(ids(&journal, Filter::Missed, None), ["m1"]);
    assert_eq!(ids(&journal, Filter::Incoming, None), ["i1", "m1"]);
    assert_eq!(ids(&journal, Filter::Outgoing, None), ["o2", "o1"]);
    assert_eq!(Filter::default(), Filter::All);
}

#[test]
fn search_finds_a_contact_by_part_of_the_name_in_any_case() {
    let journal = small_history();
    assert_eq!(ids(&journal, Filter::All, Some("acme")), ["o2"]);
    assert_eq!(ids(&journal, Filter::All, Some("SUPP")), ["o2"]);
    assert_eq!(ids(&journal, Filter::All, Some("élodie")), ["m1"]);
    assert_eq!(ids(&journal, Filter::All, Some("ÉLODIE")), ["m1"]);
    assert_eq!(ids(&journal, Filter::All, Some("  bob ")), ["i1"]);
    assert_eq!(ids(&journal, Filter::All, Some("sales")), ["i1"]);
}

#[test]
fn search_finds_a_number_by_a_few_digits_whatever_its_formatting() {
    let journal = small_history();
    assert_eq!(ids(&journal, Filter::All, Some("4567")), ["m1"]);
    assert_eq!(ids(&journal, Filter::All, Some("45 67")), ["m1"]);
    assert_eq!(ids(&journal, Filter::All, Some("5550100")), ["o2"]);
    assert_eq!(ids(&journal, Filter::All, Some("+1415")), ["o2"]);
    assert_eq!(ids(&journal, Filter::All, Some("887766")), ["o1"]);
    assert_eq!(ids(&journal, Filter::All, Some("0698")), ["i1"]);
    assert!(ids(&journal, Filter::All, Some("99999")).is_empty());
}

#[test]
fn search_and_filter_combine() {
    let journal = small_history();
    assert_eq!(ids(&journal, Filter::Incoming, Some("4")), ["i1", "m1"]);
    assert_eq!(ids(&journal, Filter::Missed, Some("bob")), Vec::<String>::new());
    assert_eq!(ids(&journal, Filter::Outgoing, Some("0")), ["o2", "o1"]);
}

#[test]
fn a_blank_search_lists_everything() {
    let journal = small_history();
    assert_eq!(ids(&journal, Filter::All, Some("")).len(), 4);
    assert_eq!(ids(&journal, Filter::All, Some(" \t ")).len(), 4);
}

#[test]
fn odd_characters_in_a_search_are_taken_literally() {
    let journal = small_history();
    assert_eq!(ids(&journal, Filter::All, Some("100%")), ["o2"]);
    assert_eq!(ids(&journal, Filter::All, Some("real_deal")), ["o2"]);
    assert_eq!(ids(&journal, Filter::All, Some("(415)")), ["o2"]);
    // Not LIKE wildcards: each matches only the label that holds it.
    assert_eq!(ids(&journal, Filter::All, Some("%")), ["o2"]);
    assert_eq!(ids(&journal, Filter::All, Some("_")), ["o2"]);
    let hostile = [
        "%%_%".to_owned(),
        "\\".to_owned(),
        "'".to_owned(),
        "\"".to_owned(),
        "' OR 1=1 --".to_owned(),
        "\"); DROP TABLE calls; --".to_owned(),
        "line\nbreak".to_owned(),
        "\u{1f}".to_owned(),
        "sales\u{1f}bob".to_owned(),
        "\0".to_owned(),
        "x".repeat(10_000),
        "4".repeat(10_000),
    ];
    for search in &hostile {
        let page = journal.page(Filter::All, Some(search), None, 50).expect("hostile search must not fail");
        assert!(page.records.is_empty(), "{:?} matched {:?}", &search[..search.len().min(20)], page.records);
    }
    assert_eq!(ids(&journal, Filter::All, None).len(), 4, "table still intact");
}

#[test]
fn paging_through_history_shows_every_call_exactly_once_newest_first() {
    let journal = Journal::open_in_memory().expect("open");
    // Several calls share a start time, so the rowid has to break ties.
    let calls: Vec<CallRecord> =
        (0..137_i64).map(|i| ringing(&format!("c{i}"), &format!("06{i:08}"), MONDAY_9AM + (i / 3) * 1_000)).collect();
    journal.record_many(&calls).expect("record");
    for limit in [1, 7, 50, 136, 137, 500] {
        let mut seen = Vec::new();
        let mut cursor: Option<Cursor> = None;
        let mut pages = 0;
        loop {
            let page = journal.page(Filter::All, None, cursor.as_ref(), limit).expect("page");
            assert!(page.records.len() <= limit);
            pages += 1;
            seen.extend(page.records.into_iter().map(|record| (record.started_at_ms, record.call_id)));
            match page.next_cursor {
                // The cursor survives a trip through the UI as JSON.
                Some(next) => {
                    let json = serde_json::to_string(&next).expect("to json");
                    cursor = Some(serde_json::from_str(&json).expect("from json"));
                }
                None => break,
            }
        }
        assert_eq!(seen.len(), 137, "limit {limit}");
        assert_eq!(seen.iter().map(|(_, id)| id).collect::<HashSet<_>>().len(), 137, "duplicates with limit {limit}");
        assert!(seen.windows(2).all(|pair| pair[0].0 >= pair[1].0), "not newest first with limit {limit}");
        assert_eq!(pages, 137_usize.div_ceil(limit), "limit {limit}");
    }
}

#[test]
fn calls_recorded_while_paging_do_not_shift_later_pages() {
    let journal = Journal::open_in_memory().expect("open");
    for i in 0..10 {
        journal.record(&ringing(&format!("c{i}"), "0600000000", MONDAY_9AM + i * MINUTE)).expect("record");
    }
    let first = journal.page(Filter::All, None, None, 4).expect("first");
    journal.record(&ringing("new", "0600000000", MONDAY_9AM + 60 * MINUTE)).expect("new call");
    let rest = all_after(&journal, first.next_cursor.expect("more"));
    let mut ids: Vec<String> = first.records.into_iter().chain(rest).map(|record| record.call_id).collect();
    ids.reverse();
    assert_eq!(ids, (0..10).map(|i| format!("c{i}")).collect::<Vec<_>>());
}

fn all_after(journal: &Journal, cursor: Cursor) -> Vec<CallRecord> {
    let mut out = Vec::new();
    let mut cursor = Some(cursor);
    while let Some(current) = cursor {
        let page = journal.page(Filter::All, None, Some(&current), 3).expect("page");
        out.extend(page.records);
        cursor = page.next_cursor;
    }
    out
}

#[test]
fn page_size_is_kept_between_1_and_500() {
    let journal = Journal::open_in_memory().expect("open");
    let calls: Vec<CallRecord> =
        (0..520_i64).map(|i| ringing(&i.to_string(), "0600000000", MONDAY_9AM + i * 1_000)).collect();
    journal.record_many(&calls).expect("record");
    let zero = journal.page(Filter::All, None, None, 0).expect("limit 0");
    assert_eq!(zero.records.len(), 1);
    assert!(zero.next_cursor.is_some());
    let huge = journal.page(Filter::All, None, None, usize::MAX).expect("huge limit");
    assert_eq!(huge.records.len(), 500);
    assert_eq!(all(&journal, Filter::All, None).len(), 520);
}

#[test]
fn records_serialize_as_the_ui_expects() {
    let call = ringing("-3", "0600000000", MONDAY_9AM);
    let json = serde_json::to_value(&call).expect("json");
    assert_eq!(json["callId"], "-3");
    assert_eq!(json["direction"], "incoming");
    assert_eq!(json["startedAtMs"], MONDAY_9AM);
    assert_eq!(json["contactName"], serde_json::Value::Null);
    assert_eq!(serde_json::to_value(Filter::Missed).expect("filter"), "missed");
}
