//! History view speed on a large journal.
//!
//! Fills a journal file with 100,000 calls (one transaction, varied numbers
//! and names, 10 % missed), then measures what a desk worker waits for:
//! the first History page (target ≤ 50 ms) and searches (target ≤ 100 ms).

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use journal::{CallRecord, Direction, Filter, Journal};

const CALLS: u32 = 100_000;
const FIRST_NAMES: [&str; 12] =
    ["Alice", "Bruno", "Chloé", "David", "Élodie", "Fatima", "Gérard", "Hugo", "Inès", "Jules", "Karim", "Léa"];
const LAST_NAMES: [&str; 10] =
    ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau"];
const LABELS: [&str; 5] = ["Reception", "Sales", "Support", "Billing", "Switchboard"];
const OUTCOMES: [&str; 4] = ["Resolved", "Call back", "Quote sent", "Wrong number"];

/// A small deterministic pseudo-random generator (xorshift).
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % sides
    }
}

fn pick<'a>(dice: &mut Dice, from: &[&'a str]) -> &'a str {
    from[usize::try_from(dice.roll(from.len() as u64)).expect("small index")]
}

fn call(index: u32, dice: &mut Dice) -> CallRecord {
    let started_at_ms = 1_700_000_000_000 + i64::from(index) * 300_000 + i64::try_from(dice.roll(60_000)).unwrap();
    let subscriber = dice.roll(100_000_000);
    let number = format!(
        "+33 {} {:02} {:02} {:02} {:02}",
        1 + dice.roll(9),
        subscriber / 1_000_000,
        subscriber / 10_000 % 100,
        subscriber / 100 % 100,
        subscriber % 100
    );
    let e164 = number.replace(' ', "");
    let missed = index % 10 == 3;
    let outgoing = !missed && dice.roll(3) == 0;
    let known = dice.roll(4) != 0;
    let ring_ms = i64::try_from(dice.roll(30_000)).unwrap() + 1_000;
    let talk_ms = if missed { None } else { Some(i64::try_from(dice.roll(600_000)).unwrap()) };
    CallRecord {
        call_id: format!("{}", i64::from(index) - 50_000),
        terminal_id: Some(format!("term-{}", dice.roll(4))),
        direction: if outgoing { Direction::Outgoing } else { Direction::Incoming },
        number: Some(number),
        e164: Some(e164),
        label: Some(pick(dice, &LABELS).to_owned()),
        contact_name: known.then(|| format!("{} {}", pick(dice, &FIRST_NAMES), pick(dice, &LAST_NAMES))),
        acd: (!outgoing).then(|| "Hotline".to_owned()),
        started_at_ms,
        answered_at_ms: talk_ms.map(|_| started_at_ms + ring_ms),
        ended_at_ms: Some(started_at_ms + ring_ms + talk_ms.unwrap_or(0)),
        ring_ms: Some(ring_ms),
        talk_ms,
        end_cause: Some(if missed { "no-answer" } else { "normal" }.to_owned()),
        missed,
        seen: missed && dice.roll(2) == 0,
        outcome: talk_ms.is_some().then(|| pick(dice, &OUTCOMES).to_owned()),
        note: (talk_ms.is_some() && dice.roll(4) == 0).then(|| "Wants the new price list by email".to_owned()),
    }
}

fn bench_history(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("journal-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let journal = fill(&dir.join("journal.sqlite3"));

    let mut group = c.benchmark_group("history_100k");
    group.bench_function("first_page_all", |b| {
        b.iter(|| black_box(journal.page(Filter::All, None, None, 50).expect("page")));
    });
    group.bench_function("first_page_missed", |b| {
        b.iter(|| black_box(journal.page(Filter::Missed, None, None, 50).expect("page")));
    });
    let deep = {
        let mut cursor = None;
        for _ in 0..100 {
            cursor = journal.page(Filter::All, None, cursor.as_ref(), 50).expect("page").next_cursor;
        }
        cursor.expect("deep cursor")
    };
    group.bench_function("page_101_all", |b| {
        b.iter(|| black_box(journal.page(Filter::All, None, Some(&deep), 50).expect("page")));
    });
    for (name, search) in [
        ("search_name_common", "martin"),
        ("search_name_rare", "élodie dur"),
        ("search_digits", "4567"),
        ("search_digits_rare", "12345678"),
        ("search_no_match", "zzzz"),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| black_box(journal.page(Filter::All, Some(search), None, 50).expect("search")));
        });
    }
    group.bench_function("missed_unseen", |b| b.iter(|| black_box(journal.missed_unseen().expect("count"))));
    let mut dice = Dice(0xdead_beef);
    let mut next = CALLS;
    group.bench_function("record_one_call", |b| {
        b.iter(|| {
            next += 1;
            journal.record(&call(next, &mut dice)).expect("record");
        });
    });
    group.finish();

    drop(journal);
    let _ = std::fs::remove_dir_all(&dir);
}

fn fill(path: &Path) -> Journal {
    let journal = Journal::open(path).expect("open bench journal");
    let mut dice = Dice(0x9e37_79b9_7f4a_7c15);
    let calls: Vec<CallRecord> = (0..CALLS).map(|index| call(index, &mut dice)).collect();
    let started = std::time::Instant::now();
    journal.record_many(&calls).expect("fill");
    eprintln!("filled {CALLS} calls in {:?}", started.elapsed());
    journal
}

criterion_group!(benches, bench_history);
criterion_main!(benches);
