//! Turning the runs found in the text into exactly one destination, or a
//! refusal: each run classified (internal number or service code, external
//! number, ignored, invalid), external numbers validated against the
//! numbering plan and written in E.164 with the outside-line prefix,
//! extensions attached, several numbers told apart by their labels, and a
//! last check of what `dial` holds.

use std::fmt::Write as _;

use phonenumber::{Mode, PhoneNumber};

use super::scan::{Label, Run, Scan, is_separator};
use super::{Destination, DestinationKind, DialError, DialRules};

/// Longest digit string tried as an external number (E.164 allows 15, plus
/// room for an international prefix such as `0011`).
const MAX_NUMBER_DIGITS: usize = 19;
/// Longest extension (after `ext`, `x`, ...) accepted for display.
const MAX_EXTENSION_DIGITS: usize = 8;
/// Upper bound applied to [`DialRules::max_extension_len`].
const EXTENSION_LEN_CAP: usize = 8;

impl DialRules {
    fn ext_max(&self) -> usize {
        self.max_extension_len.min(EXTENSION_LEN_CAP)
    }

    /// Picks the single destination out of the runs, or refuses.
    pub(super) fn decide(&self, text: &str, scan: &Scan) -> Result<Destination, DialError> {
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

#[derive(Debug)]
enum Outcome {
    Ignore,
    Internal(String),
    External(PhoneNumber),
    Invalid { external: bool },
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
    fn max_extension_len_is_respected() {
        let rules = DialRules { max_extension_len: 3, ..DialRules::default() };
        assert_eq!(rules.destination("104").map(|d| d.dial), Ok("104".into()));
        assert_eq!(rules.destination("1040"), Err(DialError::Invalid("1040".into())));
        let none = DialRules { max_extension_len: 0, ..DialRules::default() };
        assert_eq!(none.destination("104"), Err(DialError::Invalid("104".into())));
        let huge = DialRules { max_extension_len: usize::MAX, ..DialRules::default() };
        assert!(huge.destination("0123456789").is_ok_and(|d| d.kind == DestinationKind::External));
    }
}
