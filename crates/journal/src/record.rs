//! The values the journal stores and hands back.
//!
//! This module owns the public data types ([`CallRecord`], [`Direction`],
//! [`Filter`], [`Cursor`], [`Page`]) and the derived search keys that are
//! stored beside each call (digits-only number, lower-cased search text).

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Deserialize, Serialize};

/// Which way a call went, seen from the desk worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Someone called the desk worker.
    Incoming,
    /// The desk worker placed the call.
    Outgoing,
}

impl Direction {
    /// The value stored in the `direction` column.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::Incoming => "incoming",
            Self::Outgoing => "outgoing",
        }
    }
}

impl ToSql for Direction {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for Direction {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value.as_str()? {
            "incoming" => Ok(Self::Incoming),
            "outgoing" => Ok(Self::Outgoing),
            other => Err(FromSqlError::Other(format!("unknown call direction {other:?}").into())),
        }
    }
}

/// One call as the History view shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallRecord {
    /// The platform's call id, as a string (it may be negative). Ids repeat
    /// over days, so a call is identified by its id *and* its start time.
    pub call_id: String,
    /// The desk worker's terminal the call was seen on.
    pub terminal_id: Option<String>,
    /// Incoming or outgoing.
    pub direction: Direction,
    /// The other party's number as the platform reported it.
    pub number: Option<String>,
    /// The other party's number in E.164 form, when it could be normalised.
    pub e164: Option<String>,
    /// The platform's display label for the other party.
    pub label: Option<String>,
    /// The contact name found in the directory or CRM.
    pub contact_name: Option<String>,
    /// The ACD / hunt group the call came through.
    pub acd: Option<String>,
    /// When the call started ringing (Unix epoch, milliseconds).
    pub started_at_ms: i64,
    /// When the call was answered, if it was.
    pub answered_at_ms: Option<i64>,
    /// When the call ended; `None` while it is still going on.
    pub ended_at_ms: Option<i64>,
    /// How long it rang.
    pub ring_ms: Option<i64>,
    /// How long the parties talked.
    pub talk_ms: Option<i64>,
    /// Why the call ended, as the platform said.
    pub end_cause: Option<String>,
    /// An incoming call that was never answered.
    pub missed: bool,
    /// The desk worker has seen this missed call.
    pub seen: bool,
    /// What the desk worker chose from their list of outcomes, after the call.
    pub outcome: Option<String>,
    /// What the desk worker wrote about the call.
    pub note: Option<String>,
}

impl CallRecord {
    /// Whether the call has ended.
    #[must_use]
    pub const fn is_ended(&self) -> bool {
        self.ended_at_ms.is_some()
    }

    /// The digits of the number (falling back to the E.164 form), with
    /// spaces and punctuation removed: the key for digit searches and for
    /// matching a number that is called back.
    pub(crate) fn digits(&self) -> String {
        self.number.as_deref().or(self.e164.as_deref()).map(digits_of).unwrap_or_default()
    }

    /// Lower-cased number, E.164, label, contact name, outcome and note,
    /// separated by a control character so that a search cannot match
    /// across two fields.
    pub(crate) fn search_text(&self) -> String {
        [&self.number, &self.e164, &self.label, &self.contact_name, &self.outcome, &self.note]
            .into_iter()
            .flatten()
            .map(|field| field.to_lowercase())
            .collect::<Vec<_>>()
            .join(FIELD_SEPARATOR)
    }
}

/// Separates the fields in the stored search text.
pub(crate) const FIELD_SEPARATOR: &str = "\u{1f}";

/// The ASCII digits of `text`, in order.
pub(crate) fn digits_of(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// Which calls the History view lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Filter {
    /// Every call.
    #[default]
    All,
    /// Missed calls only (seen or not).
    Missed,
    /// Incoming calls only.
    Incoming,
    /// Outgoing calls only.
    Outgoing,
}

/// Where the next page starts: just after the last call of the previous
/// page. Opaque to callers; hand it back unchanged to get the next page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(rename = "s")]
    pub(crate) started_at_ms: i64,
    #[serde(rename = "r")]
    pub(crate) rowid: i64,
}

/// One page of the History view, newest call first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    /// The calls on this page.
    pub records: Vec<CallRecord>,
    /// Where the next page starts, or `None` when this is the last page.
    pub next_cursor: Option<Cursor>,
}
