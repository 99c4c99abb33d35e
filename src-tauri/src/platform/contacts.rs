//! The user's contacts on the app side: imports (CSV or vCard, parsed by the `journal` crate)
//! and a CardDAV address book synced into them (crate `lookup`), normalised with the user's
//! dial rules, the number → name map that names callers without
//! touching the disk while a phone rings, and the dial pad's suggestions.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use journal::{ContactEntry, Journal, MAX_SUGGESTIONS};
use lookup::carddav::{AddressBook, CardDavError, CardDavSource};
use mycrm::dial::DialRules;
use mycrm::{Password, TlsOptions};

use crate::model::error::{AppError, ErrorCode};
use crate::model::lookup::SyncOutcome;
use crate::model::views::{CallView, ContactImport, Suggestion};

/// Files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: usize = journal::MAX_IMPORT_BYTES;

fn address_book(url: &str, user: &str, password: Password, tls: TlsOptions) -> Result<CardDavSource, AppError> {
    let url =
        url::Url::parse(url).map_err(|e| AppError::new(ErrorCode::InvalidSettings, format!("address book: {e}")))?;
    CardDavSource::new(AddressBook { url, user: user.to_owned(), password, tls })
        .map_err(|e| AppError::new(ErrorCode::Lookup, e.to_string()))
}

fn contacts_error(e: journal::JournalError) -> AppError {
    AppError::new(ErrorCode::Contacts, e.to_string())
}

/// The lookup key of a number: its E.164 form, or an extension's digits; `None` when the
/// dial rules find no single valid number in it.
pub fn key_of(rules: &DialRules, number: &str) -> Option<String> {
    let destination = rules.destination(number).ok()?;
    Some(destination.e164.unwrap_or(destination.dial))
}

/// Cheap to clone; clones share the map.
#[derive(Clone, Debug)]
pub struct Contacts {
    journal: Arc<Journal>,
    by_key: Arc<RwLock<HashMap<String, String>>>,
}

impl Contacts {
    /// Loads the number → name map from the journal (an unreadable one leaves it empty).
    pub fn new(journal: Arc<Journal>) -> Self {
        let contacts = Self { journal, by_key: Arc::default() };
        contacts.reload();
        contacts
    }

    fn reload(&self) {
        let mut map = HashMap::new();
        match self.journal.contact_keys() {
            Ok(keys) => {
                for (key, name) in keys {
                    // The oldest entry for a number names it.
                    map.entry(key).or_insert(name);
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot read the contacts"),
        }
        *self.by_key.write().unwrap_or_else(PoisonError::into_inner) = map;
    }

    /// The contact name for a call whose platform label is empty or just a number.
    pub fn name_for(&self, rules: &DialRules, call: &CallView) -> Option<String> {
        if !call.label.as_deref().is_none_or(journal::is_number_like) {
            return None;
        }
        let map = self.by_key.read().unwrap_or_else(PoisonError::into_inner);
        if map.is_empty() {
            return None;
        }
        let e164 = call.e164.as_deref().filter(|n| n.starts_with('+')).map(str::to_owned);
        let key = e164.or_else(|| call.number.as_deref().and_then(|n| key_of(rules, n)))?;
        map.get(&key).cloned()
    }

    /// Reads a CSV or vCard file's text and adds its contacts; a number the dial rules cannot
    /// read is left out, a contact with no readable number is counted as skipped.
    ///
    /// # Errors
    ///
    /// `contacts_file` for a file that holds no readable contacts, `contacts` when they
    /// cannot be stored.
    pub fn import(&self, rules: &DialRules, file_name: &str, content: &str) -> Result<ContactImport, AppError> {
        let parsed = journal::parse_contacts(file_name, content)
            .map_err(|e| AppError::new(ErrorCode::ContactsFile, e.to_string()))?;
        let mut entries = Vec::new();
        let mut imported = 0_u32;
        let mut skipped = u32::try_from(parsed.skipped).unwrap_or(u32::MAX);
        for card in &parsed.cards {
            let before = entries.len();
            entries.extend(card.numbers.iter().filter_map(|number| {
                key_of(rules, number).map(|key| ContactEntry { name: card.name.clone(), number: number.clone(), key })
            }));
            if entries.len() > before {
                imported += 1;
            } else {
                skipped = skipped.saturating_add(1);
            }
        }
        if imported == 0 {
            return Err(AppError::new(ErrorCode::ContactsFile, "no contact with a valid phone number in this file"));
        }
        self.journal.add_contacts(&entries).map_err(contacts_error)?;
        self.reload();
        Ok(ContactImport { imported, skipped, total: self.count()? })
    }

    /// How many contacts are stored.
    ///
    /// # Errors
    ///
    /// `contacts` when they cannot be read.
    pub fn count(&self) -> Result<u32, AppError> {
        self.journal.contact_count().map_err(contacts_error)
    }

    /// Removes every contact.
    ///
    /// # Errors
    ///
    /// `contacts` when they cannot be removed.
    pub fn clear(&self) -> Result<(), AppError> {
        self.journal.clear_contacts().map_err(contacts_error)?;
        self.reload();
        Ok(())
    }

    /// Brings the copy of a CardDAV address book (its `url` and `user`) up to date in the
    /// contacts, the numbers keyed with `rules`; then callers are named from it at once.
    ///
    /// # Errors
    ///
    /// `bad_credentials` when the server refuses the user or password, `lookup` saying what
    /// else to check (address, server), `ca_file`.
    pub async fn sync_address_book(
        &self,
        (url, user): (&str, &str),
        password: Password,
        tls: TlsOptions,
        rules: DialRules,
    ) -> Result<SyncOutcome, AppError> {
        let source = address_book(url, user, password, tls)?;
        let key = move |number: &str| key_of(&rules, number);
        let report = source.sync(&self.journal, &key).await.map_err(|e| {
            let code =
                if matches!(e, CardDavError::Refused(_)) { ErrorCode::BadCredentials } else { ErrorCode::Lookup };
            AppError::new(code, e.to_string())
        })?;
        self.reload();
        Ok(SyncOutcome::from(report))
    }

    /// Forgets the copy of an address book the user no longer syncs.
    pub fn forget_address_book(&self, (url, user): (&str, &str)) {
        let Ok(source) = address_book(url, user, Password::new(String::new()), TlsOptions::default()) else { return };
        if let Err(e) = self.journal.forget_address_book(&source.origin()) {
            tracing::warn!(error = %e, "the contacts of an address book no longer synced stay");
        }
        self.reload();
    }

    /// What the dial pad offers for `text`.
    ///
    /// # Errors
    ///
    /// `contacts` when the database cannot be read.
    pub fn suggest(&self, text: &str) -> Result<Vec<Suggestion>, AppError> {
        let found = self.journal.suggest(text, MAX_SUGGESTIONS).map_err(contacts_error)?;
        Ok(found.into_iter().map(Suggestion::from).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::views::SuggestionSource;

    const VCARD: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Alice Martin\r\nTEL;TYPE=work:01 23 45 67 89\r\n\
                         END:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Nobody\r\nTEL:not a number\r\nEND:VCARD\r\n\
                         BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Reception\r\nTEL:204\r\nEND:VCARD\r\n";

    fn contacts() -> Contacts {
        Contacts::new(Arc::new(Journal::open_in_memory().expect("journal")))
    }

    fn caller(number: &str, e164: Option<&str>, label: Option<&str>) -> CallView {
        let mut call = crate::model::views::sample_call("1", crate::model::views::CallStateView::Ringing);
        call.number = Some(number.to_owned());
        call.e164 = e164.map(str::to_owned);
        call.label = label.map(str::to_owned);
        call
    }

    #[test]
    fn the_same_person_is_found_whatever_way_the_number_is_written() {
        let contacts = contacts();
        let rules = DialRules::default();
        let summary = contacts.import(&rules, "people.vcf", VCARD).expect("imported");
        assert_eq!(summary, ContactImport { imported: 2, skipped: 1, total: 2 });
        for number in ["+33 1 23 45 67 89", "0123456789", "0033123456789"] {
            assert_eq!(
                contacts.name_for(&rules, &caller(number, None, None)).as_deref(),
                Some("Alice Martin"),
                "{number}"
            );
        }
        assert_eq!(contacts.name_for(&rules, &caller("204", None, Some("204"))).as_deref(), Some("Reception"));
        assert_eq!(
            contacts.name_for(&rules, &caller("x", Some("+33123456789"), Some("+33 1 23 45 67 89"))).as_deref(),
            Some("Alice Martin"),
            "the platform's E.164 form is used first"
        );
        assert_eq!(contacts.name_for(&rules, &caller("0123456789", None, Some("ACME"))), None, "a real label wins");
        assert_eq!(contacts.name_for(&rules, &caller("0999999999", None, None)), None);
    }

    #[test]
    fn a_file_without_usable_contacts_is_refused_and_clearing_forgets_names() {
        let contacts = contacts();
        let rules = DialRules::default();
        let refused = contacts.import(&rules, "x.csv", "Name,Phone\nNobody,call me\n").expect_err("refused");
        assert_eq!(refused.code, ErrorCode::ContactsFile);
        assert_eq!(
            contacts.import(&rules, "x.bin", "\u{0}\u{1}garbage").expect_err("refused").code,
            ErrorCode::ContactsFile
        );
        contacts.import(&rules, "x.csv", "Name,Phone\nAlice Martin,0123456789\n").expect("imported");
        assert_eq!(contacts.count().expect("count"), 1);
        assert_eq!(contacts.suggest("ali").expect("suggest")[0].source, SuggestionSource::Contact);
        contacts.clear().expect("cleared");
        assert_eq!(contacts.count().expect("count"), 0);
        assert_eq!(contacts.name_for(&rules, &caller("0123456789", None, None)), None);
    }
}
