//! Contact files the user imports: CSV exports (Outlook, Google, Thunderbird,
//! spreadsheets, in English or French) and vCards (2.1, 3.0 and 4.0).
//!
//! This module owns [`parse_contacts`]: telling the two formats apart,
//! reading them and turning each entry into a [`ContactCard`] — a cleaned-up
//! name and the phone numbers as written in the file (normalising them is
//! the caller's business). It is pure (no I/O, no storage) and treats the
//! text as hostile: size and work are bounded and nothing in it can make the
//! parser panic.
//!
//! The parts shared by both formats live here: the public types, the entry
//! point, the limits and the cleaning of names and numbers. The CSV reader is
//! in `csv`, the vCard reader in `vcard`.

mod csv;
mod vcard;

/// The largest file [`parse_contacts`] accepts, in bytes (20 MiB).
pub const MAX_IMPORT_BYTES: usize = 20 * 1024 * 1024;

/// The most contacts one file may hold.
const MAX_IMPORT_CARDS: usize = 100_000;

/// Names are cut to this many characters.
const MAX_NAME_CHARS: usize = 200;

/// A "number" longer than this is not a phone number and is dropped.
const MAX_NUMBER_CHARS: usize = 64;

/// Numbers kept per contact; any further ones are ignored.
const MAX_NUMBERS_PER_CARD: usize = 50;

/// One person (or company) read from a file, numbers as written in the file (not normalised).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactCard {
    /// The name to show: never empty, whitespace collapsed, control
    /// characters removed, at most 200 characters.
    pub name: String,
    /// The phone numbers, trimmed, never empty, without duplicates, each
    /// holding at least one digit and at most 64 characters. Fax and pager
    /// numbers are left out.
    pub numbers: Vec<String>,
}

/// The kind of contact file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContactFormat {
    /// Comma-, semicolon- or tab-separated values with a header row.
    Csv,
    /// vCard 2.1, 3.0 or 4.0 (`.vcf`).
    VCard,
}

/// What [`parse_contacts`] read from a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedContacts {
    /// The format the file was read as.
    pub format: ContactFormat,
    /// The contacts that have both a name and a number, in file order.
    pub cards: Vec<ContactCard>,
    /// How many entries (CSV rows, vCards) were left out for lack of a name
    /// or of a number. Blank CSV rows are not counted.
    pub skipped: usize,
}

/// Why a contact file cannot be imported.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImportError {
    /// The file is larger than [`MAX_IMPORT_BYTES`].
    #[error("the file is too large ({size} bytes; at most {max} bytes can be imported)")]
    TooLarge {
        /// The file's size in bytes.
        size: usize,
        /// The largest size accepted.
        max: usize,
    },
    /// The file holds more contacts than can be imported at once.
    #[error("the file holds more than {max} contacts")]
    TooManyCards {
        /// The most contacts accepted.
        max: usize,
    },
    /// The file holds nothing but blanks.
    #[error("the file is empty")]
    Empty,
    /// Neither the file name nor the content says CSV or vCard.
    #[error("the file is neither a CSV file nor a vCard file")]
    UnknownFormat,
    /// The CSV header row names no column a contact's name can be read from.
    #[error("the CSV file has no name column (such as Name, First Name, Last Name, Company, Nom, Prénom or Société)")]
    NoNameColumn,
    /// The CSV header row names no phone number column.
    #[error("the CSV file has no phone number column (such as Phone, Mobile, Téléphone or Portable)")]
    NoNumberColumn,
    /// The file breaks the format in a way that cannot be read past.
    #[error("line {line}: {reason}")]
    Malformed {
        /// The line (counted from 1) where the problem starts.
        line: usize,
        /// What is wrong.
        reason: String,
    },
}

/// Reads the contacts of a file the user imports.
///
/// The format is taken from the file name's extension (`.csv` or `.tsv`,
/// `.vcf` or `.vcard`, in any case) and, failing that, from the content: a
/// file starting with `BEGIN:VCARD` is a vCard, anything else is tried as
/// CSV. A UTF-8 byte order mark is ignored; lines may end with CRLF, LF or CR.
///
/// CSV files need a header row naming their columns (Outlook, Google and
/// Thunderbird exports, in English or French, are understood). Entries
/// without a name or without a number are left out and counted in
/// [`ParsedContacts::skipped`].
///
/// # Errors
///
/// [`ImportError::TooLarge`] beyond [`MAX_IMPORT_BYTES`],
/// [`ImportError::TooManyCards`] beyond 100,000 contacts,
/// [`ImportError::Empty`] for a blank file, [`ImportError::UnknownFormat`]
/// when the format cannot be told, [`ImportError::NoNameColumn`] or
/// [`ImportError::NoNumberColumn`] for a CSV header without the needed
/// columns, and [`ImportError::Malformed`] for a quoted CSV field or a vCard
/// never closed or a `.vcf` file without any vCard.
pub fn parse_contacts(file_name: &str, content: &str) -> Result<ParsedContacts, ImportError> {
    if content.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge { size: content.len(), max: MAX_IMPORT_BYTES });
    }
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    if content.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    let (format, read) = match format_from_name(file_name) {
        Some(ContactFormat::Csv) => (ContactFormat::Csv, csv::parse_csv(content)?),
        Some(ContactFormat::VCard) => (ContactFormat::VCard, vcard::parse_vcards(content)?),
        None if starts_like_vcard(content) => (ContactFormat::VCard, vcard::parse_vcards(content)?),
        None => match csv::parse_csv(content) {
            Err(ImportError::NoNameColumn | ImportError::NoNumberColumn) => return Err(ImportError::UnknownFormat),
            read => (ContactFormat::Csv, read?),
        },
    };
    Ok(ParsedContacts { format, cards: read.cards, skipped: read.skipped })
}

/// The format named by the file name's extension, if any.
fn format_from_name(file_name: &str) -> Option<ContactFormat> {
    let (_, extension) = file_name.trim().rsplit_once('.')?;
    if extension.eq_ignore_ascii_case("csv") || extension.eq_ignore_ascii_case("tsv") {
        Some(ContactFormat::Csv)
    } else if extension.eq_ignore_ascii_case("vcf") || extension.eq_ignore_ascii_case("vcard") {
        Some(ContactFormat::VCard)
    } else {
        None
    }
}

/// Whether the first thing in the text is `BEGIN:VCARD`.
fn starts_like_vcard(content: &str) -> bool {
    content.trim_start().get(..11).is_some_and(|head| head.eq_ignore_ascii_case("BEGIN:VCARD"))
}

/// The contacts kept so far and the count of those left out.
#[derive(Debug, Default)]
struct Collected {
    cards: Vec<ContactCard>,
    skipped: usize,
}

impl Collected {
    /// Keeps one entry, or counts it as skipped when it lacks a name or a number.
    fn push(&mut self, name: String, numbers: Vec<String>) -> Result<(), ImportError> {
        if name.is_empty() || numbers.is_empty() {
            self.skipped += 1;
            return Ok(());
        }
        if self.cards.len() >= MAX_IMPORT_CARDS {
            return Err(ImportError::TooManyCards { max: MAX_IMPORT_CARDS });
        }
        self.cards.push(ContactCard { name, numbers });
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Cleaning names and numbers
// ---------------------------------------------------------------------------

/// Text as it should be shown: whitespace runs (line breaks included) made
/// one space, control and direction-override characters dropped, ends
/// trimmed, at most `max_chars` characters kept (cut between characters).
fn clean_text(raw: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut pending_space = false;
    for c in raw.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if c.is_control() || is_hidden_format_char(c) {
            continue;
        }
        let needed = 1 + usize::from(pending_space);
        if count + needed > max_chars {
            break;
        }
        if pending_space {
            out.push(' ');
        }
        out.push(c);
        count += needed;
        pending_space = false;
    }
    out
}

/// Invisible characters that could reorder or hide what a name shows:
/// bidirectional embeddings, overrides, isolates and marks, and stray BOMs.
const fn is_hidden_format_char(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{061c}' | '\u{feff}')
}

/// A name as it should be kept.
fn clean_name(raw: &str) -> String {
    clean_text(raw, MAX_NAME_CHARS)
}

/// Adds one number as written in the file, trimmed, unless it is blank,
/// holds no digit, is too long, is already there or the card is full.
fn add_number(numbers: &mut Vec<String>, raw: &str) {
    if numbers.len() >= MAX_NUMBERS_PER_CARD {
        return;
    }
    let number = clean_text(raw, MAX_NUMBER_CHARS + 1);
    let too_long = number.chars().count() > MAX_NUMBER_CHARS;
    if too_long || !number.bytes().any(|b| b.is_ascii_digit()) || numbers.contains(&number) {
        return;
    }
    numbers.push(number);
}

/// The text after one leading line break (CRLF, LF or CR), if any.
fn skip_line_break(text: &str) -> &str {
    text.strip_prefix("\r\n").or_else(|| text.strip_prefix(['\r', '\n'])).unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    // `parse`, `card`, `TWO_CARDS` and `check_cards` are shared with the
    // tests of `csv` and `vcard`.

    /// Parses, expecting success.
    pub(super) fn parse(file_name: &str, content: &str) -> ParsedContacts {
        parse_contacts(file_name, content).unwrap_or_else(|err| panic!("{file_name}: {err}"))
    }

    pub(super) fn card(name: &str, numbers: &[&str]) -> ContactCard {
        ContactCard { name: name.to_owned(), numbers: numbers.iter().map(|n| (*n).to_owned()).collect() }
    }

    pub(super) const TWO_CARDS: &str = "BEGIN:VCARD\r\n\
        VERSION:3.0\r\n\
        N:Dupont;Jean;;;\r\n\
        FN:Jean Dupont\r\n\
        ORG:ACME\\, Inc.;Sales\r\n\
        TEL;TYPE=CELL:+33 6 12 34 56 78\r\n\
        item1.TEL;type=WORK;type=pref:+33 1 23 45 67 89\r\n\
        TEL;TYPE=WORK,FAX:+33 1 23 45 67 00\r\n\
        PHOTO;ENCODING=b;TYPE=JPEG:AAAA\r\n\
        \x20BBBB\r\n\
        END:VCARD\r\n\
        begin:vcard\r\n\
        version:3.0\r\n\
        fn:Marie Curie\\nSklodowska\r\n\
        tel;type=home:01 02 03 04 05\r\n\
        tel:01 02 03 04 05\r\n\
        end:vcard\r\n";

    #[test]
    fn the_format_comes_from_the_extension_then_the_content() {
        assert_eq!(parse("CONTACTS.VCARD", TWO_CARDS).format, ContactFormat::VCard);
        assert_eq!(parse("export", TWO_CARDS).format, ContactFormat::VCard);
        assert_eq!(parse("export.txt", &format!("\n  {TWO_CARDS}")).format, ContactFormat::VCard);
        assert_eq!(parse("export.txt", "Name;Phone\nA;1\n").format, ContactFormat::Csv);
        assert_eq!(parse_contacts("notes.txt", "hello world\n"), Err(ImportError::UnknownFormat));
        assert_eq!(parse_contacts("a.csv", " \r\n\t"), Err(ImportError::Empty));
        assert_eq!(parse_contacts("a.vcf", "\u{feff}"), Err(ImportError::Empty));
    }

    #[test]
    fn a_byte_order_mark_and_any_line_ends_are_accepted() {
        for end in ["\r\n", "\n", "\r"] {
            let csv = format!("\u{feff}Name,Phone{end}{end}A,1{end}B,2{end}{end}");
            let parsed = parse("bom.csv", &csv);
            assert_eq!(parsed.cards, [card("A", &["1"]), card("B", &["2"])], "{end:?}");
            assert_eq!(parsed.skipped, 0);
        }
        let vcf = "\u{feff}BEGIN:VCARD\rFN:A\rTEL:1\rEND:VCARD\r";
        assert_eq!(parse("a.vcf", vcf).cards, [card("A", &["1"])]);
    }

    #[test]
    fn fax_numbers_are_skipped() {
        let vcf = "BEGIN:VCARD\nFN:Only Fax\nTEL;TYPE=FAX:0100\nTEL;TYPE=work;TYPE=fax:0101\nTEL;FAX:0102\nEND:VCARD\n\
                   BEGIN:VCARD\nFN:Both\nTEL;TYPE=\"voice,fax\":0200\nTEL;TYPE=fax,home:0201\nTEL;PAGER:0202\nEND:VCARD\n";
        let parsed = parse("a.vcf", vcf);
        assert_eq!(parsed.cards, [card("Both", &["0200"])]);
        assert_eq!(parsed.skipped, 1);
        let csv = "Name,Fax,Home Fax,Phone\nA,1,2,3\n";
        assert_eq!(parse("a.csv", csv).cards, [card("A", &["3"])]);
    }

    #[test]
    fn names_and_numbers_are_cleaned() {
        let long_name = "é".repeat(300);
        let long_number = "1".repeat(65);
        let csv = format!(
            "Name,Phone,Mobile\n\
             \"  Jean \u{7}\t\u{202e}Du\u{0}pont \",\" 01 23 \",01 23\n\
             {long_name},{long_number},+{}\n",
            "2".repeat(63)
        );
        let parsed = parse("a.csv", &csv);
        assert_eq!(parsed.cards[0], card("Jean Dupont", &["01 23"]));
        assert_eq!(parsed.cards[1].name, "é".repeat(200));
        assert_eq!(parsed.cards[1].numbers, [format!("+{}", "2".repeat(63))]);
        assert_eq!(clean_name(&format!("{} x", "a".repeat(199))), "a".repeat(199), "no trailing space after a cut");
    }

    #[test]
    fn garbage_and_binary_input_never_panics() {
        let binary: String = (0_u8..=255).cycle().take(5_000).map(char::from).collect();
        let samples = [
            binary.as_str(),
            "\0\0\0\u{1}\u{2}PK\u{3}\u{4}",
            "\"",
            "\"\"\"",
            "=\n=\r\n=",
            ":;:;:;\\",
            "BEGIN:VCARD\nN;ENCODING=QUOTED-PRINTABLE:=\n=\n=E",
            "BEGIN:VCARD\nTEL;\"\"\";:\"\nEND:VCARD",
            "BEGIN:VCARD\n\tBEGIN:VCARD\n END:VCARD\nEND:VCARD",
            "END:VCARD\nEND:VCARD",
            "Name,Phone\n\"a\"b\"c,\"1\"\"\n",
            "Nom\u{0};Tél\n\u{ffff};\u{10ffff}9",
        ];
        for sample in samples {
            for file_name in ["a.csv", "a.vcf", "a.bin", ""] {
                let _ = parse_contacts(file_name, sample);
            }
        }
    }

    #[test]
    fn pathological_inputs_take_linear_time() {
        const SIZE: usize = 1 << 20;
        let blanks_then_quotes = format!("Name,Phone\n{}x{}", " ".repeat(SIZE), "\"".repeat(SIZE));
        let many_params = format!("BEGIN:VCARD\nTEL{}:1\nFN:A\nEND:VCARD\n", ";X".repeat(SIZE));
        let soft_breaks = format!("BEGIN:VCARD\nFN;QUOTED-PRINTABLE:{}A\nTEL:1\nEND:VCARD\n", "=\n".repeat(SIZE));
        let folds = format!("BEGIN:VCARD\nFN:A\n{}TEL:1\nEND:VCARD\n", " =\n".repeat(SIZE));
        let columns = format!("Name,Phone{}\n", ",".repeat(SIZE).repeat(4));
        let started = std::time::Instant::now();
        for content in [&blanks_then_quotes, &many_params, &soft_breaks, &folds, &columns] {
            for file_name in ["a.csv", "a.vcf"] {
                let _ = parse_contacts(file_name, content);
            }
        }
        assert_eq!(parse("a.vcf", &many_params).cards, [card("A", &["1"])]);
        assert_eq!(parse("a.vcf", &soft_breaks).cards, [card("A", &["1"])]);
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "{:?}", started.elapsed());
    }

    #[test]
    fn too_large_files_are_refused_before_any_work() {
        let content = "x".repeat(MAX_IMPORT_BYTES + 1);
        assert_eq!(
            parse_contacts("a.csv", &content),
            Err(ImportError::TooLarge { size: MAX_IMPORT_BYTES + 1, max: MAX_IMPORT_BYTES })
        );
        let content = format!("Name,Phone\n{}", "A,1\n".repeat(10));
        assert_eq!(parse("a.csv", &content).cards.len(), 10);
    }

    #[test]
    fn too_many_cards_are_refused() {
        let mut csv = String::from("Name,Phone\n");
        for _ in 0..=MAX_IMPORT_CARDS {
            csv.push_str("A,1\n");
        }
        assert_eq!(parse_contacts("a.csv", &csv), Err(ImportError::TooManyCards { max: MAX_IMPORT_CARDS }));
        let vcf = "BEGIN:VCARD\nFN:A\nTEL:1\nEND:VCARD\n".repeat(MAX_IMPORT_CARDS + 1);
        assert_eq!(parse_contacts("a.vcf", &vcf), Err(ImportError::TooManyCards { max: MAX_IMPORT_CARDS }));
    }

    /// Text made of the syntax both formats care about, glued at random with arbitrary characters.
    fn contactish() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "BEGIN:VCARD\n",
            "END:VCARD\r\n",
            "FN:",
            "N:",
            "ORG:",
            "TEL;TYPE=fax:",
            "item1.TEL;VALUE=uri:tel:",
            ";ENCODING=QUOTED-PRINTABLE",
            ";CHARSET=ISO-8859-1",
            "=C3",
            "=",
            "\\",
            "\\,",
            ";",
            ",",
            ":",
            ":::",
            "\"",
            "\"\"",
            "\t",
            " ",
            "\n",
            "\r",
            "\r\n",
            "Name,Phone,Phone 1 - Value\n",
            "Prénom;Nom;Tél\n",
            "sep=;\n",
            "+33 1 23 45 67 89",
            "\u{feff}",
            "\u{202e}",
        ]);
        prop::collection::vec(prop_oneof![pieces.prop_map(str::to_owned), any::<char>().prop_map(String::from)], 0..80)
            .prop_map(|parts| parts.concat())
    }

    /// What every card read must look like, whatever the input.
    pub(super) fn check_cards(parsed: &ParsedContacts) -> Result<(), TestCaseError> {
        for card in &parsed.cards {
            prop_assert!(!card.name.is_empty() && card.name.chars().count() <= MAX_NAME_CHARS);
            prop_assert_eq!(card.name.trim(), card.name.as_str());
            prop_assert!(!card.name.chars().any(char::is_control));
            prop_assert!(!card.numbers.is_empty() && card.numbers.len() <= MAX_NUMBERS_PER_CARD);
            for (index, number) in card.numbers.iter().enumerate() {
                prop_assert!(!number.is_empty() && number.chars().count() <= MAX_NUMBER_CHARS);
                prop_assert!(!card.numbers[..index].contains(number), "duplicate {number}");
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1_000, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_text_never_panics_in_either_format(text in contactish(), random in any::<String>()) {
            for content in [&text, &random] {
                for file_name in ["contacts.csv", "contacts.vcf", "contacts"] {
                    if let Ok(parsed) = parse_contacts(file_name, content) {
                        check_cards(&parsed)?;
                    }
                }
            }
        }
    }
}
