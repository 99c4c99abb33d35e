//! The user's contacts and the dial pad's suggestions.
//!
//! This module owns the `contacts` table: entries added by imports (one row
//! per name and number, keyed by the number's normalised form, which the app
//! computes with its dial rules), the key → name list the app keeps in memory
//! to name callers, and suggestions that mix contacts and numbers from the
//! call history. Like the History search, user text only reaches SQLite as
//! bound parameters matched with `instr`.

use rusqlite::{params_from_iter, types::Value};
use serde::Serialize;

use crate::query::Needle;
use crate::record::{FIELD_SEPARATOR, digits_of};
use crate::{Journal, JournalError};

/// One number of one contact, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactEntry {
    /// The person's (or company's) name.
    pub name: String,
    /// The number as the file wrote it.
    pub number: String,
    /// The number's normalised form (E.164, or an extension's digits): the
    /// lookup key shared with calls.
    pub key: String,
}

/// Where a suggestion comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuggestionSource {
    /// The user's contacts.
    Contact,
    /// A number seen in the call history.
    History,
}

/// A number the dial pad offers while the user types.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// Who it is, when known.
    pub name: Option<String>,
    /// The number to dial (as written in the contact, or E.164 from history).
    pub number: String,
    /// Contacts or history.
    pub source: SuggestionSource,
}

/// The most suggestions one query returns.
pub const MAX_SUGGESTIONS: usize = 20;

/// Whether a label says nothing more than a number: empty, or only digits
/// and phone punctuation (`+`, spaces, `-`, `.`, `/`, brackets). Such a
/// label is replaced by a contact's name where one is known.
#[must_use]
pub fn is_number_like(label: &str) -> bool {
    label.chars().all(|c| c.is_ascii_digit() || c.is_whitespace() || "+-./()".contains(c))
}

pub(crate) fn search_text(entry: &ContactEntry) -> String {
    [entry.name.to_lowercase(), entry.number.to_lowercase(), entry.key.to_lowercase()].join(FIELD_SEPARATOR)
}

pub(crate) fn search_digits(entry: &ContactEntry) -> String {
    [digits_of(&entry.number), digits_of(&entry.key)].join(FIELD_SEPARATOR)
}

/// `WHERE` condition and values matching `needle` against a table's
/// `search_text` and `digits` columns.
fn matching(needle: &Needle, params: &mut Vec<Value>) -> String {
    params.push(Value::Text(needle.text.clone()));
    match &needle.digits {
        Some(digits) => {
            params.push(Value::Text(digits.clone()));
            "(instr(search_text, ?) > 0 OR instr(digits, ?) > 0)".to_owned()
        }
        None => "instr(search_text, ?) > 0".to_owned(),
    }
}

fn limit_value(limit: usize) -> Value {
    Value::Integer(i64::try_from(limit.clamp(1, MAX_SUGGESTIONS)).unwrap_or(1))
}

impl Journal {
    /// Stores contact entries in one transaction; an entry whose name and
    /// key are already stored is skipped. Returns how many were new.
    ///
    /// # Errors
    ///
    /// [`JournalError::Unavailable`] or [`JournalError::Storage`] when the
    /// database cannot be written; then nothing of the batch is stored.
    pub fn add_contacts(&self, entries: &[ContactEntry]) -> Result<usize, JournalError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut added = 0;
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO contacts (name, number, key, digits, search_text) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for entry in entries {
                added += insert.execute([
                    entry.name.as_str(),
                    entry.number.as_str(),
                    entry.key.as_str(),
                    &search_digits(entry),
                    &search_text(entry),
                ])?;
            }
        }
        tx.commit()?;
        Ok(added)
    }

    /// Every (key, name) pair, oldest entry first, for naming callers
    /// without touching the disk while a call rings.
    ///
    /// # Errors
    ///
    /// [`JournalError::Unavailable`] or [`JournalError::Storage`] when the
    /// database cannot be read.
    pub fn contact_keys(&self) -> Result<Vec<(String, String)>, JournalError> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached("SELECT key, name FROM contacts ORDER BY id")?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// How many distinct contact names are stored.
    ///
    /// # Errors
    ///
    /// [`JournalError::Unavailable`] or [`JournalError::Storage`] when the
    /// database cannot be read.
    pub fn contact_count(&self) -> Result<u32, JournalError> {
        let count: i64 =
            self.conn().prepare_cached("SELECT COUNT(DISTINCT name) FROM contacts")?.query_row([], |row| row.get(0))?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    /// Removes every contact, imported and synced; the call history is
    /// untouched. The address books stay known but their sync-tokens and
    /// ETags are forgotten, so their next sync fetches every card again
    /// (what "Remove all contacts" then "Sync" should do).
    ///
    /// # Errors
    ///
    /// [`JournalError::Unavailable`] or [`JournalError::Storage`] when the
    /// database cannot be written.
    pub fn clear_contacts(&self) -> Result<(), JournalError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM contacts", [])?;
        tx.execute("DELETE FROM address_book_cards", [])?;
        tx.execute("UPDATE address_books SET sync_token = NULL, ctag = NULL", [])?;
        tx.commit()?;
        Ok(())
    }

    /// Up to `limit` (at most [`MAX_SUGGESTIONS`]) numbers matching `text`:
    /// contacts whose name or number contains it first (by name), then
    /// numbers from the call history, most recent first, that no listed
    /// contact already offers. Nothing for blank text.
    ///
    /// # Errors
    ///
    /// [`JournalError::Unavailable`] or [`JournalError::Storage`] when the
    /// database cannot be read.
    pub fn suggest(&self, text: &str, limit: usize) -> Result<Vec<Suggestion>, JournalError> {
        let Some(needle) = Needle::parse(Some(text)) else { return Ok(Vec::new()) };
        let conn = self.conn();
        let mut params = Vec::new();
        let sql = format!(
            "SELECT name, number, key FROM contacts WHERE {} ORDER BY name COLLATE NOCASE, id LIMIT ?",
            matching(&needle, &mut params)
        );
        params.push(limit_value(limit));
        let contacts: Vec<(String, String, String)> = conn
            .prepare_cached(&sql)?
            .query_map(params_from_iter(params), |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;

        let mut params = Vec::new();
        let sql = format!(
            "SELECT COALESCE(e164, number) AS dial, MAX(COALESCE(contact_name, label)) FROM calls
             WHERE COALESCE(e164, number) IS NOT NULL AND {}
             GROUP BY dial ORDER BY MAX(started_at_ms) DESC LIMIT ?",
            matching(&needle, &mut params)
        );
        params.push(limit_value(limit));
        let history: Vec<(String, Option<String>)> = conn
            .prepare_cached(&sql)?
            .query_map(params_from_iter(params), |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;

        let mut found: Vec<Suggestion> = contacts
            .iter()
            .map(|(name, number, _)| Suggestion {
                name: Some(name.clone()),
                number: number.clone(),
                source: SuggestionSource::Contact,
            })
            .collect();
        let offered = |dial: &str| contacts.iter().any(|(_, number, key)| key == dial || number == dial);
        found.extend(history.into_iter().filter(|(dial, _)| !offered(dial)).map(|(dial, name)| Suggestion {
            name: name.filter(|n| !is_number_like(n)),
            number: dial,
            source: SuggestionSource::History,
        }));
        found.truncate(limit.clamp(1, MAX_SUGGESTIONS));
        Ok(found)
    }
}
