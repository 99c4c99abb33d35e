//! Dial rules: turn the text a user selected into exactly one destination for
//! `PlaceCall`, or refuse.
//!
//! This module owns everything between "the user pressed the dial hotkey on
//! some selected text" and "this is the string sent as the call destination":
//! Unicode clean-up, finding number-like runs in free text, `tel:` /
//! `callto:` / `sip:` URIs, extension markers, telling internal extensions
//! from external numbers, validation against the numbering plan (through the
//! `phonenumber` crate) and the outside-line prefix. It does no I/O.
//!
//! The one absolute rule: never dial a number the user did not mean. Whenever
//! the selection is not clearly one number, [`DialRules::destination`] returns
//! a [`DialError`] and nothing must be dialled.
//!
//! # Rules
//!
//! * Selections longer than [`MAX_INPUT_CHARS`] characters are refused
//!   ([`DialError::TooLong`]) before any other work.
//! * Clean-up: bidi marks and zero-width characters are removed; Unicode
//!   spaces become spaces; dashes and minus signs become `-`; fullwidth and
//!   Arabic-Indic digits (and fullwidth `+ ( ) . / * #`) become ASCII.
//! * A *run* is a sequence of number-like words (digits and `( ) . - / * #`,
//!   optionally led by `+`) separated by spaces. A run ends at a word with
//!   letters, a line break or tab, `,` `;` `:` `!` `?`, a sentence-ending `.`,
//!   a lone `-` or `/`, or a word starting with `+` (which starts a new run).
//! * Digits glued to anything else are never a number: times (`12:30`),
//!   decimals (`234,56`), `12h30`, `FR76`, `555&terminalId=1`. A run glued to
//!   such a word on its number side (`+33 1 23 45 67 89#evil`, the IBAN
//!   `FR76 3000 …`) is refused as [`DialError::Invalid`].
//! * Dates written as one word (`2024-05-17`, `17.05.2024`, `05/17/24`) are
//!   ignored.
//! * URIs `tel:`, `callto:`, `sip:`, `sips:`: the scheme counts as a phone
//!   label and only the user part (up to `@`, `;`, `?` or `>`) is read; the
//!   host and parameters are ignored.
//! * A run is *international* when it starts with `+` or `00`; a `(0)` trunk
//!   prefix inside it is then dropped (`+33 (0)1 …`, `0049 (0) 30 …`). Other
//!   runs are read in [`DialRules::default_country`], which also understands
//!   that country's own international prefix (e.g. `011` in the US).
//! * Internal numbers: a run without `+` of 2..=`max_extension_len` (at most 8) digits
//!   (one word, digits only), or a service code such as `*43#` (one word of
//!   digits `*` `#` with at least one digit, starting with `*` or enclosed in
//!   `#…#`, at most `max_extension_len + 2` chars). They are only taken when
//!   *explicit*: the whole selection, or preceded by a label (`internal`,
//!   `interne`, `poste`, `ext`, `Tel`, `sip:`, …). Anywhere else short runs
//!   (room numbers, years, quantities, `#12`) are ignored. Single digits are
//!   always ignored.
//! * Extensions: `ext`, `ext.`, `extension`, `x`, `poste` (also glued, `x22`)
//!   directly after an external number on the same line give
//!   [`Destination::extension`]. The extension is **not dialled**: `PlaceCall`
//!   cannot send DTMF digits after the call connects, so the caller must show
//!   it to the user.
//! * Every other run is an external number: it must parse and be valid for
//!   its region (`phonenumber::is_valid`), else it is [`DialError::Invalid`].
//! * Several numbers: identical destinations count once. Distinct ones are
//!   refused with [`DialError::Ambiguous`], except when exactly one is
//!   labelled as a phone (`Tel`, `Tél`, `Phone`, `Mobile`, `Mob`, `T`, …) and
//!   every other one is labelled `Fax` (or `F`): then the phone is used. Runs
//!   that failed validation are ignored when a valid number exists, unless
//!   they are labelled as a phone (then the selection is refused).
//! * Outside-line prefix: for external numbers `dial` is the prefix followed
//!   by the E.164 form (`0` + `+33123456789` = `0+33123456789`); internal
//!   numbers and `display` are never prefixed.
//! * `dial` only ever holds `+`, ASCII digits, `*` and `#`.

use std::fmt::Write as _;
use std::str::FromStr;

use phonenumber::{Mode, PhoneNumber, country};

/// Longest selection (in characters) that is looked at.
pub const MAX_INPUT_CHARS: usize = 512;
/// Longest digit string tried as an external number (E.164 allows 15, plus
/// room for an international prefix such as `0011`).
const MAX_NUMBER_DIGITS: usize = 19;
/// Longest extension (after `ext`, `x`, ...) accepted for display.
const MAX_EXTENSION_DIGITS: usize = 8;
/// Longest outside-line prefix accepted.
const MAX_PREFIX_DIGITS: usize = 4;
/// Upper bound applied to [`DialRules::max_extension_len`].
const EXTENSION_LEN_CAP: usize = 8;
/// Characters that may surround a number and are dropped: quotes, brackets.
const WRAPPERS: &[char] = &['"', '\'', '«', '»', '“', '”', '‘', '’', '[', ']', '<', '>', '{', '}'];

/// Settings for turning selected text into a dialable destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DialRules {
    /// Country in which numbers without `+` / `00` are read.
    pub default_country: country::Id,
    /// Digits prepended to external numbers (never to internal ones), e.g. `"0"`.
    pub outside_line_prefix: Option<String>,
    /// Internal extensions have 2..=`max_extension_len` digits (capped at 8).
    pub max_extension_len: usize,
}

impl Default for DialRules {
    /// France (the platform is French), no outside-line prefix, extensions up
    /// to 6 digits.
    fn default() -> Self {
        Self { default_country: country::Id::FR, outside_line_prefix: None, max_extension_len: 6 }
    }
}

/// What to send to `PlaceCall`, and how to show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Destination {
    /// Exactly what to send as the `PlaceCall` destination: the outside-line
    /// prefix followed by the E.164 form for external numbers, the digits or
    /// service code for internal ones. Only `+`, ASCII digits, `*` and `#`.
    pub dial: String,
    /// E.164 form (`+33123456789`) of an external number; `None` if internal.
    pub e164: Option<String>,
    /// For humans: international format (`+33 1 23 45 67 89`) or the extension.
    pub display: String,
    /// External or internal.
    pub kind: DestinationKind,
    /// Extension written after the number (`22` in `… ext. 22`). Shown only:
    /// it is not part of `dial`, `PlaceCall` cannot dial DTMF extensions.
    pub extension: Option<String>,
}

/// Whether a destination leaves the PBX.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DestinationKind {
    /// A public number, validated against the numbering plan.
    External,
    /// An internal extension or a service code (`*43#`).
    Internal,
}

/// Why a selection or a setting was refused.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum DialError {
    /// Nothing in the selection looks like a phone number.
    #[error("no phone number in the selection")]
    NoNumber,
    /// Something looked like a number but is not a valid one (original text).
    #[error("{0:?} is not a valid phone number")]
    Invalid(String),
    /// Several distinct numbers and no label to pick one (display forms).
    #[error("the selection holds several phone numbers: {}", .0.join(", "))]
    Ambiguous(Vec<String>),
    /// The selection is longer than [`MAX_INPUT_CHARS`].
    #[error("the selection is too long")]
    TooLong,
    /// The default country is not a known two-letter region code.
    #[error("unknown country code {0:?}")]
    UnknownCountry(String),
    /// The outside-line prefix is not 1 to 4 ASCII digits.
    #[error("outside-line prefix must be digits")]
    BadPrefix,
}

impl DialRules {
    /// Rules for `default_country` (ISO 3166 alpha-2, any case, e.g. `"FR"`,
    /// `"de"`), no outside-line prefix, extensions up to 6 digits.
    ///
    /// # Errors
    /// [`DialError::UnknownCountry`] if the code is not a known region.
    pub fn new(default_country: &str) -> Result<Self, DialError> {
        let code = default_country.trim().to_ascii_uppercase();
        let id = (code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()))
            .then(|| country::Id::from_str(&code).ok())
            .flatten()
            .ok_or_else(|| DialError::UnknownCountry(default_country.to_owned()))?;
        Ok(Self { default_country: id, ..Self::default() })
    }

    /// Sets the outside-line prefix; `None` or a blank string removes it.
    ///
    /// # Errors
    /// [`DialError::BadPrefix`] unless the prefix is 1 to 4 ASCII digits
    /// (surrounding whitespace is ignored).
    pub fn with_outside_line_prefix(mut self, prefix: Option<&str>) -> Result<Self, DialError> {
        self.outside_line_prefix = match prefix.map(str::trim) {
            None | Some("") => None,
            Some(p) if is_prefix(p) => Some(p.to_owned()),
            Some(_) => return Err(DialError::BadPrefix),
        };
        Ok(self)
    }

    /// Finds the number in `text` and returns what to send to `PlaceCall`,
    /// following the rules in the [module documentation](self).
    ///
    /// # Errors
    /// [`DialError::TooLong`] for selections over [`MAX_INPUT_CHARS`];
    /// [`DialError::NoNumber`] when nothing looks like a number;
    /// [`DialError::Invalid`] when something does but the numbering plan
    /// rejects it; [`DialError::Ambiguous`] for several distinct numbers;
    /// [`DialError::BadPrefix`] if `outside_line_prefix` was set to non-digits.
    pub fn destination(&self, text: &str) -> Result<Destination, DialError> {
        if text.chars().nth(MAX_INPUT_CHARS).is_some() {
            return Err(DialError::TooLong);
        }
        if self.outside_line_prefix.as_deref().is_some_and(|p| !is_prefix(p)) {
            return Err(DialError::BadPrefix);
        }
        let chars: Vec<NChar> = text
            .char_indices()
            .filter_map(|(i, c)| normalize_char(c).map(|c2| NChar { c: c2, span: (i, i + c.len_utf8()) }))
            .collect();
        self.decide(text, &build_runs(tokenize(&chars)))
    }

    fn ext_max(&self) -> usize {
        self.max_extension_len.min(EXTENSION_LEN_CAP)
    }

    /// Picks the single destination out of the runs, or refuses.
    fn decide(&self, text: &str, scan: &Scan) -> Result<Destination, DialError> {
        let whole = scan.runs.len() == 1 && scan.others == 0;
        let mut found: Vec<(Destination, Option<Label>)> = Vec::new();
        let mut invalid: Vec<(String, Option<Label>)> = Vec::new();
        // Outcome of the previous run, for extensions: Some(index into `found`
        // if valid) when it was an external number.
        let mut prev_external: Option<Option<usize>> = None;
        for run in &scan.runs {
            let original = span_text(text, run.span);
            if let Some(prev) = prev_external.take().filter(|_| run.after_ext_marker) {
                let digits_only = run.text.bytes().all(|b| b.is_ascii_digit());
                if digits_only && (1..=MAX_EXTENSION_DIGITS).contains(&run.text.len()) {
                    if let Some((dest, _)) = prev.and_then(|i| found.get_mut(i)) {
                        dest.extension = Some(run.text.clone());
                    }
                } else {
                    invalid.push((original, run.label));
                }
                continue;
            }
            prev_external = None;
            match self.classify(run, whole) {
                Outcome::Ignore => {}
                Outcome::Internal(code) => found.push((internal(code), run.label)),
                Outcome::External(number) => match self.external(&number) {
                    Some(dest) => {
                        prev_external = Some(Some(found.len()));
                        found.push((dest, run.label));
                    }
                    None => invalid.push((original, run.label)),
                },
                Outcome::Invalid { external } => {
                    if external {
                        prev_external = Some(None);
                    }
                    invalid.push((original, run.label));
                }
            }
        }

        let mut unique: Vec<(Destination, Option<Label>)> = Vec::new();
        for (dest, label) in found {
            match unique.iter_mut().find(|(d, _)| *d == dest) {
                Some((_, l)) => *l = l.or(label),
                None => unique.push((dest, label)),
            }
        }
        if unique.is_empty() {
            return Err(invalid.into_iter().next().map_or(DialError::NoNumber, |(t, _)| DialError::Invalid(t)));
        }
        if let Some((t, _)) = invalid.into_iter().find(|(_, l)| *l == Some(Label::Phone)) {
            return Err(DialError::Invalid(t));
        }
        let phones = unique.iter().filter(|(_, l)| *l == Some(Label::Phone)).count();
        let faxes = unique.iter().filter(|(_, l)| *l == Some(Label::Fax)).count();
        if unique.len() == 1 || (phones == 1 && phones + faxes == unique.len()) {
            let pick = unique.iter().position(|(_, l)| *l == Some(Label::Phone)).unwrap_or(0);
            return unique.into_iter().nth(pick).map(|(dest, _)| dest).filter(is_safe_dial).ok_or(DialError::NoNumber);
        }
        Err(DialError::Ambiguous(
            unique
                .into_iter()
                .map(|(d, _)| match d.extension {
                    Some(x) => format!("{} ext. {x}", d.display),
                    None => d.display,
                })
                .collect(),
        ))
    }

    /// Classifies one run on its own (extensions are handled by the caller).
    fn classify(&self, run: &Run, whole: bool) -> Outcome {
        if run.tainted {
            return Outcome::Invalid { external: false };
        }
        let explicit = whole || run.label.is_some();
        let sig: String = run.text.chars().filter(|c| !is_separator(*c)).collect();
        if sig.contains(['*', '#']) {
            let short = sig.len() <= self.ext_max() + 2;
            let shape = short
                && run.pieces == 1
                && (sig.starts_with('*') || (sig.len() >= 3 && sig.starts_with('#') && sig.ends_with('#')))
                && sig.chars().all(|c| c.is_ascii_digit() || c == '*' || c == '#')
                && sig.chars().any(|c| c.is_ascii_digit());
            return match (shape, explicit) {
                (true, true) => Outcome::Internal(sig),
                (_, false) if short => Outcome::Ignore,
                _ => Outcome::Invalid { external: false },
            };
        }
        let plus = sig.starts_with('+');
        if !plus && run.pieces == 1 && is_date(&run.text) {
            return Outcome::Ignore;
        }
        let raw_digits: String = sig.chars().filter(char::is_ascii_digit).collect();
        let international = plus || raw_digits.starts_with("00");
        if !international {
            let n = raw_digits.len();
            if n < 2 {
                return Outcome::Ignore;
            }
            if run.label == Some(Label::Internal) || n <= self.ext_max() {
                let plain = run.pieces == 1 && run.text.bytes().all(|b| b.is_ascii_digit());
                return match (explicit, plain && (2..=self.ext_max()).contains(&n)) {
                    (true, true) => Outcome::Internal(raw_digits),
                    (true, false) => Outcome::Invalid { external: false },
                    (false, _) => Outcome::Ignore,
                };
            }
        }
        // Drop a "(0)" trunk prefix written after a country code.
        let text = if international { run.text.replace("(0)", " ") } else { run.text.clone() };
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        match self.parse_external(&digits, plus) {
            Some(number) => Outcome::External(number),
            None => Outcome::Invalid { external: true },
        }
    }

    /// Parses and validates `digits` (written with a leading `+` if `plus`).
    fn parse_external(&self, digits: &str, plus: bool) -> Option<PhoneNumber> {
        if !(3..=MAX_NUMBER_DIGITS).contains(&digits.len()) {
            return None;
        }
        let mut attempts = Vec::with_capacity(2);
        if plus {
            attempts.push(format!("+{digits}"));
        } else {
            // The country's own international prefix first (e.g. 0011 in AU),
            // then the common "00" for countries that use another one.
            attempts.push(digits.to_owned());
            if let Some(rest) = digits.strip_prefix("00") {
                attempts.push(format!("+{rest}"));
            }
        }
        attempts
            .into_iter()
            .find_map(|a| phonenumber::parse(Some(self.default_country), a).ok().filter(phonenumber::is_valid))
    }

    /// Builds an external destination; `None` if formatting fails.
    fn external(&self, number: &PhoneNumber) -> Option<Destination> {
        let mut e164 = String::new();
        write!(e164, "{}", number.format().mode(Mode::E164)).ok()?;
        let mut display = String::new();
        write!(display, "{}", number.format().mode(Mode::International)).ok()?;
        let well_formed = e164
            .strip_prefix('+')
            .is_some_and(|d| (3..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()));
        if !well_formed {
            return None;
        }
        let dial = format!("{}{e164}", self.outside_line_prefix.as_deref().unwrap_or(""));
        Some(Destination { dial, e164: Some(e164), display, kind: DestinationKind::External, extension: None })
    }
}

fn internal(code: String) -> Destination {
    Destination { dial: code.clone(), e164: None, display: code, kind: DestinationKind::Internal, extension: None }
}

fn is_prefix(p: &str) -> bool {
    (1..=MAX_PREFIX_DIGITS).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
}

/// Last line of defence: `dial` holds only digits, `*`, `#` and, for
/// external numbers, one `+` after the prefix.
fn is_safe_dial(dest: &Destination) -> bool {
    let ok = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '*' || c == '#');
    match dest.kind {
        DestinationKind::Internal => ok(&dest.dial),
        DestinationKind::External => dest.dial.split_once('+').is_some_and(|(p, n)| {
            p.bytes().all(|b| b.is_ascii_digit()) && n.bytes().all(|b| b.is_ascii_digit()) && ok(n)
        }),
    }
}

/// A normalized character with its byte span in the original text.
#[derive(Clone, Copy, Debug)]
struct NChar {
    c: char,
    span: (usize, usize),
}

/// Maps one character to its normalized form; `None` drops it.
fn normalize_char(c: char) -> Option<char> {
    let digit = |base: char| char::from_digit(u32::from(c).wrapping_sub(u32::from(base)), 10);
    match c {
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{061C}'
        | '\u{00AD}'
        | '\u{2060}'
        | '\u{FEFF}' => None,
        '\u{FF10}'..='\u{FF19}' => digit('\u{FF10}'),
        '\u{0660}'..='\u{0669}' => digit('\u{0660}'),
        '\u{06F0}'..='\u{06F9}' => digit('\u{06F0}'),
        '\u{FF0B}' => Some('+'),
        '\u{FF08}' => Some('('),
        '\u{FF09}' => Some(')'),
        '\u{FF0E}' => Some('.'),
        '\u{FF0F}' => Some('/'),
        '\u{FF0A}' => Some('*'),
        '\u{FF03}' => Some('#'),
        '\u{FF1A}' => Some(':'),
        '\u{FF0C}' => Some(','),
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => Some('-'),
        '\n' | '\r' | '\t' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}' => Some('\n'),
        c if c.is_whitespace() => Some(' '),
        c => Some(c),
    }
}

/// Separators that may appear inside a written number.
fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '.' | '-' | '/' | '(' | ')')
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Label {
    Phone,
    Fax,
    Internal,
}

fn label_of(word: &str) -> Option<Label> {
    match word {
        "tel" | "tél" | "tele" | "telephone" | "téléphone" | "telefon" | "phone" | "ph" | "mobile" | "mob"
        | "mobil" | "cell" | "portable" | "gsm" | "handy" | "t" | "m" | "p" | "callto" | "sip" | "sips" => {
            Some(Label::Phone)
        }
        "fax" | "telefax" | "télécopie" | "telecopie" | "f" => Some(Label::Fax),
        "internal" | "interne" | "intern" | "poste" | "ext" | "extension" => Some(Label::Internal),
        _ => None,
    }
}

fn is_ext_marker(word: &str) -> bool {
    matches!(word, "ext" | "extension" | "x" | "poste")
}

#[derive(Debug)]
enum Token {
    /// A number-like word.
    Piece { text: String, span: (usize, usize), new_run: bool },
    /// A word without digits, lowercased and trimmed ("" for symbols).
    Word(String),
    /// Digits glued to other characters; `starts`/`ends` tell whether it
    /// begins / ends with a digit (or `+`), i.e. continues a neighbouring run.
    Poison { span: (usize, usize), starts: bool, ends: bool },
    /// Punctuation or a line break that ends a run.
    Break { line: bool },
}

/// Splits normalized text into tokens at whitespace.
fn tokenize(chars: &[NChar]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, n) in chars.iter().enumerate() {
        if n.c == ' ' || n.c == '\n' {
            chunk_tokens(chars.get(start..i).unwrap_or_default(), &mut out);
            if n.c == '\n' {
                out.push(Token::Break { line: true });
            }
            start = i + 1;
        }
    }
    chunk_tokens(chars.get(start..).unwrap_or_default(), &mut out);
    out
}

/// Tokens of one whitespace-free chunk.
fn chunk_tokens(chunk: &[NChar], out: &mut Vec<Token>) {
    if chunk.is_empty() || uri_tokens(chunk, out) {
        return;
    }
    let glued = chunk.windows(3).any(|w| match w {
        [a, b, c] => a.c.is_ascii_digit() && matches!(b.c, ':' | ',' | ';') && c.c.is_ascii_digit(),
        _ => false,
    });
    if glued {
        out.push(poison(chunk));
        return;
    }
    for (k, part) in chunk.split(|n| matches!(n.c, ':' | ',' | ';' | '!' | '?')).enumerate() {
        if k > 0 {
            out.push(Token::Break { line: false });
        }
        part_tokens(part, out);
    }
}

/// Handles `tel:`, `callto:`, `sip:` and `sips:` chunks; false if not a URI.
fn uri_tokens(chunk: &[NChar], out: &mut Vec<Token>) -> bool {
    let lead = chunk.iter().take_while(|n| WRAPPERS.contains(&n.c)).count();
    let body = chunk.get(lead..).unwrap_or_default();
    let head: String = body.iter().take(7).map(|n| n.c.to_ascii_lowercase()).collect();
    let Some(scheme) = ["tel:", "callto:", "sips:", "sip:"].into_iter().find(|s| head.starts_with(s)) else {
        return false;
    };
    let rest = body.get(scheme.len()..).unwrap_or_default();
    let rest = rest.get(rest.iter().take_while(|n| n.c == '/').count()..).unwrap_or_default();
    let end = rest.iter().position(|n| matches!(n.c, '@' | ';' | '?' | '>' | ',' | '"' | '\'')).unwrap_or(rest.len());
    let user = rest.get(..end).unwrap_or_default();
    // The scheme acts as a phone label; the user part is read like any word.
    out.push(Token::Word(scheme.trim_end_matches(':').to_owned()));
    part_tokens(user, out);
    if end < rest.len() {
        // Whatever follows the user part (host, parameters) is not read, and
        // nothing after the URI may continue the number.
        out.push(Token::Break { line: false });
    }
    true
}

/// Tokens of a chunk part between `:` `,` `;` `!` `?`.
fn part_tokens(part: &[NChar], out: &mut Vec<Token>) {
    let lead = part.iter().take_while(|n| WRAPPERS.contains(&n.c)).count();
    let part = part.get(lead..).unwrap_or_default();
    let trail = part.iter().rev().take_while(|n| n.c == '.' || WRAPPERS.contains(&n.c)).count();
    let (body, closing) = part.split_at_checked(part.len().saturating_sub(trail)).unwrap_or((part, &[]));
    let text: String = body.iter().map(|n| n.c).collect();
    if !text.chars().any(|c| c.is_ascii_digit()) {
        if text.chars().any(char::is_alphanumeric) {
            let word = text.to_lowercase();
            out.push(Token::Word(word.trim_matches(|c: char| !c.is_alphabetic()).to_owned()));
        } else if text.chars().all(is_separator) {
            if !text.is_empty() {
                out.push(Token::Break { line: false });
            }
        } else {
            out.push(Token::Word(String::new()));
        }
    } else if let Some((marker, digits)) = glued_extension(&text) {
        out.push(Token::Word(marker.to_owned()));
        out.push(Token::Piece { text: digits, span: span_of(body), new_run: false });
    } else if is_phone_piece(&text) {
        let new_run = text.contains('+');
        out.push(Token::Piece { text, span: span_of(body), new_run });
    } else {
        out.push(poison(body));
    }
    if !closing.is_empty() {
        out.push(Token::Break { line: false });
    }
}

/// `x22`, `ext22`, `ext.22`, `extension22`, `poste22` → (marker, digits).
fn glued_extension(text: &str) -> Option<(&'static str, String)> {
    let lower = text.to_ascii_lowercase();
    [("extension", "extension"), ("ext.", "ext"), ("ext", "ext"), ("poste", "poste"), ("x", "x")].into_iter().find_map(
        |(prefix, marker)| {
            let rest = lower.strip_prefix(prefix)?;
            (!rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit())).then(|| (marker, rest.to_owned()))
        },
    )
}

/// Digits and number separators, with `+` only first (or after `(`).
fn is_phone_piece(text: &str) -> bool {
    let rest = text.strip_prefix('(').unwrap_or(text);
    let rest = rest.strip_prefix('+').unwrap_or(rest);
    text.chars().any(|c| c.is_ascii_digit())
        && rest.chars().all(|c| c.is_ascii_digit() || (is_separator(c) && c != ' ') || c == '*' || c == '#')
}

fn poison(chars: &[NChar]) -> Token {
    let starts = chars.first().is_some_and(|n| n.c.is_ascii_digit() || n.c == '+');
    let ends = chars.last().is_some_and(|n| n.c.is_ascii_digit());
    Token::Poison { span: span_of(chars), starts, ends }
}

fn span_of(chars: &[NChar]) -> (usize, usize) {
    match (chars.first(), chars.last()) {
        (Some(a), Some(b)) => (a.span.0, b.span.1),
        _ => (0, 0),
    }
}

/// The original text of a span, trimmed.
fn span_text(text: &str, span: (usize, usize)) -> String {
    text.get(span.0..span.1).unwrap_or_default().trim().to_owned()
}

/// One-word dates: `2024-05-17`, `17.05.2024`, `5/17/2024`, `05/17/24`.
fn is_date(text: &str) -> bool {
    let Some(sep) = text.chars().find(|c| matches!(c, '-' | '.' | '/')) else {
        return false;
    };
    let parts: Vec<&str> = text.split(sep).collect();
    let [a, b, c] = parts.as_slice() else {
        return false;
    };
    if !parts.iter().all(|p| (1..=4).contains(&p.len()) && p.bytes().all(|x| x.is_ascii_digit())) {
        return false;
    }
    let num = |p: &str| p.parse::<u32>().unwrap_or(0);
    let day_month =
        |d: &str, m: &str| d.len() <= 2 && m.len() <= 2 && (1..=31).contains(&num(d)) && (1..=12).contains(&num(m));
    match (a.len(), c.len()) {
        (4, 1..=2) => day_month(c, b),
        (1..=2, 4) => day_month(a, b) || day_month(b, a),
        (1..=2, 2) if sep == '/' => day_month(a, b) || day_month(b, a),
        _ => false,
    }
}

/// A sequence of number-like words read as one candidate.
#[derive(Debug, Default)]
struct Run {
    /// Normalized pieces joined by single spaces.
    text: String,
    span: (usize, usize),
    pieces: usize,
    /// Last label word before the run (since the previous run).
    label: Option<Label>,
    /// Directly after an extension marker that follows another run.
    after_ext_marker: bool,
    /// Glued to digits mixed with other characters.
    tainted: bool,
}

#[derive(Debug)]
struct Scan {
    runs: Vec<Run>,
    /// Words and poison tokens: anything besides the runs.
    others: usize,
}

#[derive(Debug)]
enum Outcome {
    Ignore,
    Internal(String),
    External(PhoneNumber),
    Invalid { external: bool },
}

/// Groups tokens into runs and records labels and extension markers.
fn build_runs(tokens: Vec<Token>) -> Scan {
    let mut runs: Vec<Run> = Vec::new();
    let mut cur: Option<Run> = None;
    let mut words: Vec<String> = Vec::new();
    let mut line_break = false;
    // Start of a poison token that ends with a digit, right before `cur`.
    let mut poison_before: Option<usize> = None;
    let mut others = 0;
    let flush = |cur: &mut Option<Run>, runs: &mut Vec<Run>, line_break: &mut bool| {
        if let Some(run) = cur.take() {
            runs.push(run);
            *line_break = false;
        }
    };
    for token in tokens {
        match token {
            Token::Piece { text, span, new_run } => {
                if new_run {
                    flush(&mut cur, &mut runs, &mut line_break);
                }
                let run = cur.get_or_insert_with(|| Run {
                    label: words.iter().rev().find_map(|w| label_of(w)),
                    after_ext_marker: !runs.is_empty()
                        && !line_break
                        && matches!(words.as_slice(), [w] if is_ext_marker(w)),
                    tainted: poison_before.is_some(),
                    span: (poison_before.unwrap_or(span.0), span.1),
                    ..Run::default()
                });
                if run.pieces > 0 {
                    run.text.push(' ');
                }
                run.text.push_str(&text);
                run.pieces += 1;
                run.span.1 = span.1;
                words.clear();
                poison_before = None;
            }
            Token::Break { line } => {
                flush(&mut cur, &mut runs, &mut line_break);
                line_break |= line;
                poison_before = None;
            }
            Token::Word(word) => {
                flush(&mut cur, &mut runs, &mut line_break);
                words.push(word);
                others += 1;
                poison_before = None;
            }
            Token::Poison { span, starts, ends } => {
                if let Some(run) = cur.as_mut().filter(|_| starts) {
                    run.tainted = true;
                    run.span.1 = span.1;
                }
                flush(&mut cur, &mut runs, &mut line_break);
                words.push(String::new());
                others += 1;
                poison_before = ends.then_some(span.0);
            }
        }
    }
    flush(&mut cur, &mut runs, &mut line_break);
    Scan { runs, others }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected result of one table case.
    #[derive(Debug)]
    enum Want {
        /// External number with this E.164 form and no extension.
        Ext(&'static str),
        /// External number with an extension.
        ExtX(&'static str, &'static str),
        /// Internal number or service code.
        Int(&'static str),
        /// Refusal.
        Err(DialError),
    }
    use Want::{Ext, ExtX, Int};

    fn invalid(s: &str) -> Want {
        Want::Err(DialError::Invalid(s.to_owned()))
    }

    const NO: Want = Want::Err(DialError::NoNumber);

    fn table() -> Vec<(&'static str, &'static str, Want)> {
        let fr = "+33123456789";
        let de = "+4930123456";
        vec![
            // French national and international forms.
            ("FR", "Tel.: +33 (0)1 23 45 67 89", Ext(fr)),
            ("FR", "0033 1 23 45 67 89", Ext(fr)),
            ("FR", "+33 1 23 45 67 89", Ext(fr)),
            ("FR", "01 23 45 67 89", Ext(fr)),
            ("FR", "01.23.45.67.89", Ext(fr)),
            ("FR", "01-23-45-67-89", Ext(fr)),
            ("FR", "0123456789", Ext(fr)),
            ("FR", "(+33) 1 23 45 67 89", Ext(fr)),
            ("FR", "+33(0)123456789", Ext(fr)),
            ("FR", "Call me at 01 23 45 67 89.", Ext(fr)),
            ("FR", "Call me at 01 23 45 67 89, thanks", Ext(fr)),
            ("FR", "  \n\t01   23 45 67 89 \n ", Ext(fr)),
            ("FR", "\"01 23 45 67 89\"", Ext(fr)),
            ("FR", "Tél : 06 12 34 56 78", Ext("+33612345678")),
            // URIs.
            ("FR", "tel:+4930123456", Ext(de)),
            ("FR", "tel:+49-30-123456", Ext(de)),
            ("FR", "callto:+4930123456", Ext(de)),
            ("FR", "callto://+4930123456", Ext(de)),
            ("FR", "sip:+4930123456@pbx.example.com", Ext(de)),
            ("FR", "<sip:+4930123456@pbx.example.com;user=phone>", Ext(de)),
            ("FR", "sip:104@pbx.example.com", Int("104")),
            ("FR", "sip:alice@pbx.example.com", NO),
            ("FR", "Tel:+33 1 23 45 67 89", Ext(fr)),
            ("FR", "callto:+44 20 7946 0958", Ext("+442079460958")),
            ("FR", "sip:+4930123456@10.0.0.1:5060", Ext(de)),
            // Other countries, international prefixes, trunk prefix.
            ("FR", "0049 (0) 30 123456", Ext(de)),
            ("FR", "+49 (0)30 123456", Ext(de)),
            ("DE", "030 123456", Ext(de)),
            ("DE", "030/123456", Ext(de)),
            ("US", "0049 30 123456", Ext(de)),
            ("US", "011 44 20 7946 0958", Ext("+442079460958")),
            ("FR", "Call me at +44 20 7946 0958 tomorrow", Ext("+442079460958")),
            // Extensions after a number (shown, not dialled).
            ("US", "(212) 555-0199 ext. 22", ExtX("+12125550199", "22")),
            ("US", "(212) 555-0199 ext 22", ExtX("+12125550199", "22")),
            ("US", "(212) 555-0199 x22", ExtX("+12125550199", "22")),
            ("US", "(212) 555-0199 x 22", ExtX("+12125550199", "22")),
            ("US", "(212) 555-0199, extension 22", ExtX("+12125550199", "22")),
            ("FR", "01 23 45 67 89 poste 104", ExtX(fr, "104")),
            (
                "US",
                "(212) 555-0199\next 22",
                Want::Err(DialError::Ambiguous(vec!["+1 212-555-0199".into(), "22".into()])),
            ),
            // Internal numbers and service codes.
            ("FR", "104", Int("104")),
            ("FR", " 104. ", Int("104")),
            ("FR", "internal 104", Int("104")),
            ("FR", "poste 104", Int("104")),
            ("FR", "ext 104", Int("104")),
            ("FR", "Tel: 2345", Int("2345")),
            ("FR", "123456", Int("123456")),
            ("FR", "*43#", Int("*43#")),
            ("FR", "#43#", Int("#43#")),
            ("FR", "poste 1234567", invalid("1234567")),
            ("FR", "Room 104", NO),
            ("FR", "Issue #12", NO),
            ("FR", "#1", invalid("#1")),
            ("FR", "*8", Int("*8")),
            ("US", "(212) 555-0199 #22", invalid("(212) 555-0199 #22")),
            ("FR", "*21*0612345678#", invalid("*21*0612345678#")),
            // Several numbers.
            ("DE", "Phone: 030 123456, Fax: 030 654321", Ext(de)),
            ("DE", "Fax: 030 654321\nTel.: 030 123456", Ext(de)),
            ("FR", "T +33 1 23 45 67 89 F +33 1 98 76 54 32", Ext(fr)),
            (
                "DE",
                "030 123456 / 030 654321",
                Want::Err(DialError::Ambiguous(vec!["+49 30 123456".into(), "+49 30 654321".into()])),
            ),
            (
                "FR",
                "Tel: 01 23 45 67 89, Mobile: 06 12 34 56 78",
                Want::Err(DialError::Ambiguous(vec!["+33 1 23 45 67 89".into(), "+33 6 12 34 56 78".into()])),
            ),
            ("FR", "01 23 45 67 89 / +33 1 23 45 67 89", Ext(fr)),
            (
                "FR",
                "01 23 45 67 89 / 01 23 45 67 89 poste 5",
                Want::Err(DialError::Ambiguous(vec!["+33 1 23 45 67 89".into(), "+33 1 23 45 67 89 ext. 5".into()])),
            ),
            ("FR", "Order 12345678 - call 01 23 45 67 89", Ext(fr)),
            ("FR", "Room 12, call 01 23 45 67 89 before 2024-05-17 12:30", Ext(fr)),
            ("FR", "Tel: 01 23 45 67 89 Mob: 06 12 34 56 7", invalid("06 12 34 56 7")),
            // Refusals.
            ("FR", "", NO),
            ("FR", " \n\t ", NO),
            ("FR", "hello world", NO),
            ("FR", "2024-05-17", NO),
            ("FR", "17.05.2024", NO),
            ("US", "05/17/24", NO),
            ("FR", "12:30", NO),
            ("FR", "12h30", NO),
            ("FR", "FR76 3000 6000 0112 3456 7890 189", invalid("FR76 3000 6000 0112 3456 7890 189")),
            ("FR", "1 234,56 €", invalid("1 234,56")),
            ("FR", "1", NO),
            ("FR", "+33 1 23", invalid("+33 1 23")),
            ("FR", "123456789012345678901234567890", invalid("123456789012345678901234567890")),
            ("FR", "01 23 45 67 8", invalid("01 23 45 67 8")),
            ("FR", "+33 9 99", invalid("+33 9 99")),
            ("US", "(212) 055-0199", invalid("(212) 055-0199")),
            // Security: nothing but digits, + * # is ever dialled.
            ("FR", "555&terminalId=1", NO),
            ("FR", "+33 1 23 45 67 89#evil", invalid("+33 1 23 45 67 89#evil")),
            ("FR", "+33 1 23 45 67 89&x=1", invalid("+33 1 23 45 67 89&x=1")),
            ("FR", "tel:+33123456789;ext=1&a=b", Ext(fr)),
            ("FR", "sip:10%264@pbx", NO),
            ("US", "1-800-FLOWERS", NO),
            ("FR", "1+1", NO),
            // Unicode.
            ("FR", "01\u{a0}23\u{a0}45\u{a0}67\u{a0}89", Ext(fr)),
            ("FR", "+33\u{202f}1\u{202f}23\u{202f}45\u{202f}67\u{202f}89", Ext(fr)),
            ("FR", "01\u{2013}23\u{2013}45\u{2013}67\u{2013}89", Ext(fr)),
            ("FR", "\u{ff10}\u{ff11}\u{ff12}\u{ff13}\u{ff14}\u{ff15}\u{ff16}\u{ff17}\u{ff18}\u{ff19}", Ext(fr)),
            ("FR", "\u{ff0b}33 1 23 45 67 89", Ext(fr)),
            ("FR", "\u{200f}+33 1 23 45 67 89\u{200e}", Ext(fr)),
            ("FR", "\u{202b}01 23 45 67 89\u{202c}", Ext(fr)),
            ("FR", "\u{661}\u{660}\u{664}", Int("104")),
        ]
    }

    #[test]
    fn table_driven() {
        let cases = table();
        assert!(cases.len() >= 40);
        let mut failures = Vec::new();
        for (country, text, want) in &cases {
            let rules = DialRules::new(country).expect("known country");
            let got = rules.destination(text);
            if let Ok(dest) = &got {
                assert!(is_safe_dial(dest), "{text:?} gave unsafe {dest:?}");
            }
            let ok = match (want, &got) {
                (Ext(e), Ok(d)) => {
                    d.kind == DestinationKind::External
                        && d.dial == *e
                        && d.e164.as_deref() == Some(*e)
                        && d.extension.is_none()
                }
                (ExtX(e, x), Ok(d)) => d.dial == *e && d.extension.as_deref() == Some(*x),
                (Int(code), Ok(d)) => {
                    d.kind == DestinationKind::Internal && d.dial == *code && d.display == *code && d.e164.is_none()
                }
                (Want::Err(e), Err(g)) => e == g,
                _ => false,
            };
            if !ok {
                failures.push(format!("{country} {text:?}: want {want:?}, got {got:?}"));
            }
        }
        assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
    }

    #[test]
    fn display_is_international_format() {
        let d = DialRules::default().destination("01 23 45 67 89").expect("valid");
        assert_eq!(d.display, "+33 1 23 45 67 89");
        let d = DialRules::new("us").expect("us").destination("(212) 555-0199").expect("valid");
        assert_eq!(d.display, "+1 212-555-0199");
    }

    #[test]
    fn outside_line_prefix_only_for_external() {
        let rules = DialRules::default().with_outside_line_prefix(Some(" 0 ")).expect("digits");
        assert_eq!(rules.outside_line_prefix.as_deref(), Some("0"));
        let d = rules.destination("Tel.: +33 (0)1 23 45 67 89").expect("valid");
        assert_eq!(d.dial, "0+33123456789");
        assert_eq!(d.e164.as_deref(), Some("+33123456789"));
        assert_eq!(d.display, "+33 1 23 45 67 89");
        assert_eq!(rules.destination("104").expect("internal").dial, "104");
        assert_eq!(rules.destination("*43#").expect("code").dial, "*43#");
        let cleared = rules.with_outside_line_prefix(Some("")).expect("blank");
        assert_eq!(cleared.outside_line_prefix, None);
    }

    #[test]
    fn bad_settings_are_refused() {
        for bad in ["0a", "+0", "0 0", "*9", "12345", "&"] {
            assert_eq!(DialRules::default().with_outside_line_prefix(Some(bad)), Err(DialError::BadPrefix), "{bad:?}");
        }
        // A prefix forced into the public field is checked before dialling.
        let forced = DialRules { outside_line_prefix: Some("0&x".into()), ..DialRules::default() };
        assert_eq!(forced.destination("01 23 45 67 89"), Err(DialError::BadPrefix));
        for bad in ["", "XX", "FRA", "F", "1", "zz", "é"] {
            assert_eq!(DialRules::new(bad), Err(DialError::UnknownCountry(bad.into())), "{bad:?}");
        }
        assert_eq!(DialRules::new(" de ").map(|r| r.default_country), Ok(country::Id::DE));
        assert_eq!(DialRules::default(), DialRules::new("FR").expect("FR"));
    }

    #[test]
    fn max_extension_len_is_respected() {
        let rules = DialRules { max_extension_len: 3, ..DialRules::default() };
        assert_eq!(rules.destination("104").map(|d| d.dial), Ok("104".into()));
        assert_eq!(rules.destination("1040"), Err(DialError::Invalid("1040".into())));
        let none = DialRules { max_extension_len: 0, ..DialRules::default() };
        assert_eq!(none.destination("104"), Err(DialError::Invalid("104".into())));
        let huge = DialRules { max_extension_len: usize::MAX, ..DialRules::default() };
        assert!(huge.destination("0123456789").is_ok_and(|d| d.kind == DestinationKind::External));
    }

    #[test]
    fn huge_selections_are_refused_fast() {
        let rules = DialRules::default();
        let start = std::time::Instant::now();
        assert_eq!(rules.destination(&"0".repeat(10_000)), Err(DialError::TooLong));
        assert_eq!(rules.destination(&"01 23 45 67 89 ".repeat(100_000)), Err(DialError::TooLong));
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
        let at_limit = format!("01 23 45 67 89{}", " ".repeat(MAX_INPUT_CHARS - 14));
        assert!(rules.destination(&at_limit).is_ok());
        assert_eq!(rules.destination(&format!("{at_limit} ")), Err(DialError::TooLong));
    }

    #[test]
    fn errors_read_well() {
        assert_eq!(DialError::NoNumber.to_string(), "no phone number in the selection");
        assert_eq!(DialError::Invalid("+33 1 23".into()).to_string(), "\"+33 1 23\" is not a valid phone number");
        assert_eq!(
            DialError::Ambiguous(vec!["+49 30 123456".into(), "+49 30 654321".into()]).to_string(),
            "the selection holds several phone numbers: +49 30 123456, +49 30 654321"
        );
    }

    /// Deterministic pseudo-random inputs: no panic, and every dial is safe.
    #[test]
    fn fuzzish_never_panics_and_dials_only_safe_characters() {
        const PIECES: &[&str] = &[
            "0",
            "1",
            "2",
            "3",
            "4",
            "5",
            "6",
            "7",
            "8",
            "9",
            "01 23 45 67 89",
            "+33",
            "+",
            "00",
            "(0)",
            "(",
            ")",
            " ",
            "  ",
            "\n",
            "\t",
            ".",
            "-",
            "/",
            ",",
            ":",
            ";",
            "*",
            "#",
            "&",
            "=",
            "@",
            "%",
            "x",
            "ext",
            "poste",
            "Tel:",
            "Fax:",
            "tel:",
            "sip:",
            "callto:",
            "a",
            "Z",
            "é",
            "€",
            "\u{a0}",
            "\u{202f}",
            "\u{2013}",
            "\u{ff11}",
            "\u{ff0b}",
            "\u{200e}",
            "\u{202e}",
            "\u{661}",
            "\"",
            "<",
            ">",
            "!",
            "?",
            "\u{0}",
            "\u{fffd}",
            "𝟙",
            "ß",
            "İ",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(state >> 33).unwrap_or(0)
        };
        let countries = ["FR", "US", "DE", "GB", "AU", "JP"];
        let mut oks = 0;
        for i in 0..4000 {
            let len = next() % 24;
            let text: String = (0..len).map(|_| PIECES.get(next() % PIECES.len()).copied().unwrap_or("")).collect();
            let rules = DialRules::new(countries.get(i % countries.len()).copied().unwrap_or("FR"))
                .and_then(|r| r.with_outside_line_prefix((i % 3 == 0).then_some("0")))
                .expect("valid rules");
            if let Ok(dest) = rules.destination(&text) {
                oks += 1;
                let body = dest.dial.strip_prefix('0').filter(|_| i % 3 == 0 && dest.kind == DestinationKind::External);
                let body = body.unwrap_or(&dest.dial);
                let body = body.strip_prefix('+').unwrap_or(body);
                assert!(!body.is_empty(), "{text:?} gave empty dial");
                assert!(
                    body.chars().all(|c| c.is_ascii_digit() || c == '*' || c == '#'),
                    "{text:?} gave unsafe dial {:?}",
                    dest.dial
                );
                assert_eq!(dest.kind == DestinationKind::External, dest.e164.is_some());
            }
        }
        assert!(oks > 0, "the generator should produce some dialable numbers");
    }
}
