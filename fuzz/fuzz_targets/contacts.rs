//! A contact file the user imports, through `journal::parse_contacts`.
//!
//! Input: the first byte picks the file name by its value modulo 3 (`x.csv`, `x.vcf` or `x.txt`,
//! the last one leaving the format to the content; the seeds start with `0`, `1` or `2`), the
//! rest is the file's text (lossy UTF-8).
//! Must hold: no panic; the format follows the extension; every card has a non-empty name and at
//! least one number, within the limits `ContactCard` documents.
#![no_main]

use journal::{ContactFormat, parse_contacts};
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 3] = ["x.csv", "x.vcf", "x.txt"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, content)) = data.split_first() else { return };
    let file_name = NAMES[usize::from(pick) % NAMES.len()];
    let content = String::from_utf8_lossy(content);
    let Ok(parsed) = parse_contacts(file_name, &content) else { return };
    match file_name {
        "x.csv" => assert_eq!(parsed.format, ContactFormat::Csv),
        "x.vcf" => assert_eq!(parsed.format, ContactFormat::VCard),
        _ => {}
    }
    for card in &parsed.cards {
        assert!(!card.name.is_empty(), "card without a name: {card:?}");
        assert!(!card.numbers.is_empty(), "card without a number: {card:?}");
        // What `ContactCard` documents.
        assert!(card.name.chars().count() <= 200, "name of {} chars", card.name.chars().count());
        assert_eq!(card.name.trim(), card.name, "untrimmed name");
        assert!(!card.name.chars().any(char::is_control), "control character in {:?}", card.name);
        assert!(card.numbers.len() <= 50, "{} numbers", card.numbers.len());
        for (index, number) in card.numbers.iter().enumerate() {
            assert!(!number.is_empty() && number.chars().count() <= 64, "number {number:?}");
            assert_eq!(number.trim(), number, "untrimmed number");
            assert!(number.chars().any(|c| c.is_ascii_digit()), "number without a digit: {number:?}");
            assert!(!card.numbers[..index].contains(number), "duplicate number {number:?}");
        }
    }
});
