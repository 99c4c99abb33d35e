//! Whatever the network or the user sends, parsing never panics, never accepts what it must
//! refuse, and never lets text change a request.

use mycrm::dial::DialRules;
use mycrm::wire::{Frame, parse_error_body, parse_frame};
use proptest::prelude::*;

/// JSON-ish text: fragments of real frames glued at random, plus arbitrary characters.
fn frameish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"",
        "\"item\"",
        "\"listenerName\"",
        "\"event\"",
        "\"callRinging\"",
        "\"callId\"",
        "\"-428\"",
        "12",
        "-7",
        "1e309",
        "null",
        "true",
        "\"Incoming\"",
        "\"ringingTime\"",
        "\"262\"",
        "\\u0000",
        "\\ud800",
        " ",
        "\n",
    ]);
    prop::collection::vec(prop_oneof![pieces.prop_map(str::to_owned), any::<char>().prop_map(String::from)], 0..60)
        .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn frame_parsing_never_panics(text in frameish()) {
        let _ = parse_frame(&text);
        let _ = parse_error_body(&text);
    }

    #[test]
    fn every_well_formed_item_is_read_whatever_its_field_types(
        id in "-?[0-9]{1,19}",
        ring in prop_oneof![Just("\"262\"".to_owned()), Just("262".to_owned()), Just("null".to_owned()), "\"[a-z]{0,5}\""],
        incoming in prop_oneof![Just("true"), Just("\"true\""), Just("false"), Just("1"), Just("null")],
        extra in "[a-zA-Z]{1,8}",
    ) {
        let text = format!(
            r#"{{"listenerName":"CallLines","item":[{{"event":"callDropped","callId":"{id}","ringingTime":{ring},"incoming":{incoming},"{extra}x":[1,{{"a":2}}]}}]}}"#
        );
        let Ok(Frame::Events { events, skipped }) = parse_frame(&text) else { panic!("not read: {text}") };
        prop_assert_eq!(skipped, 0);
        prop_assert_eq!(&events[0].call_id, &id);
    }

    #[test]
    fn a_dial_destination_only_ever_holds_dialable_characters(text in ".{0,80}") {
        if let Ok(destination) = DialRules::default().destination(&text) {
            let dial = destination.dial.strip_prefix('+').unwrap_or(&destination.dial);
            prop_assert!(!dial.is_empty() && dial.chars().all(|c| c.is_ascii_digit() || c == '*' || c == '#'), "{:?}", destination.dial);
        }
    }

    #[test]
    fn numbers_with_injected_query_text_never_pass_the_injection(
        number in "\\+33 [1-9]( [0-9]{2}){4}",
        tail in prop_oneof![Just("&terminalId=1"), Just("#evil"), Just("?x=1"), Just("%26terminalId%3D1")],
    ) {
        if let Ok(destination) = DialRules::default().destination(&format!("{number}{tail}")) {
            prop_assert!(!destination.dial.contains(['&', '=', '?', '%']), "{:?}", destination.dial);
        }
    }
}

#[test]
fn huge_inputs_are_refused() {
    let selection = "0123456789 ".repeat(100_000);
    assert!(DialRules::default().destination(&selection).is_err());
    let frame = format!(r#"{{"item":["{}"]}}"#, "x".repeat(5 * 1024 * 1024));
    assert!(parse_frame(&frame).is_err());
}
