//! Contacts: imports without duplicates, the key list that names callers,
//! dial pad suggestions mixing contacts and history, and the upgrade of a
//! journal written before contacts existed.

use super::{MINUTE, MONDAY_9AM, TempDir, missed, ringing};
use crate::{ContactEntry, Journal, SuggestionSource, is_number_like};

fn entry(name: &str, number: &str, key: &str) -> ContactEntry {
    ContactEntry { name: name.to_owned(), number: number.to_owned(), key: key.to_owned() }
}

fn journal_with_contacts() -> Journal {
    let journal = Journal::open_in_memory().expect("journal");
    let added = journal
        .add_contacts(&[
            entry("Alice Martin", "01 23 45 67 89", "+33123456789"),
            entry("Alice Martin", "06 12 34 56 78", "+33612345678"),
            entry("Bob Durand", "+33 4 56 78 90 12", "+33456789012"),
            entry("Reception", "204", "204"),
        ])
        .expect("added");
    assert_eq!(added, 4);
    journal
}

#[test]
fn importing_the_same_file_twice_adds_nothing_the_second_time() {
    let journal = journal_with_contacts();
    let again = journal.add_contacts(&[entry("Alice Martin", "0123456789", "+33123456789")]).expect("added");
    assert_eq!(again, 0, "same name and same normalised number");
    assert_eq!(journal.contact_count().expect("count"), 3, "names, not numbers");
    let homonym = journal.add_contacts(&[entry("Alice M.", "0123456789", "+33123456789")]).expect("added");
    assert_eq!(homonym, 1, "another name for the same number is kept");
}

#[test]
fn the_key_list_names_callers_oldest_entry_first() {
    let journal = journal_with_contacts();
    journal.add_contacts(&[entry("Switchboard", "0123456789", "+33123456789")]).expect("added");
    let keys = journal.contact_keys().expect("keys");
    let first = keys.iter().find(|(key, _)| key == "+33123456789").map(|(_, name)| name.as_str());
    assert_eq!(first, Some("Alice Martin"));
    assert_eq!(keys.len(), 5);
}

#[test]
fn removing_contacts_keeps_the_calls() {
    let journal = journal_with_contacts();
    journal.record(&missed("1", "0123456789", MONDAY_9AM)).expect("record");
    journal.clear_contacts().expect("cleared");
    assert_eq!(journal.contact_count().expect("count"), 0);
    assert!(journal.contact_keys().expect("keys").is_empty());
    assert_eq!(journal.missed_unseen().expect("missed"), 1);
}

#[test]
fn suggestions_find_contacts_by_name_and_by_digits_in_any_written_form() {
    let journal = journal_with_contacts();
    let names = |text: &str| {
        journal.suggest(text, 8).expect("suggest").into_iter().map(|s| (s.name, s.number)).collect::<Vec<_>>()
    };
    assert_eq!(
        names("alice"),
        [
            (Some("Alice Martin".to_owned()), "01 23 45 67 89".to_owned()),
            (Some("Alice Martin".to_owned()), "06 12 34 56 78".to_owned())
        ]
    );
    assert_eq!(names("4567")[0].0.as_deref(), Some("Alice Martin"), "digits ignore the spaces");
    assert_eq!(names("+3345678")[0].0.as_deref(), Some("Bob Durand"), "the E.164 form matches too");
    assert_eq!(names("204")[0].0.as_deref(), Some("Reception"));
    assert!(names("   ").is_empty());
    assert!(names("zzz").is_empty());
}

#[test]
fn suggestions_add_history_numbers_no_contact_offers_newest_first() {
    let journal = journal_with_contacts();
    let mut known = ringing("1", "0123456789", MONDAY_9AM);
    known.e164 = Some("+33123456789".to_owned());
    let mut older = ringing("2", "0987654321", MONDAY_9AM + MINUTE);
    older.label = Some("ACME support".to_owned());
    let mut newer = ringing("3", "0987000000", MONDAY_9AM + 2 * MINUTE);
    newer.label = Some("0987000000".to_owned());
    journal.record_many(&[known, older, newer]).expect("record");

    let found = journal.suggest("09870", 8).expect("suggest");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].source, SuggestionSource::History);
    assert_eq!(found[0].name, None, "a label that is just the number names nobody");

    let found = journal.suggest("0", 8).expect("suggest");
    let history: Vec<_> = found.iter().filter(|s| s.source == SuggestionSource::History).collect();
    assert_eq!(history.len(), 2, "the contact's own number is not offered twice: {found:?}");
    assert_eq!(history[0].number, "0987000000", "newest first");
    assert_eq!(history[1].name.as_deref(), Some("ACME support"));
    assert!(found[0].source == SuggestionSource::Contact, "contacts come first");
    assert_eq!(journal.suggest("0", 2).expect("suggest").len(), 2, "limit kept");
}

#[test]
fn suggestion_text_is_matched_literally() {
    let journal = journal_with_contacts();
    journal.add_contacts(&[entry("100% O'Brien_", "0140000000", "+33140000000")]).expect("added");
    for hostile in ["%", "_", "'", "O'Brien_", "\u{1f}", "%' OR 1=1 --"] {
        let found = journal.suggest(hostile, 8).expect("suggest");
        assert!(found.len() <= 1, "{hostile:?} matched {found:?}");
    }
    assert_eq!(journal.suggest("100%", 8).expect("suggest").len(), 1);
}

#[test]
fn labels_that_are_only_a_number_are_recognised() {
    for label in ["", " ", "0123456789", "+33 1 23 45 67 89", "(01) 23-45.67/89"] {
        assert!(is_number_like(label), "{label:?}");
    }
    for label in ["ACME", "Alice 2", "0123456789 ext"] {
        assert!(!is_number_like(label), "{label:?}");
    }
}

#[test]
fn a_journal_from_before_contacts_is_upgraded_with_its_calls() {
    let dir = TempDir::new();
    let path = dir.path().join("journal.sqlite3");
    {
        // A file as the first release left it, with a missed call.
        let conn = rusqlite::Connection::open(&path).expect("raw");
        conn.execute_batch(&crate::schema::steps_up_to(1)).expect("version 1");
        conn.execute_batch(
            "INSERT INTO calls (call_id, direction, number, started_at_ms, ended_at_ms, missed, digits)
                 VALUES ('1', 'incoming', '0612345678', 1714986000000, 1714986020000, 1, '0612345678');
             PRAGMA user_version = 1;",
        )
        .expect("seed");
    }
    let journal = Journal::open(&path).expect("upgrade");
    assert_eq!(journal.missed_unseen().expect("missed"), 1);
    assert_eq!(journal.add_contacts(&[entry("A", "0612345678", "+33612345678")]).expect("added"), 1);
}
