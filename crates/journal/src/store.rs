//! Writing calls: the upsert that folds every update of one call into one row.
//!
//! This module owns the rules for matching an update to an existing row
//! (same platform call id, started within a day, not a reuse of the id after
//! that call ended) and for merging the two (`seen` is never lost, an ended
//! call never goes back to ringing, late details such as the contact name
//! are still taken).

use rusqlite::{Connection, OptionalExtension, Row, named_params};

use crate::CallRecord;

/// Platform call ids repeat over days; updates further apart than this are
/// different calls.
const SAME_CALL_WINDOW_MS: i64 = 24 * 60 * 60 * 1000;

/// The columns every read selects, in the order [`from_row`] expects.
pub(crate) const COLUMNS: &str = "id, call_id, terminal_id, direction, number, e164, label, contact_name, acd, \
     started_at_ms, answered_at_ms, ended_at_ms, ring_ms, talk_ms, end_cause, missed, seen, outcome, note";

/// Reads a row selected with [`COLUMNS`] into its rowid and record.
pub(crate) fn from_row(row: &Row<'_>) -> rusqlite::Result<(i64, CallRecord)> {
    let record = CallRecord {
        call_id: row.get(1)?,
        terminal_id: row.get(2)?,
        direction: row.get(3)?,
        number: row.get(4)?,
        e164: row.get(5)?,
        label: row.get(6)?,
        contact_name: row.get(7)?,
        acd: row.get(8)?,
        started_at_ms: row.get(9)?,
        answered_at_ms: row.get(10)?,
        ended_at_ms: row.get(11)?,
        ring_ms: row.get(12)?,
        talk_ms: row.get(13)?,
        end_cause: row.get(14)?,
        missed: row.get(15)?,
        seen: row.get(16)?,
        outcome: row.get(17)?,
        note: row.get(18)?,
    };
    Ok((row.get(0)?, record))
}

/// Stores one call update: updates the row of the same call in place, or
/// inserts a new row. The caller runs this inside a transaction.
pub(crate) fn upsert(conn: &Connection, update: &CallRecord) -> rusqlite::Result<()> {
    match find_same_call(conn, update)? {
        Some((rowid, stored)) => write(conn, Some(rowid), &merge(&stored, update)),
        None => write(conn, None, update),
    }
}

/// The newest row that is the same call as `update`, if any.
fn find_same_call(conn: &Connection, update: &CallRecord) -> rusqlite::Result<Option<(i64, CallRecord)>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM calls
         WHERE call_id = :call_id AND started_at_ms > :from AND started_at_ms < :until
         ORDER BY started_at_ms DESC, id DESC LIMIT 1"
    );
    let found = conn
        .prepare_cached(&sql)?
        .query_row(
            named_params! {
                ":call_id": update.call_id,
                ":from": update.started_at_ms.saturating_sub(SAME_CALL_WINDOW_MS),
                ":until": update.started_at_ms.saturating_add(SAME_CALL_WINDOW_MS),
            },
            from_row,
        )
        .optional()?;
    // A call that starts after the stored one ended reuses the id: new row.
    Ok(found.filter(|(_, stored)| stored.ended_at_ms.is_none_or(|ended| update.started_at_ms <= ended)))
}

/// Folds a new update of a call into what is stored for it.
pub(crate) fn merge(stored: &CallRecord, update: &CallRecord) -> CallRecord {
    let stale = stored.is_ended() && !update.is_ended();
    // Lifecycle fields come from the newest report, unless that report is a
    // stale "still ringing/talking" arriving after the end was recorded: then
    // the stored end stands as it is.
    let time = |new: Option<i64>, old: Option<i64>| if stale { old } else { new.or(old) };
    let life = if stale { stored } else { update };
    CallRecord {
        call_id: stored.call_id.clone(),
        terminal_id: update.terminal_id.clone().or_else(|| stored.terminal_id.clone()),
        direction: life.direction,
        number: update.number.clone().or_else(|| stored.number.clone()),
        e164: update.e164.clone().or_else(|| stored.e164.clone()),
        label: update.label.clone().or_else(|| stored.label.clone()),
        contact_name: update.contact_name.clone().or_else(|| stored.contact_name.clone()),
        acd: update.acd.clone().or_else(|| stored.acd.clone()),
        started_at_ms: stored.started_at_ms,
        answered_at_ms: time(update.answered_at_ms, stored.answered_at_ms),
        ended_at_ms: time(update.ended_at_ms, stored.ended_at_ms),
        ring_ms: time(update.ring_ms, stored.ring_ms),
        talk_ms: time(update.talk_ms, stored.talk_ms),
        end_cause: if stale {
            stored.end_cause.clone()
        } else {
            update.end_cause.clone().or_else(|| stored.end_cause.clone())
        },
        missed: life.missed,
        seen: stored.seen || update.seen,
        // Call updates carry no note: what the desk worker wrote stays.
        outcome: update.outcome.clone().or_else(|| stored.outcome.clone()),
        note: update.note.clone().or_else(|| stored.note.clone()),
    }
}

/// Sets the outcome and note (empty text: none) of the call `call_id` whose start is nearest
/// `started_at_ms`, within a day; returns the call as now stored, `None` when there is no such
/// call. The caller runs this inside a transaction.
pub(crate) fn annotate(
    conn: &Connection,
    call_id: &str,
    started_at_ms: i64,
    outcome: &str,
    note: &str,
) -> rusqlite::Result<Option<CallRecord>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM calls
         WHERE call_id = :call_id AND started_at_ms > :from AND started_at_ms < :until
         ORDER BY abs(started_at_ms - :at), id DESC LIMIT 1"
    );
    let found = conn
        .prepare_cached(&sql)?
        .query_row(
            named_params! {
                ":call_id": call_id,
                ":from": started_at_ms.saturating_sub(SAME_CALL_WINDOW_MS),
                ":until": started_at_ms.saturating_add(SAME_CALL_WINDOW_MS),
                ":at": started_at_ms,
            },
            from_row,
        )
        .optional()?;
    let Some((rowid, stored)) = found else {
        return Ok(None);
    };
    let text = |value: &str| Some(value.to_owned()).filter(|value| !value.is_empty());
    let noted = CallRecord { outcome: text(outcome), note: text(note), ..stored };
    write(conn, Some(rowid), &noted)?;
    Ok(Some(noted))
}

/// Inserts `record` (no rowid) or overwrites the row `rowid`.
fn write(conn: &Connection, rowid: Option<i64>, record: &CallRecord) -> rusqlite::Result<()> {
    const INSERT: &str = "INSERT INTO calls (
            call_id, terminal_id, direction, number, e164, label, contact_name, acd,
            started_at_ms, answered_at_ms, ended_at_ms, ring_ms, talk_ms, end_cause,
            missed, seen, outcome, note, digits, search_text, id)
        VALUES (:call_id, :terminal_id, :direction, :number, :e164, :label, :contact_name, :acd,
            :started_at_ms, :answered_at_ms, :ended_at_ms, :ring_ms, :talk_ms, :end_cause,
            :missed, :seen, :outcome, :note, :digits, :search_text, :id)";
    const UPDATE: &str = "UPDATE calls SET
            call_id = :call_id, terminal_id = :terminal_id, direction = :direction, number = :number,
            e164 = :e164, label = :label, contact_name = :contact_name, acd = :acd,
            started_at_ms = :started_at_ms, answered_at_ms = :answered_at_ms, ended_at_ms = :ended_at_ms,
            ring_ms = :ring_ms, talk_ms = :talk_ms, end_cause = :end_cause,
            missed = :missed, seen = :seen, outcome = :outcome, note = :note,
            digits = :digits, search_text = :search_text
        WHERE id = :id";
    let sql = if rowid.is_some() { UPDATE } else { INSERT };
    conn.prepare_cached(sql)?.execute(named_params! {
        ":call_id": record.call_id,
        ":terminal_id": record.terminal_id,
        ":direction": record.direction,
        ":number": record.number,
        ":e164": record.e164,
        ":label": record.label,
        ":contact_name": record.contact_name,
        ":acd": record.acd,
        ":started_at_ms": record.started_at_ms,
        ":answered_at_ms": record.answered_at_ms,
        ":ended_at_ms": record.ended_at_ms,
        ":ring_ms": record.ring_ms,
        ":talk_ms": record.talk_ms,
        ":end_cause": record.end_cause,
        ":missed": record.missed,
        ":seen": record.seen,
        ":outcome": record.outcome,
        ":note": record.note,
        ":digits": record.digits(),
        ":search_text": record.search_text(),
        ":id": rowid,
    })?;
    Ok(())
}
