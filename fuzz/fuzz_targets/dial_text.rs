//! Selected text (any UTF-8) through `mycrm::dial::DialRules::destination`, with the default
//! rules and with an outside-line prefix.
//!
//! Must hold: no panic; a destination's `dial` is never empty and holds only `+`, ASCII digits,
//! `*` and `#`; an external number is dialled as prefix + E.164, an internal one never gets the
//! prefix nor a `+`; the prefix changes nothing but `dial`; selections over `MAX_INPUT_CHARS`
//! characters are refused.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mycrm::dial::{DestinationKind, DialError, DialRules, MAX_INPUT_CHARS};

const PREFIX: &str = "0";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let plain = DialRules::default().destination(&text);
    let rules = DialRules::default().with_outside_line_prefix(Some(PREFIX)).expect("a valid prefix");
    let prefixed = rules.destination(&text);
    if text.chars().count() > MAX_INPUT_CHARS {
        assert_eq!(plain, Err(DialError::TooLong));
        assert_eq!(prefixed, Err(DialError::TooLong));
        return;
    }
    for (result, prefix) in [(&plain, ""), (&prefixed, PREFIX)] {
        let Ok(dest) = result else { continue };
        let dial = &dest.dial;
        assert!(!dial.is_empty(), "empty dial for {text:?}");
        assert!(
            dial.chars().all(|c| c == '+' || c == '*' || c == '#' || c.is_ascii_digit()),
            "dial {dial:?} for {text:?}"
        );
        assert!(dial.chars().any(|c| c.is_ascii_digit()), "dial {dial:?} without a digit for {text:?}");
        if let Some(extension) = &dest.extension {
            assert!((1..=8).contains(&extension.len()) && extension.bytes().all(|b| b.is_ascii_digit()));
        }
        match dest.kind {
            DestinationKind::External => {
                let e164 = dest.e164.as_deref().expect("an external number has an E.164 form");
                assert!(e164.len() > 1 && e164.starts_with('+') && e164[1..].bytes().all(|b| b.is_ascii_digit()));
                assert_eq!(*dial, format!("{prefix}{e164}"), "for {text:?}");
            }
            DestinationKind::Internal => {
                assert!(dest.e164.is_none());
                assert!(!dial.contains('+'), "internal dial {dial:?} for {text:?}");
                assert_eq!(*dial, dest.display);
            }
        }
    }
    match (&plain, &prefixed) {
        (Ok(a), Ok(b)) => {
            assert_eq!((a.kind, &a.e164, &a.display, &a.extension), (b.kind, &b.e164, &b.display, &b.extension));
            if a.kind == DestinationKind::Internal {
                assert_eq!(a.dial, b.dial);
            }
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "for {text:?}"),
        _ => panic!("the outside-line prefix changed the outcome for {text:?}: {plain:?} / {prefixed:?}"),
    }
});
