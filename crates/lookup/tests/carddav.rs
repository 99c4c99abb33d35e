//! CardDAV sync against a real Radicale: a seeded address book synced into the journal, then
//! a card added, one edited and one removed between two syncs; wrong password, a collection
//! that is not an address book, and the ETag path when the stored sync-token is refused.

mod common_carddav;

use common_carddav::{PASSWORD, Radicale, USER, key_of, vcard};
use journal::{AddressBookChanges, Journal};
use lookup::carddav::{AddressBook, CardDavError, CardDavSource};

const BOOK: &str = "/ada/contacts/";

fn source(server: &Radicale, path: &str, password: &str) -> CardDavSource {
    CardDavSource::new(AddressBook {
        url: server.url(path),
        user: USER.into(),
        password: mycrm::Password::new(password),
        tls: mycrm::tls::TlsOptions::default(),
    })
    .expect("client")
}

fn contacts(journal: &Journal) -> Vec<(String, String)> {
    let mut keys = journal.contact_keys().expect("keys");
    keys.sort();
    keys
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, n)| ((*k).to_owned(), (*n).to_owned())).collect()
}

async fn seeded() -> Option<Radicale> {
    let server = Radicale::start()?;
    server.create_address_book(BOOK).await;
    server.put_card(&format!("{BOOK}alice.vcf"), vcard("alice", "Alice Martin", &["+33 1 23 45 67 89", "204"])).await;
    server.put_card(&format!("{BOOK}bob.vcf"), vcard("bob", "Bob Durand", &["+33456789012"])).await;
    server
        .put_card(
            &format!("{BOOK}broken.vcf"),
            "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:broken\r\nFN:No Number\r\nEND:VCARD\r\n".into(),
        )
        .await;
    Some(server)
}

#[tokio::test]
async fn a_second_sync_brings_exactly_the_added_edited_and_removed_cards() {
    let Some(server) = seeded().await else { return };
    let journal = Journal::open_in_memory().expect("journal");
    let book = source(&server, BOOK, PASSWORD);

    let first = book.sync(&journal, &key_of).await.expect("first sync");
    assert!(first.by_sync_token && !first.by_ctag);
    assert_eq!((first.changed, first.removed, first.contacts), (3, 0, 3));
    assert_eq!(
        contacts(&journal),
        pairs(&[("+33123456789", "Alice Martin"), ("+33456789012", "Bob Durand"), ("204", "Alice Martin")])
    );
    assert_eq!(journal.suggest("bob", 5).expect("suggest")[0].number, "+33456789012");

    server.put_card(&format!("{BOOK}carol.vcf"), vcard("carol", "Carol Petit", &["+33699887766"])).await;
    server.put_card(&format!("{BOOK}alice.vcf"), vcard("alice", "Alice Martin-Roy", &["204"])).await;
    server.delete(&format!("{BOOK}bob.vcf")).await;

    let second = book.sync(&journal, &key_of).await.expect("second sync");
    assert!(second.by_sync_token && !second.by_ctag, "the CTag changed with the cards");
    assert_eq!((second.changed, second.removed), (2, 1));
    assert_eq!(contacts(&journal), pairs(&[("+33699887766", "Carol Petit"), ("204", "Alice Martin-Roy")]));

    let idle = book.sync(&journal, &key_of).await.expect("nothing changed");
    assert_eq!((idle.changed, idle.removed, idle.contacts), (0, 0, 2));
    assert!(idle.by_ctag, "the unchanged CTag answered alone");

    // One card edited after an unchanged sync is still brought.
    server.put_card(&format!("{BOOK}carol.vcf"), vcard("carol", "Carol Petit-Jean", &["+33699887766"])).await;
    let third = book.sync(&journal, &key_of).await.expect("third sync");
    assert_eq!((third.changed, third.removed, third.by_ctag), (1, 0, false));
    assert_eq!(contacts(&journal), pairs(&[("+33699887766", "Carol Petit-Jean"), ("204", "Alice Martin-Roy")]));
}

#[tokio::test]
async fn a_refused_sync_token_falls_back_to_comparing_etags() {
    let Some(server) = seeded().await else { return };
    let journal = Journal::open_in_memory().expect("journal");
    let book = source(&server, BOOK, PASSWORD);
    book.sync(&journal, &key_of).await.expect("first sync");
    // The server forgot the token (or never knew it): the next sync must still be exact.
    let stale =
        AddressBookChanges { sync_token: Some("http://radicale.org/ns/sync/0000".into()), ..Default::default() };
    journal.apply_address_book_changes(&book.origin(), &stale).expect("stale token");
    server.delete(&format!("{BOOK}bob.vcf")).await;
    server.put_card(&format!("{BOOK}carol.vcf"), vcard("carol", "Carol Petit", &["+33699887766"])).await;

    // Every member listed again (a sync-collection without a token) and its ETag compared.
    let report = book.sync(&journal, &key_of).await.expect("sync by ETags");
    assert_eq!((report.changed, report.removed), (1, 1));
    assert_eq!(
        contacts(&journal),
        pairs(&[("+33123456789", "Alice Martin"), ("+33699887766", "Carol Petit"), ("204", "Alice Martin")])
    );
    let next = book.sync(&journal, &key_of).await.expect("back on tokens");
    assert!(next.by_sync_token);
    assert_eq!((next.changed, next.removed), (0, 0));
}

#[tokio::test]
async fn a_wrong_password_says_so_without_showing_it() {
    let Some(server) = seeded().await else { return };
    let journal = Journal::open_in_memory().expect("journal");
    let err = source(&server, BOOK, "not-the-password").sync(&journal, &key_of).await.expect_err("refused");
    assert_eq!(err, CardDavError::Refused(401));
    assert!(err.to_string().contains("user name or password"), "{err}");
    assert!(!err.to_string().contains("not-the-password"));
    assert!(journal.contact_keys().expect("keys").is_empty());
}

#[tokio::test]
async fn a_collection_that_is_not_an_address_book_is_named_as_such() {
    let Some(server) = seeded().await else { return };
    let journal = Journal::open_in_memory().expect("journal");
    // The user's own collection (what a user copies from the server's page) and a typo.
    for path in ["/ada/", "/ada/missing/"] {
        let err = source(&server, path, PASSWORD).sync(&journal, &key_of).await.expect_err("not a book");
        assert!(matches!(err, CardDavError::NotAddressBook(_)), "{path}: {err}");
        assert!(err.to_string().contains("is not an address book"));
    }
}

#[tokio::test]
async fn an_unreachable_server_is_one_sentence() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port();
    let book = CardDavSource::new(AddressBook {
        url: url::Url::parse(&format!("http://127.0.0.1:{port}/ada/contacts/")).expect("url"),
        user: USER.into(),
        password: mycrm::Password::new(PASSWORD),
        tls: mycrm::tls::TlsOptions::default(),
    })
    .expect("client");
    let journal = Journal::open_in_memory().expect("journal");
    let err = book.sync(&journal, &key_of).await.expect_err("nobody listens");
    assert!(matches!(err, CardDavError::Unreachable(_)), "{err}");
    assert!(err.to_string().starts_with("cannot connect to the address book server"));
}
