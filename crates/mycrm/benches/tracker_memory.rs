//! 100,000 calls through the call tracker: resident memory must stay flat.
//! Prints the process's resident set size after every 10,000 calls.

use std::time::Duration;

use mycrm::{CallTracker, Event, EventKind};
use tokio::time::Instant;

fn rss_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
    pages * 4
}

fn main() {
    let mut tracker = CallTracker::default();
    let start = Instant::now();
    let mut rss = Vec::new();
    for i in 0..100_000u64 {
        let now = start + Duration::from_millis(i * 50);
        let id = format!("-{i}");
        let mut ringing = Event::bare(EventKind::Ringing, id.clone());
        ringing.incoming = Some(true);
        ringing.display_number = Some(format!("+3312345{:04}", i % 10_000));
        ringing.display_label = Some(format!("Caller {i}"));
        tracker.apply(&ringing, now);
        if i % 3 != 0 {
            tracker.apply(&Event::bare(EventKind::Talking, id.clone()), now);
        }
        // One unanswered call in ten never gets its callDropped (lost with the connection).
        if i % 3 != 0 || i % 10 != 0 {
            tracker.apply(&Event::bare(EventKind::Dropped, id), now);
        }
        if i % 1_000 == 0 {
            tracker.expire(now);
        }
        if (i + 1) % 10_000 == 0 {
            rss.push((i + 1, rss_kib(), tracker.active().count(), tracker.remembered()));
        }
    }
    println!("calls    rss_kib  active  remembered_ended");
    for (calls, kib, active, remembered) in &rss {
        println!("{calls:>6} {kib:>9} {active:>7} {remembered:>17}");
    }
    let first = rss.get(1).map_or(0, |r| r.1);
    let last = rss.last().map_or(0, |r| r.1);
    println!("rss growth from 20,000 to 100,000 calls: {} KiB", last.saturating_sub(first));
}
