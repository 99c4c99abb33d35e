//! CardDAV sync figures against a real Radicale on loopback: the first sync of 5,000 cards
//! (target: at most 5 s) and a sync with nothing changed (target: at most 200 ms).
//!
//! Radicale's first answer after the cards were uploaded takes seconds on its own (it reads
//! every card to build its cache), which a server in use has long done: the bench asks it once
//! before timing the client, and prints how long that took. An unchanged sync is one request
//! (the address book's CTag), whose time is mostly Radicale's own: the bench prints that
//! request's time sent bare too, and a sync after one card was edited; it runs against Radicale
//! as it comes and with the storage option its documentation gives for speed.
//!
//! `cargo bench -p lookup --bench carddav`; Radicale is found as the tests find it
//! (`tests/common_carddav`).

#[path = "../tests/common_carddav/mod.rs"]
mod common_carddav;

use std::time::{Duration, Instant};

use common_carddav::{PASSWORD, Radicale, USER, key_of, vcard};
use lookup::carddav::{AddressBook, CardDavSource};

const CARDS: usize = 5_000;
const IDLE_RUNS: usize = 10;
/// Radicale's storage option for speed.
const FAST: &str = "use_mtime_and_size_for_item_cache = True\n";

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    // As Radicale comes, then with the option its documentation gives for speed (an item's
    // cache checked by the file's time and size rather than by reading and hashing it).
    let configurations = [("Radicale as it comes", ""), ("use_mtime_and_size_for_item_cache", FAST)];
    for (name, storage) in configurations {
        let Some(server) = Radicale::start_with(storage) else { return };
        println!("{name}:");
        measure(&server).await;
    }
}

async fn measure(server: &Radicale) {
    let path = "/ada/contacts/";
    let cards: String = (0..CARDS)
        .map(|i| {
            vcard(&format!("card-{i}"), &format!("Person {i}"), &[&format!("+3361{i:07}"), &format!("+3312{i:07}")])
        })
        .collect();
    server.create_address_book(path).await;
    server.upload(path, &cards).await;
    let started = Instant::now();
    let warmed = reqwest::Client::new()
        .request(reqwest::Method::from_bytes(b"PROPFIND").expect("method"), server.url(path))
        .basic_auth(USER, Some(PASSWORD))
        .header("Depth", "1")
        .send()
        .await
        .and_then(reqwest::Response::error_for_status);
    assert!(warmed.is_ok(), "{warmed:?}");
    let warm_up = started.elapsed();

    let journal = journal::Journal::open_in_memory().expect("journal");
    let book = CardDavSource::new(AddressBook {
        url: server.url(path),
        user: USER.into(),
        password: mycrm::Password::new(PASSWORD),
        tls: mycrm::tls::TlsOptions::default(),
    })
    .expect("client");

    let started = Instant::now();
    let first = book.sync(&journal, &key_of).await.expect("first sync");
    let first_took = started.elapsed();
    assert_eq!(first.changed, CARDS, "{first:?}");
    assert_eq!(first.contacts, 2 * CARDS);

    let mut idle = Vec::new();
    for _ in 0..IDLE_RUNS {
        let started = Instant::now();
        let report = book.sync(&journal, &key_of).await.expect("idle sync");
        idle.push(started.elapsed());
        assert_eq!((report.changed, report.removed), (0, 0));
    }
    idle.sort();
    let median = idle[IDLE_RUNS / 2];
    let alone = server_alone(server, path).await;

    // One card edited before each sync: the CTag, then the changes, then the card.
    let mut edited = Vec::new();
    for run in 0..IDLE_RUNS {
        let card = vcard("card-7", &format!("Person 7, edit {run}"), &["+33610000007"]);
        server.put_card(&format!("{path}card-7.vcf"), card).await;
        let started = Instant::now();
        let report = book.sync(&journal, &key_of).await.expect("sync of one edit");
        edited.push(started.elapsed());
        assert_eq!((report.changed, report.removed), (1, 0));
    }
    edited.sort();

    println!("  radicale's first answer after the upload (not timed below): {}", shown(warm_up));
    println!("  carddav first sync of {CARDS} cards: {} (target <= 5 s)", shown(first_took));
    println!(
        "  carddav sync with nothing changed: median {} over {IDLE_RUNS}, max {} (target <= 200 ms)",
        shown(median),
        shown(idle[IDLE_RUNS - 1])
    );
    println!(
        "    radicale's own answer to that sync's one request (the CTag): median {}, max {}",
        shown(alone[IDLE_RUNS / 2]),
        shown(alone[IDLE_RUNS - 1])
    );
    println!(
        "  carddav sync after one card was edited: median {} over {IDLE_RUNS}, max {}",
        shown(edited[IDLE_RUNS / 2]),
        shown(edited[IDLE_RUNS - 1])
    );
}

/// How long Radicale alone takes to answer the one request an unchanged sync sends (a
/// `PROPFIND` of the address book's CTag), sent bare over HTTP: sorted times.
async fn server_alone(server: &Radicale, path: &str) -> Vec<Duration> {
    let http = reqwest::Client::new();
    let body = r#"<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"><d:prop><cs:getctag/></d:prop></d:propfind>"#;
    let mut times = Vec::new();
    for _ in 0..IDLE_RUNS {
        let started = Instant::now();
        let answer = http
            .request(reqwest::Method::from_bytes(b"PROPFIND").expect("method"), server.url(path))
            .basic_auth(USER, Some(PASSWORD))
            .header("Depth", "0")
            .header("Content-Type", "application/xml; charset=utf-8")
            .body(body)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .expect("PROPFIND");
        answer.bytes().await.expect("PROPFIND body");
        times.push(started.elapsed());
    }
    times.sort();
    times
}

fn shown(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
