//! CSV export of the History view.
//!
//! This module owns the export's column layout, RFC 4180 quoting, the guard
//! against spreadsheet formula injection (a cell starting with `=`, `+`,
//! `-`, `@`, tab or carriage return gets a leading `'`) and the rendering of
//! timestamps as UTC ISO 8601.

use std::io::Write;

use crate::CallRecord;

/// The header line's cells, in column order.
const HEADER: [&str; 19] = [
    "call_id",
    "terminal_id",
    "direction",
    "number",
    "e164",
    "label",
    "contact_name",
    "acd",
    "started_at_utc",
    "answered_at_utc",
    "ended_at_utc",
    "ring_ms",
    "talk_ms",
    "end_cause",
    "missed",
    "seen",
    "started_at_ms",
    "outcome",
    "note",
];

/// Writes the header line.
pub(crate) fn write_header(out: &mut impl Write) -> std::io::Result<()> {
    write_line(out, HEADER.iter().map(|cell| (*cell).to_owned()))
}

/// Writes one call as one line.
pub(crate) fn write_record(out: &mut impl Write, record: &CallRecord) -> std::io::Result<()> {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let time = |value: Option<i64>| value.map(iso_utc).unwrap_or_default();
    let number = |value: Option<i64>| value.map(|v| v.to_string()).unwrap_or_default();
    let yes_no = |value: bool| if value { "yes" } else { "no" }.to_owned();
    write_line(
        out,
        [
            record.call_id.clone(),
            text(&record.terminal_id),
            record.direction.as_str().to_owned(),
            text(&record.number),
            text(&record.e164),
            text(&record.label),
            text(&record.contact_name),
            text(&record.acd),
            iso_utc(record.started_at_ms),
            time(record.answered_at_ms),
            time(record.ended_at_ms),
            number(record.ring_ms),
            number(record.talk_ms),
            text(&record.end_cause),
            yes_no(record.missed),
            yes_no(record.seen),
            record.started_at_ms.to_string(),
            text(&record.outcome),
            text(&record.note),
        ],
    )
}

/// Writes cells separated by commas and ended by CRLF.
fn write_line(out: &mut impl Write, cells: impl IntoIterator<Item = String>) -> std::io::Result<()> {
    let mut line = String::new();
    for (index, cell) in cells.into_iter().enumerate() {
        if index > 0 {
            line.push(',');
        }
        push_cell(&mut line, &cell);
    }
    line.push_str("\r\n");
    out.write_all(line.as_bytes())
}

/// Appends one cell, defused and quoted as needed.
pub(crate) fn push_cell(line: &mut String, cell: &str) {
    let defuse = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = cell.contains([',', '"', '\r', '\n']);
    if quote {
        line.push('"');
    }
    if defuse {
        line.push('\'');
    }
    for c in cell.chars() {
        if c == '"' {
            line.push('"');
        }
        line.push(c);
    }
    if quote {
        line.push('"');
    }
}

/// Renders Unix epoch milliseconds as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
pub(crate) fn iso_utc(epoch_ms: i64) -> String {
    let seconds = epoch_ms.div_euclid(1000);
    let (year, month, day) = date_of_day(seconds.div_euclid(86_400));
    let of_day = seconds.rem_euclid(86_400);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", of_day / 3600, of_day % 3600 / 60, of_day % 60)
}

/// The proleptic Gregorian (year, month, day) of a day counted from
/// 1970-01-01, working in 400-year cycles that start on 1 March so the
/// leap day falls at the end of each year.
fn date_of_day(day: i64) -> (i64, i64, i64) {
    const DAYS_PER_CYCLE: i64 = 146_097;
    // Days from 0000-03-01 to 1970-01-01.
    let day = day + 719_468;
    let cycle = day.div_euclid(DAYS_PER_CYCLE);
    let day_of_cycle = day.rem_euclid(DAYS_PER_CYCLE);
    let year_of_cycle =
        (day_of_cycle - day_of_cycle / 1460 + day_of_cycle / 36_524 - day_of_cycle / (DAYS_PER_CYCLE - 1)) / 365;
    let day_of_year = day_of_cycle - (365 * year_of_cycle + year_of_cycle / 4 - year_of_cycle / 100);
    // Months counted from March: 0 = March … 11 = February.
    let march_month = (5 * day_of_year + 2) / 153;
    let day_of_month = day_of_year - (153 * march_month + 2) / 5 + 1;
    let month = if march_month < 10 { march_month + 3 } else { march_month - 9 };
    let year = cycle * 400 + year_of_cycle + i64::from(month <= 2);
    (year, month, day_of_month)
}
