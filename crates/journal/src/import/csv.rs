//! The CSV reader: the separator, the RFC 4180 fields (read leniently), and
//! the header row telling which columns hold names and which phone numbers
//! (Outlook, Google, Thunderbird and spreadsheet exports, English or French).

use std::iter::Peekable;
use std::str::Chars;

use super::{Collected, ImportError, add_number, clean_name, skip_line_break};

/// CSV columns read per row; any further ones are ignored.
const MAX_CSV_COLUMNS: usize = 1_000;

/// Reads a CSV file whose first non-blank row names the columns.
pub(super) fn parse_csv(content: &str) -> Result<Collected, ImportError> {
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use crate::import::tests::{card, check_cards, parse};
    use crate::import::{ContactFormat, ImportError, parse_contacts};

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

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1_000, ..ProptestConfig::default() })]

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
