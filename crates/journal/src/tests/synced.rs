//! Contacts synced from address books: one card's rows replaced or removed,
//! the sync state kept, an address book forgotten, "Remove all contacts"
//! making the next sync start over, and the upgrade from version 2.

use super::TempDir;
use crate::{AddressBookChanges, ContactEntry, Journal, SyncedCard};

const BOOK: &str = "https://dav.example.com/ada/contacts/";

fn card(href: &str, etag: &str, name: &str, keys: &[&str]) -> SyncedCard {
    SyncedCard {
        href: href.to_owned(),
        etag: Some(etag.to_owned()),
        entries: keys
            .iter()
            .map(|k| ContactEntry { name: name.to_owned(), number: (*k).to_owned(), key: (*k).to_owned() })
            .collect(),
    }
}

fn names(journal: &Journal) -> Vec<(String, String)> {
    let mut keys = journal.contact_keys().expect("keys");
    keys.sort();
    keys
}

fn first_sync(journal: &Journal) {
    let changes = AddressBookChanges {
        changed: vec![card("/a.vcf", "1", "Alice", &["+331", "+332"]), card("/b.vcf", "1", "Bob", &["+333"])],
        removed: Vec::new(),
        sync_token: Some("t1".to_owned()),
        ctag: Some("c1".to_owned()),
    };
    assert_eq!(journal.apply_address_book_changes(BOOK, &changes).expect("apply"), 3);
}

#[test]
fn an_edited_card_replaces_its_numbers_and_a_removed_card_takes_its_numbers_away() {
    let journal = Journal::open_in_memory().expect("journal");
    first_sync(&journal);
    let changes = AddressBookChanges {
        changed: vec![card("/a.vcf", "2", "Alice Martin", &["+332"])],
        removed: vec!["/b.vcf".to_owned()],
        sync_token: Some("t2".to_owned()),
        ctag: Some("c2".to_owned()),
    };
    assert_eq!(journal.apply_address_book_changes(BOOK, &changes).expect("apply"), 1);
    assert_eq!(journal.address_book_contacts(BOOK).expect("count"), 1);
    assert_eq!(names(&journal), vec![("+332".to_owned(), "Alice Martin".to_owned())]);
    let state = journal.address_book_state(BOOK).expect("state");
    assert_eq!(state.sync_token.as_deref(), Some("t2"));
    assert_eq!(state.ctag.as_deref(), Some("c2"));
    assert_eq!(state.etags.len(), 1);
    assert_eq!(state.etags.get("/a.vcf"), Some(&Some("2".to_owned())));
}

#[test]
fn synced_contacts_are_suggested_and_live_beside_the_same_imported_person() {
    let journal = Journal::open_in_memory().expect("journal");
    let imported = ContactEntry { name: "Alice".to_owned(), number: "+331".to_owned(), key: "+331".to_owned() };
    assert_eq!(journal.add_contacts(std::slice::from_ref(&imported)).expect("import"), 1);
    first_sync(&journal);
    assert_eq!(journal.contact_keys().expect("keys").len(), 4);
    let found = journal.suggest("bob", 5).expect("suggest");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].number, "+333");
    // Importing again still skips what was imported.
    assert_eq!(journal.add_contacts(&[imported]).expect("import"), 0);
}

#[test]
fn a_forgotten_address_book_leaves_imported_contacts_and_other_books_alone() {
    let journal = Journal::open_in_memory().expect("journal");
    journal
        .add_contacts(&[ContactEntry { name: "Zoe".to_owned(), number: "9".to_owned(), key: "9".to_owned() }])
        .expect("import");
    first_sync(&journal);
    let other = AddressBookChanges { changed: vec![card("/c.vcf", "1", "Carol", &["+334"])], ..Default::default() };
    journal.apply_address_book_changes("other", &other).expect("apply");
    journal.forget_address_book(BOOK).expect("forget");
    let left: Vec<String> = names(&journal).into_iter().map(|(_, n)| n).collect();
    assert_eq!(left, vec!["Carol", "Zoe"]);
    assert_eq!(journal.address_book_state(BOOK).expect("state"), crate::AddressBookState::default());
    assert_eq!(journal.address_book_state("other").expect("state").etags.len(), 1);
}

#[test]
fn removing_all_contacts_makes_the_next_sync_fetch_everything_again() {
    let journal = Journal::open_in_memory().expect("journal");
    first_sync(&journal);
    journal.clear_contacts().expect("clear");
    assert!(journal.contact_keys().expect("keys").is_empty());
    assert_eq!(journal.address_book_state(BOOK).expect("state"), crate::AddressBookState::default());
    first_sync(&journal);
    assert_eq!(journal.contact_keys().expect("keys").len(), 3);
}

#[test]
fn a_journal_at_version_2_keeps_its_contacts_and_can_sync() {
    let dir = TempDir::new();
    let path = dir.path().join("journal.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).expect("raw");
        conn.execute_batch(&crate::schema::steps_up_to(2)).expect("version 2");
        conn.execute_batch(
            "INSERT INTO contacts (name, number, key, digits, search_text) VALUES ('Ada', '204', '204', '204', 'ada');
             PRAGMA user_version = 2;",
        )
        .expect("seed");
    }
    let journal = Journal::open(&path).expect("upgrade");
    assert_eq!(journal.contact_keys().expect("keys"), vec![("204".to_owned(), "Ada".to_owned())]);
    first_sync(&journal);
    assert_eq!(journal.contact_keys().expect("keys").len(), 4);
}
