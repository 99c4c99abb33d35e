//! The vCard reader (2.1, 3.0 and 4.0): lines unfolded, content lines split
//! into name, parameters and value, values unescaped and decoded, and each
//! `BEGIN:VCARD` … `END:VCARD` block made a name and its numbers.

use std::borrow::Cow;
use std::iter::Peekable;

use super::{Collected, ImportError, add_number, clean_name, skip_line_break};

/// vCard property parameters read per line; any further ones are ignored.
const MAX_VCARD_PARAMS: usize = 100;

/// Reads the `BEGIN:VCARD` … `END:VCARD` blocks of a file. Text outside them
/// is ignored, as are vCards nested in others (2.1 `AGENT`).
pub(super) fn parse_vcards(content: &str) -> Result<Collected, ImportError> {
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
    use crate::import::tests::{TWO_CARDS, card, parse};
    use crate::import::{ContactFormat, ImportError, parse_contacts};

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
}
