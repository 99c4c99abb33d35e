//! Contacts synced from address books (CardDAV).
//!
//! This module owns the synced rows of the `contacts` table (those with an
//! `origin` and an `href`) and the `address_books` / `address_book_cards`
//! tables that remember each address book's sync-token and each card's ETag.
//! A sync's result is applied in one transaction, so an interrupted sync
//! leaves the previous state whole and the next sync starts from it.
//! Synced rows are ordinary contacts for [`Journal::contact_keys`] and
//! [`Journal::suggest`].

use std::collections::HashMap;

use rusqlite::{OptionalExtension, Transaction};

use crate::contacts::{search_digits, search_text};
use crate::{ContactEntry, Journal, JournalError};

/// One card as a sync found it: its address, version and entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncedCard {
    /// The card's path on the server (the address book's member `href`).
    pub href: String,
    /// The card's ETag, to tell later whether it changed.
    pub etag: Option<String>,
    /// The card's numbers, keyed; empty for a card with no usable number
    /// (it is still remembered, so it is not fetched again until it changes).
    pub entries: Vec<ContactEntry>,
}

/// What one sync of an address book changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddressBookChanges {
    /// Cards added or edited: each replaces every row the card had.
    pub changed: Vec<SyncedCard>,
    /// Cards removed from the address book, by `href`.
    pub removed: Vec<String>,
    /// The server's new sync-token, `None` when it has none.
    pub sync_token: Option<String>,
    /// The address book's CTag read before the changes were asked for, `None` when the server
    /// has none.
    pub ctag: Option<String>,
}

/// What the journal remembers of an address book since its last sync.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddressBookState {
    /// The sync-token of the last sync, `None` before the first one or when
    /// the server gave none.
    pub sync_token: Option<String>,
    /// The CTag saved by the last sync, `None` before the first one or when the server gave none.
    pub ctag: Option<String>,
    /// Each card's `href` and the ETag it had (`None` when the server gave none).
    pub etags: HashMap<String, Option<String>>,
}

impl Journal {
    /// Applies one sync of the address book `origin` (any stable identity,
    /// such as its URL and user) in one transaction: changed cards replace
    /// their rows, removed cards lose theirs, and the sync-token and ETags
    /// are saved for the next sync. Returns how many contact rows the
    /// address book holds afterwards.
    ///
    /// # Errors
    ///
    /// [`JournalError::Unavailable`] or [`JournalError::Storage`] when the
    /// database cannot be written; then nothing of the sync is stored.
    pub fn apply_address_book_changes(
        &self,
        origin: &str,
        changes: &AddressBookChanges,
    ) -> Result<usize, JournalError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO address_books (origin, sync_token, ctag) VALUES (?1, ?2, ?3)
             ON CONFLICT (origin) DO UPDATE SET sync_token = excluded.sync_token, ctag = excluded.ctag",
            rusqlite::params![origin, changes.sync_token, changes.ctag],
        )?;
        for href in &changes.removed {
            remove_card(&tx, origin, href)?;
        }
        for card in &changes.changed {
            remove_card(&tx, origin, &card.href)?;
            tx.prepare_cached("INSERT INTO address_book_cards (origin, href, etag) VALUES (?1, ?2, ?3)")?
                .execute(rusqlite::params![origin, card.href, card.etag])?;
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO contacts (name, number, key, digits, search_text, origin, href)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for entry in &card.entries {
                insert.execute(rusqlite::params![
                    entry.name,
                    entry.number,
                    entry.key,
                    search_digits(entry),
                    search_text(entry),
                    origin,
                    card.href
                ])?;
            }
        }
        let rows = contacts_of(&tx, origin)?;
        tx.commit()?;
        Ok(rows)
    }

    /// How many contact rows (one per number) the address book `origin` holds.
    ///
    /// # Errors
    ///
    /// [`JournalError::Unavailable`] or [`JournalError::Storage`] when the
    /// database cannot be read.
    pub fn address_book_contacts(&self, origin: &str) -> Result<usize, JournalError> {
        Ok(contacts_of(&self.conn(), origin)?)
    }

    /// The sync-token, CTag and card ETags saved by the last sync of `origin`;
    /// the default (no token, no cards) for an address book never synced.
    ///
    /// # Errors
    ///
    /// [`JournalError::Unavailable`] or [`JournalError::Storage`] when the
    /// database cannot be read.
    pub fn address_book_state(&self, origin: &str) -> Result<AddressBookState, JournalError> {
        let conn = self.conn();
        let (sync_token, ctag) = conn
            .prepare_cached("SELECT sync_token, ctag FROM address_books WHERE origin = ?1")?
            .query_row([origin], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?
            .unwrap_or_default();
        let etags = conn
            .prepare_cached("SELECT href, etag FROM address_book_cards WHERE origin = ?1")?
            .query_map([origin], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(AddressBookState { sync_token, ctag, etags })
    }

    /// Forgets the address book `origin` (the user removed it): its contacts,
    /// sync-token and ETags.
    ///
    /// # Errors
    ///
    /// [`JournalError::Unavailable`] or [`JournalError::Storage`] when the
    /// database cannot be written.
    pub fn forget_address_book(&self, origin: &str) -> Result<(), JournalError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM contacts WHERE origin = ?1", [origin])?;
        tx.execute("DELETE FROM address_books WHERE origin = ?1", [origin])?;
        tx.commit()?;
        Ok(())
    }
}

fn contacts_of(conn: &rusqlite::Connection, origin: &str) -> rusqlite::Result<usize> {
    let rows: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM contacts WHERE origin = ?1")?
        .query_row([origin], |row| row.get(0))?;
    Ok(usize::try_from(rows).unwrap_or(usize::MAX))
}

fn remove_card(tx: &Transaction<'_>, origin: &str, href: &str) -> rusqlite::Result<()> {
    tx.prepare_cached("DELETE FROM contacts WHERE origin = ?1 AND href = ?2")?.execute([origin, href])?;
    tx.prepare_cached("DELETE FROM address_book_cards WHERE origin = ?1 AND href = ?2")?.execute([origin, href])?;
    Ok(())
}
