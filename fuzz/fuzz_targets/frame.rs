//! A websocket frame as the server sends it, through `mycrm::wire::parse_frame` (what the event
//! stream does with every text frame, and with binary frames after a lossy UTF-8 conversion).
//!
//! Must hold: no panic; a frame whose trimmed text is over `MAX_FRAME_LEN` is refused as
//! `TooLarge` with that length, and only such a frame; every event read serializes to the
//! `mycrm listen` line format; unknown event names keep their raw item, known ones do not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mycrm::EventKind;
use mycrm::wire::{Frame, FrameError, MAX_FRAME_LEN, parse_frame};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check(&text);
    // libFuzzer's -max_len keeps inputs far below the limit: now and then (chosen by the input,
    // so a crash reproduces) the same text is repeated past it to test the refusal.
    if !text.trim().is_empty() && fnv1a(data) % 512 == 0 {
        let copies = MAX_FRAME_LEN / text.len() + 2;
        check(&text.repeat(copies));
    }
});

fn check(text: &str) {
    let trimmed_len = text.trim().len();
    match parse_frame(text) {
        Err(FrameError::TooLarge(len)) => {
            assert_eq!(len, trimmed_len, "TooLarge reports the trimmed length");
            assert!(len > MAX_FRAME_LEN, "a frame of {len} bytes is within the limit but was refused");
        }
        other => {
            assert!(trimmed_len <= MAX_FRAME_LEN, "a frame of {trimmed_len} bytes is over the limit but was read");
            match other {
                Ok(Frame::Events { events, skipped: _ }) => {
                    for event in &events {
                        let line = serde_json::to_string(event).expect("an event serializes");
                        assert!(line.starts_with('{') && line.ends_with('}'));
                        assert_eq!(EventKind::from_wire(event.kind.wire_name()), event.kind);
                        let unknown = matches!(event.kind, EventKind::Unknown(_));
                        assert_eq!(event.raw.is_some(), unknown, "raw item kept only for unknown events");
                    }
                }
                Ok(Frame::SocketInfo { timeout_ms }) => {
                    assert!(timeout_ms.is_some(), "a socket description always carries its timeout");
                }
                Ok(Frame::Ignored) | Err(_) => {}
            }
        }
    }
}

/// FNV-1a: a cheap, stable hash of the input.
fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3))
}
