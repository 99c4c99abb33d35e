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
//!
//! # Layout
//!
//! The public types and settings live here. Finding the number-like runs in
//! the text (clean-up, URIs, labels, extension markers) is in `scan`; turning
//! the runs into one destination (internal or external, validation, several
//! numbers, the outside-line prefix) is in `decide`.

mod decide;
mod scan;

use std::str::FromStr;

use phonenumber::country;

/// Longest selection (in characters) that is looked at.
pub const MAX_INPUT_CHARS: usize = 512;
/// Longest outside-line prefix accepted.
const MAX_PREFIX_DIGITS: usize = 4;

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
        self.decide(text, &scan::scan(text))
    }
}

fn is_prefix(p: &str) -> bool {
    (1..=MAX_PREFIX_DIGITS).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

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
