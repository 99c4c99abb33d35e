//! Reading calls: the History view's filtered, searched, keyset-paged list.
//!
//! This module owns how a [`Filter`], a search string and a [`Cursor`] turn
//! into one parameterised SQL query. User text only ever reaches SQLite as a
//! bound parameter and is matched with `instr`, so quotes, `%`, `_` and
//! backslashes in a search are plain characters.

use rusqlite::{Connection, params_from_iter, types::Value};

use crate::record::{FIELD_SEPARATOR, digits_of};
use crate::store::{COLUMNS, from_row};
use crate::{Cursor, Filter, Page};

/// The most calls one page may hold.
pub(crate) const MAX_LIMIT: usize = 500;

/// A search string prepared for matching.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Needle {
    /// Lower-cased text to find in number, E.164, label or contact name.
    pub(crate) text: String,
    /// Digits to find in the digits-only number, when the search looks like
    /// (part of) a phone number.
    pub(crate) digits: Option<String>,
}

impl Needle {
    /// Prepares `search`; `None` when there is nothing to search for.
    pub(crate) fn parse(search: Option<&str>) -> Option<Self> {
        let trimmed = search?.trim();
        if trimmed.is_empty() {
            return None;
        }
        let phone_like = trimmed.chars().all(|c| c.is_ascii_digit() || " +-./()".contains(c));
        let digits = digits_of(trimmed);
        let digits = (phone_like && !digits.is_empty()).then_some(digits);
        // The stored search text joins fields with a separator; a needle
        // holding it could match across two fields, so it never matches.
        let text = trimmed.to_lowercase().replace(FIELD_SEPARATOR, "\u{fffd}");
        Some(Self { text, digits })
    }
}

/// Appends the `WHERE` conditions for `filter` and `needle` to `sql` and
/// their values to `params`.
pub(crate) fn push_conditions(sql: &mut String, params: &mut Vec<Value>, filter: Filter, needle: Option<&Needle>) {
    sql.push_str(match filter {
        Filter::All => "",
        Filter::Missed => " AND missed = 1",
        Filter::Incoming => " AND direction = 'incoming'",
        Filter::Outgoing => " AND direction = 'outgoing'",
    });
    if let Some(needle) = needle {
        sql.push_str(" AND (instr(search_text, ?) > 0");
        params.push(Value::Text(needle.text.clone()));
        if let Some(digits) = &needle.digits {
            sql.push_str(" OR instr(digits, ?) > 0");
            params.push(Value::Text(digits.clone()));
        }
        sql.push(')');
    }
}

/// One page of calls, newest first, starting after `cursor`.
pub(crate) fn page(
    conn: &Connection,
    filter: Filter,
    needle: Option<&Needle>,
    cursor: Option<&Cursor>,
    limit: usize,
) -> rusqlite::Result<Page> {
    let limit = limit.clamp(1, MAX_LIMIT);
    let mut sql = format!("SELECT {COLUMNS} FROM calls WHERE 1 = 1");
    let mut params = Vec::new();
    push_conditions(&mut sql, &mut params, filter, needle);
    if let Some(cursor) = cursor {
        // Same order as the ORDER BY below; the first half lets SQLite start
        // the index scan right at the cursor.
        sql.push_str(" AND started_at_ms <= ? AND (started_at_ms < ? OR id < ?)");
        params.extend([
            Value::Integer(cursor.started_at_ms),
            Value::Integer(cursor.started_at_ms),
            Value::Integer(cursor.rowid),
        ]);
    }
    // One extra row tells whether another page follows.
    sql.push_str(" ORDER BY started_at_ms DESC, id DESC LIMIT ?");
    params.push(Value::Integer(i64::try_from(limit + 1).unwrap_or(i64::MAX)));

    let mut statement = conn.prepare_cached(&sql)?;
    let mut rows = statement.query_map(params_from_iter(params), from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = if more {
        rows.last().map(|(rowid, record)| Cursor { started_at_ms: record.started_at_ms, rowid: *rowid })
    } else {
        None
    };
    Ok(Page { records: rows.into_iter().map(|(_, record)| record).collect(), next_cursor })
}

/// The newest call with this platform id.
pub(crate) fn latest(conn: &Connection, call_id: &str) -> rusqlite::Result<Option<crate::CallRecord>> {
    use rusqlite::OptionalExtension as _;
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM calls WHERE call_id = ?1 ORDER BY started_at_ms DESC LIMIT 1"))?
        .query_row([call_id], from_row)
        .optional()
        .map(|found| found.map(|(_, record)| record))
}

/// How many missed calls nobody has looked at yet.
pub(crate) fn missed_unseen(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT COUNT(*) FROM calls WHERE missed = 1 AND seen = 0")?.query_row([], |row| row.get(0))
}

/// Marks every missed call as seen; returns how many rows changed.
pub(crate) fn mark_all_seen(conn: &Connection) -> rusqlite::Result<usize> {
    conn.prepare_cached("UPDATE calls SET seen = 1 WHERE missed = 1 AND seen = 0")?.execute([])
}

/// Marks the missed calls from one number as seen, matching the E.164 form
/// exactly or the digits-only number; returns how many rows changed.
pub(crate) fn mark_seen_for_number(conn: &Connection, e164_or_number: &str) -> rusqlite::Result<usize> {
    let text = e164_or_number.trim();
    let digits = digits_of(text);
    if text.is_empty() {
        return Ok(0);
    }
    conn.prepare_cached(
        "UPDATE calls SET seen = 1
         WHERE missed = 1 AND seen = 0 AND (e164 = ?1 OR (?2 <> '' AND digits = ?2))",
    )?
    .execute([text, digits.as_str()])
}
