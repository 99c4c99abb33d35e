//! Frame parsing throughput, in event items per second (target: ≥ 1,000,000 on one core).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mycrm::wire::{Frame, parse_frame};

fn frame(items: usize) -> String {
    let item = r#"{"event":"callRinging","callId":"-428","acdId":"0900000171","displayLabel":"ACD-171-S-0","displayNumber":"104","displayNumberE164":"104","incoming":true,"type":"internal"}"#;
    let dropped = r#"{"event":"callDropped","callId":"-428","incoming":true,"type":"external","ringingTime":"262","talkingTime":0,"dropCause":"noAnswer","displayNumber":"+33123456789"}"#;
    let items: Vec<&str> = (0..items).map(|i| if i % 2 == 0 { item } else { dropped }).collect();
    format!(r#"{{"listenerName":"CallLines","item":[{}]}}"#, items.join(","))
}

fn parsing(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_frame");
    for items in [1usize, 10] {
        let text = frame(items);
        group.throughput(Throughput::Elements(items as u64));
        group.bench_function(format!("{items}_items_per_frame"), |b| {
            b.iter(|| match parse_frame(black_box(&text)) {
                Ok(Frame::Events { events, .. }) => events.len(),
                _ => 0,
            })
        });
    }
    group.finish();
}

criterion_group!(benches, parsing);
criterion_main!(benches);
