//! Contact files the user imports: CSV exports (Outlook, Google, Thunderbird,
//! spreadsheets, in English or French) and vCards (2.1, 3.0 and 4.0).
//!
//! This module owns [`parse_contacts`]: telling the two formats apart,
//! reading them and turning each entry into a [`ContactCard`] — a cleaned-up
//! name and the phone numbers as written in the file (normalising them is
//! the caller's business). It is pure (no I/O, no storage) and treats the
//! text as hostile: size and work are bounded and nothing in it can make the
//! parser panic.

use std::borrow::Cow;
use std::iter::Peekable;
use std::str::Chars;

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

/// CSV columns read per row; any further ones are ignored.
const MAX_CSV_COLUMNS: usize = 1_000;

/// vCard property parameters read per line; any further ones are ignored.
const MAX_VCARD_PARAMS: usize = 100;

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
        Some(ContactFormat::Csv) => (ContactFormat::Csv, parse_csv(content)?),
        Some(ContactFormat::VCard) => (ContactFormat::VCard, parse_vcards(content)?),
        None if starts_like_vcard(content) => (ContactFormat::VCard, parse_vcards(content)?),
        None => match parse_csv(content) {
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

// ---------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------

/// Reads a CSV file whose first non-blank row names the columns.
fn parse_csv(content: &str) -> Result<Collected, ImportError> {
    let (body, first_line, separator) = match excel_separator_line(content) {
        Some((separator, rest)) => (rest, 2, separator),
        None => (content, 1, detect_separator(content)),
    };
    let mut reader = CsvReader { chars: body.chars().peekable(), separator, line: first_line };
    let header = loop {
        match reader.next_record()? {
            None => return Err(ImportError::NoNameColumn),
            Some(fields) if is_blank_row(&fields) => {}
            Some(fields) => break fields,
        }
    };
    let columns = CsvColumns::from_header(&header)?;
    let mut collected = Collected::default();
    while let Some(row) = reader.next_record()? {
        if is_blank_row(&row) {
            continue;
        }
        let (name, numbers) = columns.card(&row);
        collected.push(name, numbers)?;
    }
    Ok(collected)
}

/// Excel's `sep=;` first line, which names the separator: the separator and
/// the text after that line.
fn excel_separator_line(content: &str) -> Option<(char, &str)> {
    let end = content.find(['\r', '\n']).unwrap_or(content.len());
    let (first, rest) = content.split_at_checked(end)?;
    let first = first.trim();
    if !first.get(..4)?.eq_ignore_ascii_case("sep=") {
        return None;
    }
    let mut chars = first.get(4..)?.chars();
    let separator = chars.next().filter(|c| [',', ';', '\t', '|'].contains(c))?;
    if chars.next().is_some() {
        return None;
    }
    Some((separator, skip_line_break(rest)))
}

/// The text after one leading line break (CRLF, LF or CR), if any.
fn skip_line_break(text: &str) -> &str {
    text.strip_prefix("\r\n").or_else(|| text.strip_prefix(['\r', '\n'])).unwrap_or(text)
}

/// The separator of the header row: whichever of comma, semicolon and tab
/// appears most often outside quotes (comma when none does).
fn detect_separator(content: &str) -> char {
    let (mut commas, mut semicolons, mut tabs) = (0_usize, 0_usize, 0_usize);
    let mut quoted = false;
    let mut row_started = false;
    for c in content.chars() {
        match c {
            '"' => quoted = !quoted,
            _ if quoted => {}
            '\r' | '\n' if row_started => break,
            '\r' | '\n' => (commas, semicolons, tabs) = (0, 0, 0),
            ',' => commas += 1,
            ';' => semicolons += 1,
            '\t' => tabs += 1,
            _ => {}
        }
        row_started |= !c.is_whitespace();
    }
    if semicolons > commas && semicolons >= tabs {
        ';'
    } else if tabs > commas && tabs > semicolons {
        '\t'
    } else {
        ','
    }
}

/// Whether every field of a row is blank.
fn is_blank_row(fields: &[String]) -> bool {
    fields.iter().all(|field| field.trim().is_empty())
}

/// An RFC 4180 reader, lenient where real files are: a quote opens a quoted
/// field only at the start of a field (after optional blanks); text after a
/// closing quote is kept; CRLF, LF and CR all end a row.
#[derive(Debug)]
struct CsvReader<'a> {
    chars: Peekable<Chars<'a>>,
    separator: char,
    /// The line the reader is on, counted from 1.
    line: usize,
}

impl CsvReader<'_> {
    /// The next row's fields, or `None` at the end of the text.
    fn next_record(&mut self) -> Result<Option<Vec<String>>, ImportError> {
        if self.chars.peek().is_none() {
            return Ok(None);
        }
        let mut fields = Vec::new();
        let mut field = String::new();
        // The line where the open quoted field started, while inside one.
        let mut open_quote: Option<usize> = None;
        let mut field_was_quoted = false;
        // Whether the field holds only blanks so far (a quote may still open it).
        let mut field_blank = true;
        while let Some(c) = self.chars.next() {
            if open_quote.is_some() {
                match c {
                    '"' if self.chars.peek() == Some(&'"') => {
                        self.chars.next();
                        field.push('"');
                    }
                    '"' => open_quote = None,
                    '\r' | '\n' => {
                        self.line_break(c);
                        field.push('\n');
                    }
                    _ => field.push(c),
                }
            } else if c == '"' && !field_was_quoted && field_blank {
                field.clear();
                open_quote = Some(self.line);
                field_was_quoted = true;
            } else if c == self.separator {
                push_field(&mut fields, std::mem::take(&mut field));
                field_was_quoted = false;
                field_blank = true;
            } else if c == '\r' || c == '\n' {
                self.line_break(c);
                push_field(&mut fields, field);
                return Ok(Some(fields));
            } else {
                field_blank &= c.is_whitespace();
                field.push(c);
            }
        }
        if let Some(line) = open_quote {
            return Err(ImportError::Malformed { line, reason: "a quoted field is never closed".to_owned() });
        }
        push_field(&mut fields, field);
        Ok(Some(fields))
    }

    /// Counts a line break, taking the LF of a CRLF along.
    fn line_break(&mut self, c: char) {
        if c == '\r' && self.chars.peek() == Some(&'\n') {
            self.chars.next();
        }
        self.line += 1;
    }
}

/// Keeps a field unless the row already has as many as are ever read.
fn push_field(fields: &mut Vec<String>, field: String) {
    if fields.len() < MAX_CSV_COLUMNS {
        fields.push(field);
    }
}

/// Header cells naming a whole name, best first (after [`header_key`]).
const FULL_NAME_HEADERS: [&str; 14] = [
    "display name",
    "displayname",
    "full name",
    "fullname",
    "formatted name",
    "name",
    "contact name",
    "nom a afficher",
    "nom affiche",
    "nom complet",
    "nom du contact",
    "nom",
    "contact",
    "contact full name",
];

/// Header cells naming a first name.
const FIRST_NAME_HEADERS: [&str; 7] =
    ["first name", "firstname", "first", "given name", "givenname", "forename", "prenom"];

/// Header cells naming a last name.
const LAST_NAME_HEADERS: [&str; 7] =
    ["last name", "lastname", "last", "family name", "familyname", "surname", "nom de famille"];

/// Header cells naming a company, the name of a contact without a person's name.
const COMPANY_HEADERS: [&str; 15] = [
    "company",
    "company name",
    "organization",
    "organisation",
    "organization name",
    "organisation name",
    "organization 1 name",
    "org",
    "societe",
    "nom de la societe",
    "entreprise",
    "nom de l entreprise",
    "raison sociale",
    "business name",
    "employer",
];

/// Header words that make a column a phone number column.
const NUMBER_HINTS: [&str; 8] = ["phone", "tel", "mobile", "cell", "portable", "numero", "number", "gsm"];

/// Header words of numbers that are not called nor call: fax, telex, pager.
const NOT_CALLABLE_HINTS: [&str; 6] = ["fax", "telecopie", "telex", "pager", "radiomessagerie", "beeper"];

/// Header words of columns that hold no phone number despite a hint
/// (Google's "Phone 1 - Type", Outlook's "Government ID Number", addresses).
const NOT_NUMBER_WORDS: [&str; 14] = [
    "type", "label", "id", "street", "rue", "address", "adresse", "postal", "account", "compte", "siret", "siren",
    "tva", "vat",
];

/// A header cell made comparable: lower case, French accents removed, every
/// run of other characters than letters and digits made one space, trimmed.
fn header_key(cell: &str) -> String {
    let mut key = String::with_capacity(cell.len());
    for c in cell.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ÿ' | 'ý' => 'y',
            other => other,
        };
        if c.is_alphanumeric() {
            key.push(c);
        } else if !key.is_empty() && !key.ends_with(' ') {
            key.push(' ');
        }
    }
    if key.ends_with(' ') {
        key.pop();
    }
    key
}

/// Whether a header (as made by [`header_key`]) names a number to call.
fn is_number_header(key: &str) -> bool {
    NUMBER_HINTS.iter().any(|hint| key.contains(hint))
        && !NOT_CALLABLE_HINTS.iter().any(|hint| key.contains(hint))
        && !key.split(' ').any(|word| NOT_NUMBER_WORDS.contains(&word))
}

/// Which columns of a CSV file hold what.
#[derive(Debug)]
struct CsvColumns {
    /// Whole-name columns, best first.
    full_names: Vec<usize>,
    first: Option<usize>,
    last: Option<usize>,
    company: Option<usize>,
    numbers: Vec<usize>,
}

impl CsvColumns {
    /// Reads the header row.
    fn from_header(header: &[String]) -> Result<Self, ImportError> {
        let mut full_names: Vec<(usize, usize)> = Vec::new();
        let (mut first, mut last, mut company, mut nom) = (None, None, None, None);
        let mut numbers = Vec::new();
        for (index, cell) in header.iter().enumerate() {
            let key = header_key(cell);
            let key = key.as_str();
            if let Some(rank) = FULL_NAME_HEADERS.iter().position(|known| *known == key) {
                if key == "nom" {
                    nom.get_or_insert(index);
                }
                full_names.push((rank, index));
            } else if FIRST_NAME_HEADERS.contains(&key) {
                first.get_or_insert(index);
            } else if LAST_NAME_HEADERS.contains(&key) {
                last.get_or_insert(index);
            } else if COMPANY_HEADERS.contains(&key) {
                company.get_or_insert(index);
            } else if is_number_header(key) {
                numbers.push(index);
            }
        }
        // French Outlook exports "Prénom" and "Nom": there, "Nom" is the last name.
        if let (Some(_), None, Some(nom)) = (first, last, nom) {
            last = Some(nom);
            full_names.retain(|&(_, index)| index != nom);
        }
        full_names.sort_unstable();
        if full_names.is_empty() && first.is_none() && last.is_none() && company.is_none() {
            return Err(ImportError::NoNameColumn);
        }
        if numbers.is_empty() {
            return Err(ImportError::NoNumberColumn);
        }
        Ok(Self { full_names: full_names.into_iter().map(|(_, index)| index).collect(), first, last, company, numbers })
    }

    /// The name and numbers of one row: the first filled whole name, else
    /// "First Last", else the company.
    fn card(&self, row: &[String]) -> (String, Vec<String>) {
        let cell = |index: usize| row.get(index).map_or("", String::as_str);
        let mut name = self.full_names.iter().map(|&index| clean_name(cell(index))).find(|name| !name.is_empty());
        if name.is_none() {
            let first = self.first.map_or("", cell);
            let last = self.last.map_or("", cell);
            name = Some(clean_name(&format!("{first} {last}"))).filter(|name| !name.is_empty());
        }
        let name = name.or_else(|| self.company.map(|index| clean_name(cell(index)))).unwrap_or_default();
        let mut numbers = Vec::new();
        for &index in &self.numbers {
            // Google puts several numbers of one kind in one cell: "a ::: b".
            for number in cell(index).split(":::") {
                add_number(&mut numbers, number);
            }
        }
        (name, numbers)
    }
}

// ---------------------------------------------------------------------------
// vCard
// ---------------------------------------------------------------------------

/// Reads the `BEGIN:VCARD` … `END:VCARD` blocks of a file. Text outside them
/// is ignored, as are vCards nested in others (2.1 `AGENT`).
fn parse_vcards(content: &str) -> Result<Collected, ImportError> {
    let mut collected = Collected::default();
    let mut draft: Option<VCardDraft> = None;
    let mut nested = 0_usize;
    let mut found_any = false;
    for (line, text) in (Unfolded { lines: PhysicalLines { rest: content, number: 0 }.peekable() }) {
        let Some(property) = Property::parse(&text) else { continue };
        let about_vcard = property.value.trim().eq_ignore_ascii_case("VCARD");
        if property.is("BEGIN") && about_vcard {
            if draft.is_some() {
                nested += 1;
            } else {
                draft = Some(VCardDraft { start_line: line, ..VCardDraft::default() });
                found_any = true;
            }
        } else if property.is("END") && about_vcard {
            if nested > 0 {
                nested -= 1;
            } else if let Some(done) = draft.take() {
                let (name, numbers) = done.finish();
                collected.push(name, numbers)?;
            }
        } else if nested == 0 {
            if let Some(draft) = draft.as_mut() {
                draft.read(&property);
            }
        }
    }
    if let Some(open) = draft {
        let reason = "this vCard is never closed (END:VCARD is missing)".to_owned();
        return Err(ImportError::Malformed { line: open.start_line, reason });
    }
    if !found_any {
        return Err(ImportError::Malformed {
            line: 1,
            reason: "no vCard in the file (BEGIN:VCARD is missing)".to_owned(),
        });
    }
    Ok(collected)
}

/// What one vCard said so far.
#[derive(Debug, Default)]
struct VCardDraft {
    start_line: usize,
    /// From `FN`.
    formatted: String,
    /// From `N`, as "Given Family".
    structured: String,
    /// From `ORG`, its first component.
    organization: String,
    numbers: Vec<String>,
}

impl VCardDraft {
    /// Takes in one property; the first non-empty `FN`, `N` and `ORG` count.
    fn read(&mut self, property: &Property<'_>) {
        if property.is("TEL") {
            if !property.is_fax_or_pager() {
                add_number(&mut self.numbers, &tel_number(&property.decoded_value()));
            }
        } else if property.is("FN") {
            if self.formatted.is_empty() {
                self.formatted = clean_name(&unescape(&property.decoded_value(), false));
            }
        } else if property.is("N") {
            if self.structured.is_empty() {
                let value = property.decoded_value();
                let mut components = components(&value);
                let family = unescape(components.next().unwrap_or_default(), true);
                let given = unescape(components.next().unwrap_or_default(), true);
                self.structured = clean_name(&format!("{given} {family}"));
            }
        } else if property.is("ORG") && self.organization.is_empty() {
            let value = property.decoded_value();
            self.organization = clean_name(&unescape(components(&value).next().unwrap_or_default(), false));
        }
    }

    /// The card's name (`FN`, else `N`, else `ORG`) and numbers.
    fn finish(self) -> (String, Vec<String>) {
        let name = [self.formatted, self.structured, self.organization]
            .into_iter()
            .find(|name| !name.is_empty())
            .unwrap_or_default();
        (name, self.numbers)
    }
}

/// The number in a `TEL` value: a `tel:` URI loses its scheme and its
/// parameters (`;ext=…`, `;phone-context=…`); anything else is kept.
fn tel_number(value: &str) -> String {
    let value = value.trim();
    match value.get(..4) {
        Some(scheme) if scheme.eq_ignore_ascii_case("tel:") => {
            let uri = value.get(4..).unwrap_or_default();
            uri.split(';').next().unwrap_or_default().to_owned()
        }
        _ => value.to_owned(),
    }
}

/// The components of a structured value, split at each `;` not escaped by a
/// backslash (produced one by one: a hostile value may hold millions).
fn components(value: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(value);
    std::iter::from_fn(move || {
        let current = rest?;
        let mut escaped = false;
        for (index, c) in current.char_indices() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == ';' {
                rest = current.get(index + 1..);
                return current.get(..index);
            }
        }
        rest = None;
        Some(current)
    })
}

/// Undoes vCard text escapes (`\,` `\;` `\:` `\\` and `\n` for a line
/// break; other backslashes are kept). With `commas_separate`, an unescaped
/// comma separates list items (as in the parts of `N`) and becomes a space.
fn unescape(text: &str, commas_separate: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(escaped @ (',' | ';' | ':' | '\\')) => out.push(escaped),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            ',' if commas_separate => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// The lines of a text, counted from 1, whatever their line ends.
#[derive(Debug)]
struct PhysicalLines<'a> {
    rest: &'a str,
    number: usize,
}

impl<'a> Iterator for PhysicalLines<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let end = self.rest.find(['\r', '\n']).unwrap_or(self.rest.len());
        let (line, tail) = self.rest.split_at_checked(end)?;
        self.rest = skip_line_break(tail);
        self.number += 1;
        Some((self.number, line))
    }
}

/// Content lines as the vCard formats mean them: a line starting with a
/// space or tab continues the previous one (that blank removed), and a
/// quoted-printable value ending with `=` continues on the next line.
#[derive(Debug)]
struct Unfolded<'a> {
    lines: Peekable<PhysicalLines<'a>>,
}

impl Iterator for Unfolded<'_> {
    type Item = (usize, String);

    fn next(&mut self) -> Option<Self::Item> {
        let (number, first) = self.lines.next()?;
        let mut text = first.to_owned();
        // Worked out once, the first time a line ends with `=`.
        let mut quoted_printable: Option<bool> = None;
        while let Some(&(_, next)) = self.lines.peek() {
            if text.ends_with('=') && *quoted_printable.get_or_insert_with(|| Property::is_quoted_printable_line(&text))
            {
                text.pop();
                text.push_str(next);
            } else if let Some(continued) = next.strip_prefix([' ', '\t']) {
                text.push_str(continued);
            } else {
                break;
            }
            self.lines.next();
        }
        Some((number, text))
    }
}

/// One content line: `[group.]NAME[;PARAM…]:value`.
#[derive(Debug)]
struct Property<'a> {
    /// The name without its group.
    name: &'a str,
    params: Vec<Param<'a>>,
    value: &'a str,
}

/// One parameter: `KEY=value[,value…]`, or a bare value (vCard 2.1 `TEL;CELL:`).
#[derive(Debug)]
struct Param<'a> {
    key: Option<&'a str>,
    values: &'a str,
}

impl<'a> Param<'a> {
    fn is(&self, key: &str) -> bool {
        self.key.is_some_and(|own| own.trim().eq_ignore_ascii_case(key))
    }

    /// The values, unquoted, trimmed.
    fn values(&self) -> impl Iterator<Item = &'a str> {
        self.values.split(',').map(|value| value.trim().trim_matches('"').trim())
    }
}

impl<'a> Property<'a> {
    /// Splits a content line; `None` when it has no `:`.
    fn parse(line: &'a str) -> Option<Self> {
        let colon = unquoted_position(line, ':').or_else(|| line.find(':'))?;
        let (head, value) = (line.get(..colon)?, line.get(colon + 1..)?);
        let mut parts = split_unquoted(head, ';');
        let name = parts.next()?.trim();
        let name = name.rsplit_once('.').map_or(name, |(_, name)| name);
        let params = parts
            .take(MAX_VCARD_PARAMS)
            .map(|part| match part.split_once('=') {
                Some((key, values)) => Param { key: Some(key), values },
                None => Param { key: None, values: part },
            })
            .collect();
        Some(Self { name, params, value })
    }

    /// Whether the content line (perhaps not complete yet) has a
    /// quoted-printable value.
    fn is_quoted_printable_line(line: &str) -> bool {
        Property::parse(line).is_some_and(|property| property.is_quoted_printable())
    }

    fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// `ENCODING=QUOTED-PRINTABLE`, or vCard 2.1's bare `QUOTED-PRINTABLE`.
    fn is_quoted_printable(&self) -> bool {
        self.params.iter().any(|param| {
            (param.key.is_none() || param.is("ENCODING"))
                && param.values().any(|value| value.eq_ignore_ascii_case("QUOTED-PRINTABLE"))
        })
    }

    /// Whether a `TYPE` (or vCard 2.1 bare parameter) has this value.
    fn has_type(&self, wanted: &str) -> bool {
        self.params
            .iter()
            .filter(|param| param.key.is_none() || param.is("TYPE"))
            .any(|param| param.values().any(|value| value.eq_ignore_ascii_case(wanted)))
    }

    /// A fax or pager line, not also marked as one to talk on.
    fn is_fax_or_pager(&self) -> bool {
        (self.has_type("fax") || self.has_type("pager")) && !self.has_type("voice") && !self.has_type("cell")
    }

    /// Whether `CHARSET` names a single-byte western encoding.
    fn is_latin1(&self) -> bool {
        self.params.iter().filter(|param| param.is("CHARSET")).flat_map(Param::values).any(|charset| {
            ["ISO-8859-1", "ISO-8859-15", "LATIN1", "WINDOWS-1252", "CP1252"]
                .iter()
                .any(|known| charset.eq_ignore_ascii_case(known))
        })
    }

    /// The value with its quoted-printable encoding undone (UTF-8 unless
    /// `CHARSET` says Latin-1 or Windows-1252).
    fn decoded_value(&self) -> Cow<'a, str> {
        if self.is_quoted_printable() {
            Cow::Owned(decode_quoted_printable(self.value, self.is_latin1()))
        } else {
            Cow::Borrowed(self.value)
        }
    }
}

/// Where `wanted` first appears outside double quotes.
fn unquoted_position(text: &str, wanted: char) -> Option<usize> {
    let mut quoted = false;
    for (index, c) in text.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == wanted && !quoted {
            return Some(index);
        }
    }
    None
}

/// Splits at each `separator` outside double quotes.
fn split_unquoted(text: &str, separator: char) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        let Some(index) = unquoted_position(current, separator) else {
            rest = None;
            return Some(current);
        };
        rest = current.get(index + 1..);
        current.get(..index)
    })
}

/// Decodes `=XX` escapes; a `=` not followed by two hex digits is kept.
fn decode_quoted_printable(text: &str, latin1: bool) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        if byte == b'=' {
            let high = bytes.get(index + 1).and_then(|&b| hex_value(b));
            let low = bytes.get(index + 2).and_then(|&b| hex_value(b));
            if let (Some(high), Some(low)) = (high, low) {
                decoded.push((high << 4) | low);
                index += 3;
                continue;
            }
        }
        decoded.push(byte);
        index += 1;
    }
    if latin1 { decoded.into_iter().map(char::from).collect() } else { String::from_utf8_lossy(&decoded).into_owned() }
}

/// The value of one hexadecimal digit.
fn hex_value(byte: u8) -> Option<u8> {
    char::from(byte).to_digit(16).and_then(|digit| u8::try_from(digit).ok())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Parses, expecting success.
    fn parse(file_name: &str, content: &str) -> ParsedContacts {
        parse_contacts(file_name, content).unwrap_or_else(|err| panic!("{file_name}: {err}"))
    }

    fn card(name: &str, numbers: &[&str]) -> ContactCard {
        ContactCard { name: name.to_owned(), numbers: numbers.iter().map(|n| (*n).to_owned()).collect() }
    }

    #[test]
    fn an_outlook_export_is_read() {
        let csv = "First Name,Middle Name,Last Name,Title,Company,Manager's Name,E-mail Address,Home Phone,\
                   Business Phone,Mobile Phone,Business Fax,Pager,Telex,Government ID Number\r\n\
                   Jean,,Dupont,,ACME,Paul,jean@example.com,01 23 45 67 89,,06 12 34 56 78,01 99 99 99 99,,,1234\r\n\
                   ,,,,Plomberie Martin,,,,+33 4 11 22 33 44,,,,,\r\n\
                   Sans,,Numéro,,,,,,,,01 00 00 00 00,,,\r\n";
        let parsed = parse("contacts.CSV", csv);
        assert_eq!(parsed.format, ContactFormat::Csv);
        assert_eq!(
            parsed.cards,
            [
                card("Jean Dupont", &["01 23 45 67 89", "06 12 34 56 78"]),
                card("Plomberie Martin", &["+33 4 11 22 33 44"]),
            ]
        );
        assert_eq!(parsed.skipped, 1, "the row with only a fax number");
    }

    #[test]
    fn a_google_export_splits_cells_and_ignores_type_columns() {
        let csv = "Name,Given Name,Family Name,Group Membership,Phone 1 - Type,Phone 1 - Value,\
                   Phone 2 - Label,Phone 2 - Value,Organization 1 - Name\n\
                   Alice Martin,Alice,Martin,* myContacts,Mobile,+33 6 11 11 11 11 ::: +33 6 22 22 22 22,Work,\
                   +33 1 44 44 44 44,\n\
                   ,Bob,Durand,,Home,+33 1 55 55 55 55,,,\n\
                   ,,,,Work,+33 1 66 66 66 66 ::: +33 1 66 66 66 66,,,Boulangerie\n";
        let parsed = parse("google.csv", csv);
        assert_eq!(
            parsed.cards,
            [
                card("Alice Martin", &["+33 6 11 11 11 11", "+33 6 22 22 22 22", "+33 1 44 44 44 44"]),
                card("Bob Durand", &["+33 1 55 55 55 55"]),
                card("Boulangerie", &["+33 1 66 66 66 66"]),
            ]
        );
        assert_eq!(parsed.skipped, 0);
    }

    #[test]
    fn a_french_semicolon_file_joins_first_and_last_names() {
        let csv = "Prénom;Deuxième prénom;Nom;Société;Téléphone (bureau);Tél. mobile;Télécopie (bureau);Télex\n\
                   Émilie;;Lefèvre;;01 02 03 04 05;07 08 09 10 11;01 02 03 04 06;\n\
                   ;;;Mairie de Trifouillis;05 55 55 55 55;;;\n";
        let parsed = parse("export.csv", csv);
        assert_eq!(
            parsed.cards,
            [
                card("Émilie Lefèvre", &["01 02 03 04 05", "07 08 09 10 11"]),
                card("Mairie de Trifouillis", &["05 55 55 55 55"])
            ]
        );
    }

    #[test]
    fn thunderbird_and_spreadsheet_headers_are_understood() {
        let csv = "First Name\tLast Name\tDisplay Name\tWork Phone\tFax Number\tPager Number\tMobile Number\n\
                   Ann\tLee\tDr Ann Lee\t555-0100\t555-0101\t555-0102\t555-0103\n";
        assert_eq!(parse("tb.tsv", csv).cards, [card("Dr Ann Lee", &["555-0100", "555-0103"])]);
        let csv = "Nom;Numéro\nLe Garage;04 76 00 00 00\n";
        assert_eq!(parse("a.csv", csv).cards, [card("Le Garage", &["04 76 00 00 00"])]);
        let csv = "sep=,\n\"Contact\",\"Tel\"\nZoé,0600000000\n";
        assert_eq!(parse("a.csv", csv).cards, [card("Zoé", &["0600000000"])]);
    }

    #[test]
    fn quoted_fields_keep_separators_quotes_and_line_breaks() {
        let csv = "Name,Phone,Notes\n\
                   \"Dupont, Jean\",\"+33 1 23 45 67 89\",\"says \"\"hi\"\"\"\n\
                   \"Martin\r\nPaul\",0612345678,\"two\nlines, and more\"\n\
                   \"Smith \"\"Bob\"\"\", 555 0199 ,x\n";
        let parsed = parse("q.csv", csv);
        assert_eq!(
            parsed.cards,
            [
                card("Dupont, Jean", &["+33 1 23 45 67 89"]),
                card("Martin Paul", &["0612345678"]),
                card("Smith \"Bob\"", &["555 0199"]),
            ]
        );
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
    fn an_unterminated_quote_is_reported_at_its_line() {
        let csv = "Name,Phone\nA,1\n\"B,2\nC,3\n";
        assert_eq!(
            parse_contacts("a.csv", csv),
            Err(ImportError::Malformed { line: 3, reason: "a quoted field is never closed".to_owned() })
        );
    }

    #[test]
    fn missing_header_columns_are_named() {
        assert_eq!(parse_contacts("a.csv", "Phone,Mobile\n1,2\n"), Err(ImportError::NoNameColumn));
        assert_eq!(parse_contacts("a.csv", "Name,Email\nA,a@b.c\n"), Err(ImportError::NoNumberColumn));
        assert_eq!(parse_contacts("a.csv", "Name,Fax,Phone 1 - Type\nA,1,Mobile\n"), Err(ImportError::NoNumberColumn));
        assert_eq!(parse_contacts("a.csv", "\n\n\"\"\n"), Err(ImportError::NoNameColumn));
    }

    #[test]
    fn rows_without_name_or_number_are_counted_as_skipped() {
        let csv = "Name,Phone\n,0102030405\nNo Number,\nDash,-\n,,\n \t \nOK,0102\n";
        let parsed = parse("a.csv", csv);
        assert_eq!(parsed.cards, [card("OK", &["0102"])]);
        assert_eq!(parsed.skipped, 3, "blank rows are not counted");
    }

    const TWO_CARDS: &str = "BEGIN:VCARD\r\n\
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
    fn a_vcard_3_file_with_two_cards_is_read() {
        let parsed = parse("contacts.vcf", TWO_CARDS);
        assert_eq!(parsed.format, ContactFormat::VCard);
        assert_eq!(
            parsed.cards,
            [
                card("Jean Dupont", &["+33 6 12 34 56 78", "+33 1 23 45 67 89"]),
                card("Marie Curie Sklodowska", &["01 02 03 04 05"]),
            ]
        );
        assert_eq!(parsed.skipped, 0);
    }

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
    fn folded_lines_are_unfolded() {
        let vcf = "BEGIN:VCARD\nVERSION:4.0\nFN:Jean-Baptiste de La Fontai\n ne-Dupont\n\
                   TEL;VALUE=uri;TYPE=\"voice,\n\thome\":tel:+33-1-23-45-67-89\nEND:VCARD\n";
        assert_eq!(parse("a.vcf", vcf).cards, [card("Jean-Baptiste de La Fontaine-Dupont", &["+33-1-23-45-67-89"])]);
    }

    #[test]
    fn a_vcard_2_1_quoted_printable_name_is_decoded() {
        let vcf = "BEGIN:VCARD\r\n\
                   VERSION:2.1\r\n\
                   N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:L=C3=A9vy;Ren=C3=A9e;;;\r\n\
                   FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Ren=C3=A9e L=C3=A9vy =E2=80=93 Bureau d'=\r\n\
                   =C3=A9tudes\r\n\
                   TEL;CELL;PREF:+33612345678\r\n\
                   TEL;WORK;FAX:+33100000000\r\n\
                   END:VCARD\r\n\
                   BEGIN:VCARD\r\n\
                   VERSION:2.1\r\n\
                   N;CHARSET=ISO-8859-1;QUOTED-PRINTABLE:Gar=E7on;Fran=E7ois\r\n\
                   TEL;HOME;VOICE:0140000000\r\n\
                   END:VCARD\r\n";
        assert_eq!(
            parse("android.vcf", vcf).cards,
            [card("Renée Lévy – Bureau d'études", &["+33612345678"]), card("François Garçon", &["0140000000"]),]
        );
    }

    #[test]
    fn tel_uris_lose_their_scheme_and_parameters() {
        let vcf = "BEGIN:VCARD\nVERSION:4.0\nFN:Uri\n\
                   TEL;type=WORK;VALUE=uri:tel:+33-1-23\n\
                   TEL;VALUE=uri:TEL:+33-1-24;ext=102\n\
                   TEL;VALUE=uri;PID=1.1;TYPE=\"cell,voice\":tel:+33-6-00;phone-context=example.com\n\
                   TEL;VALUE=uri:sip:alice@example.com\n\
                   END:VCARD\n";
        assert_eq!(parse("a.vcf", vcf).cards, [card("Uri", &["+33-1-23", "+33-1-24", "+33-6-00"])]);
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
    fn n_without_fn_and_org_only_make_the_name() {
        let vcf = "BEGIN:VCARD\nN:Curie;Marie;Salomea,Skłodowska;Mme;\nTEL:1\nEND:VCARD\n\
                   BEGIN:VCARD\nFN:\nN:;;;;\nORG:Boulangerie Paul\\; Fils;Vente\nTEL:2\nEND:VCARD\n\
                   BEGIN:VCARD\nN:Dupont\nTEL:3\nEND:VCARD\n\
                   BEGIN:VCARD\nN:Nobody;;;;\nEND:VCARD\n\
                   BEGIN:VCARD\nTEL:4\nEND:VCARD\n";
        let parsed = parse("a.vcf", vcf);
        assert_eq!(
            parsed.cards,
            [card("Marie Curie", &["1"]), card("Boulangerie Paul; Fils", &["2"]), card("Dupont", &["3"])]
        );
        assert_eq!(parsed.skipped, 2);
    }

    #[test]
    fn nested_and_unclosed_vcards() {
        let vcf = "BEGIN:VCARD\nVERSION:2.1\nFN:Boss\nTEL:1\nAGENT:\nBEGIN:VCARD\nFN:Assistant\nTEL:2\nEND:VCARD\n\
                   TEL:3\nEND:VCARD\n";
        assert_eq!(parse("a.vcf", vcf).cards, [card("Boss", &["1", "3"])]);
        let vcf = "BEGIN:VCARD\nFN:A\nTEL:1\nEND:VCARD\n\nBEGIN:VCARD\nFN:B\n";
        assert_eq!(
            parse_contacts("a.vcf", vcf),
            Err(ImportError::Malformed {
                line: 6,
                reason: "this vCard is never closed (END:VCARD is missing)".to_owned()
            })
        );
        assert!(matches!(parse_contacts("a.vcf", "FN:A\nTEL:1\n"), Err(ImportError::Malformed { line: 1, .. })));
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
    fn check_cards(parsed: &ParsedContacts) -> Result<(), TestCaseError> {
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

        #[test]
        fn every_well_formed_row_is_read(
            names in prop::collection::vec("[A-Za-zé ,\"]{0,12}", 1..20),
            number in "\\+?[0-9][0-9 ]{0,19}",
        ) {
            let mut csv = String::from("Name;Phone\r\n");
            for name in &names {
                csv.extend(["\"", &name.replace('"', "\"\""), "\";", &number, "\r\n"]);
            }
            let parsed = parse_contacts("a.csv", &csv).map_err(|err| TestCaseError::fail(err.to_string()))?;
            check_cards(&parsed)?;
            let kept = names.iter().filter(|name| !name.trim().is_empty()).count();
            prop_assert_eq!(parsed.cards.len(), kept);
            prop_assert_eq!(parsed.cards.len() + parsed.skipped, names.len());
        }
    }
}
