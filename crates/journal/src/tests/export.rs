//! CSV export: what a spreadsheet opening the file shows.

use super::{MINUTE, MONDAY_9AM, answered, ended, missed, ringing};
use crate::csv::{iso_utc, push_cell};
use crate::{CallRecord, Filter, Journal, JournalError};

fn cell(text: &str) -> String {
    let mut line = String::new();
    push_cell(&mut line, text);
    line
}

#[test]
fn cells_are_quoted_the_way_spreadsheets_expect() {
    assert_eq!(cell("plain"), "plain");
    assert_eq!(cell(""), "");
    assert_eq!(cell("Martin, Alice"), "\"Martin, Alice\"");
    assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(cell("two\nlines"), "\"two\nlines\"");
    assert_eq!(cell("cr\rlf"), "\"cr\rlf\"");
}

#[test]
fn cells_that_look_like_formulas_are_defused() {
    assert_eq!(cell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
    assert_eq!(cell("+33123456789"), "'+33123456789");
    assert_eq!(cell("-42"), "'-42");
    assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
    assert_eq!(cell("\tcmd"), "'\tcmd");
    assert_eq!(cell("a=b"), "a=b");
}

#[test]
fn timestamps_are_written_as_utc_dates() {
    assert_eq!(iso_utc(0), "1970-01-01T00:00:00Z");
    assert_eq!(iso_utc(MONDAY_9AM), "2024-05-06T09:00:00Z");
    assert_eq!(iso_utc(951_782_400_000), "2000-02-29T00:00:00Z");
    assert_eq!(iso_utc(4_107_542_399_999), "2100-02-28T23:59:59Z");
    assert_eq!(iso_utc(-1), "1969-12-31T23:59:59Z");
}

#[test]
fn the_export_has_a_header_and_one_line_per_matching_call() {
    let journal = Journal::open_in_memory().expect("open");
    let evil = CallRecord {
        contact_name: Some("=cmd|' /C calc'!A0".to_owned()),
        label: Some("Dupont, \"Jean\"\nSecond line".to_owned()),
        e164: Some("+33612345678".to_owned()),
        ..missed("-7", "06 12 34 56 78", MONDAY_9AM)
    };
    journal.record(&evil).expect("record");
    journal.record(&ended(&answered(&ringing("8", "0698765432", MONDAY_9AM + MINUTE), 1_000), 5_000)).expect("b");

    let mut out = Vec::new();
    assert_eq!(journal.export_csv(Filter::All, None, &mut out).expect("export"), 2);
    let text = String::from_utf8(out).expect("utf-8");
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines.len(), 4, "header, two calls, empty tail: {text:?}");
    assert!(lines[0].starts_with("call_id,terminal_id,direction,number,e164,label,contact_name,"));
    assert!(lines[1].starts_with("8,term-1,incoming,0698765432,,,,,2024-05-06T09:01:00Z,2024-05-06T09:01:01Z,"));
    assert_eq!(lines[3], "");
    let missed_line = lines[2];
    assert!(missed_line.starts_with("'-7,term-1,incoming,06 12 34 56 78,'+33612345678,"), "{missed_line}");
    assert!(missed_line.contains(",\"Dupont, \"\"Jean\"\"\nSecond line\",'=cmd|' /C calc'!A0,"), "{missed_line}");
    assert!(missed_line.contains(",yes,no,1714986000000"), "{missed_line}");
}

#[test]
fn the_export_follows_filter_and_search_and_covers_long_histories() {
    let journal = Journal::open_in_memory().expect("open");
    let calls: Vec<CallRecord> = (0..1_203_i64)
        .map(|i| {
            let call = ringing(&i.to_string(), &format!("06{i:08}"), MONDAY_9AM + i * MINUTE);
            if i % 4 == 0 { missed(&i.to_string(), &format!("06{i:08}"), MONDAY_9AM + i * MINUTE) } else { call }
        })
        .collect();
    journal.record_many(&calls).expect("record");
    let mut sink = Vec::new();
    assert_eq!(journal.export_csv(Filter::All, None, &mut sink).expect("all"), 1_203);
    let mut sink = Vec::new();
    assert_eq!(journal.export_csv(Filter::Missed, None, &mut sink).expect("missed"), 301);
    let mut sink = Vec::new();
    assert_eq!(journal.export_csv(Filter::All, Some("060000012"), &mut sink).expect("search"), 10);
}

struct BrokenPipe;

impl std::io::Write for BrokenPipe {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::new(std::io::ErrorKind::BrokenPipe, "disk gone"))
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_failing_export_destination_is_reported() {
    let journal = Journal::open_in_memory().expect("open");
    let err = journal.export_csv(Filter::All, None, &mut BrokenPipe).expect_err("write fails");
    assert!(matches!(err, JournalError::Storage(_)), "got {err:?}");
}
