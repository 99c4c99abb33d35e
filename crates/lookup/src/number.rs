//! The number being looked up and the ways people write it.
//!
//! A directory or a CRM holds numbers as someone typed them: `+33 1 23 45 67 89`,
//! `01 23 45 67 89`, `+33123456789`, `0033 1 23 45 67 89`, sometimes with the outside-line
//! prefix of the company's PBX. [`Number`] reads the number as the PBX gave it with the user's
//! dial rules and lists those written forms, so that a source can match any of them.

use mycrm::dial::{DestinationKind, DialRules};

/// Longest written form kept (a number is never this long; longer input is not a number).
const MAX_FORM_CHARS: usize = 32;

/// A calling number with its written forms, most exact first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Number {
    received: String,
    e164: Option<String>,
    forms: Vec<String>,
}

impl Number {
    /// Reads `received` (the number as the PBX gave it) with the user's dial rules.
    ///
    /// An external number gives, without repeats: E.164 (`+33123456789`), international as
    /// written (`+33 1 23 45 67 89`), with `00` (`0033123456789`), national digits
    /// (`0123456789`), national as written (`01 23 45 67 89`), and, when the rules have an
    /// outside-line prefix (`0`), the national and E.164 forms behind it (`00123456789`,
    /// `0+33123456789`). An extension or service code gives its digits alone. A number the
    /// numbering plan refuses is looked up as received, keeping only `+` and digits.
    ///
    /// `None` when `received` holds no digit at all (an anonymous call).
    ///
    /// # Examples
    ///
    /// ```
    /// let rules = mycrm::dial::DialRules::new("FR").expect("FR");
    /// let n = lookup::Number::new("0123456789", &rules).expect("digits");
    /// assert_eq!(n.e164(), Some("+33123456789"));
    /// assert!(n.forms().iter().any(|f| f == "01 23 45 67 89"));
    /// assert_eq!(lookup::Number::new("104", &rules).expect("digits").forms(), ["104"]);
    /// ```
    pub fn new(received: &str, rules: &DialRules) -> Option<Self> {
        let raw: String = received.chars().filter(|c| *c == '+' || c.is_ascii_digit()).collect();
        if !raw.bytes().any(|b| b.is_ascii_digit()) || raw.len() > MAX_FORM_CHARS {
            return None;
        }
        let mut number = Self { received: received.trim().to_owned(), e164: None, forms: Vec::new() };
        match rules.destination(received) {
            Ok(d) if d.kind == DestinationKind::External => {
                if let Some(e164) = d.e164 {
                    number.add_external(&e164, &d.display, rules.outside_line_prefix.as_deref());
                    number.e164 = Some(e164);
                }
            }
            Ok(d) => number.add(d.dial),
            Err(_) => {}
        }
        number.add(raw);
        Some(number)
    }

    fn add_external(&mut self, e164: &str, international: &str, prefix: Option<&str>) {
        self.add(e164.to_owned());
        self.add(international.to_owned());
        self.add(format!("00{}", e164.trim_start_matches('+')));
        let national = phonenumber::parse(None, e164)
            .map(|parsed| parsed.format().mode(phonenumber::Mode::National).to_string())
            .ok();
        if let Some(written) = national {
            let digits: String = written.chars().filter(char::is_ascii_digit).collect();
            self.add(digits.clone());
            self.add(written);
            if let Some(prefix) = prefix {
                self.add(format!("{prefix}{digits}"));
                self.add(format!("{prefix}{e164}"));
            }
        }
    }

    fn add(&mut self, form: String) {
        let form = form.trim().to_owned();
        if !form.is_empty() && form.len() <= MAX_FORM_CHARS && !self.forms.contains(&form) {
            self.forms.push(form);
        }
    }

    /// The number as received, trimmed.
    pub fn received(&self) -> &str {
        &self.received
    }

    /// The E.164 form of an external number (`+33123456789`).
    pub fn e164(&self) -> Option<&str> {
        self.e164.as_deref()
    }

    /// Every written form, distinct, most exact first; never empty.
    pub fn forms(&self) -> &[String] {
        &self.forms
    }

    /// What identifies the number in a cache: the E.164 form, else the first written form.
    pub fn key(&self) -> &str {
        self.e164.as_deref().unwrap_or(&self.forms[0])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(country: &str, prefix: Option<&str>) -> DialRules {
        DialRules::new(country).and_then(|r| r.with_outside_line_prefix(prefix)).expect("valid rules")
    }

    #[test]
    fn a_french_number_is_looked_up_in_every_usual_form() {
        for received in ["+33123456789", "01 23 45 67 89", "+33 (0)1 23 45 67 89", "0033 1 23 45 67 89"] {
            let n = Number::new(received, &rules("FR", None)).expect("digits");
            assert_eq!(n.e164(), Some("+33123456789"), "{received}");
            assert_eq!(n.key(), "+33123456789");
            for form in ["+33123456789", "+33 1 23 45 67 89", "0033123456789", "0123456789", "01 23 45 67 89"] {
                assert!(n.forms().iter().any(|f| f == form), "{received}: {form} in {:?}", n.forms());
            }
        }
    }

    #[test]
    fn the_outside_line_prefix_adds_the_forms_dialled_through_it() {
        let n = Number::new("+33 1 23 45 67 89", &rules("FR", Some("0"))).expect("digits");
        assert!(n.forms().contains(&"00123456789".to_owned()), "{:?}", n.forms());
        assert!(n.forms().contains(&"0+33123456789".to_owned()), "{:?}", n.forms());
        let without = Number::new("+33 1 23 45 67 89", &rules("FR", None)).expect("digits");
        assert!(!without.forms().contains(&"00123456789".to_owned()));
    }

    #[test]
    fn extensions_are_their_digits_and_odd_numbers_are_kept_as_received() {
        let ext = Number::new("104", &rules("FR", Some("0"))).expect("digits");
        assert_eq!((ext.forms(), ext.e164(), ext.key()), (&["104".to_owned()][..], None, "104"));
        let odd = Number::new("+999 12", &rules("FR", None)).expect("digits");
        assert_eq!(odd.forms(), ["+99912"]);
        assert_eq!(odd.received(), "+999 12");
        assert_eq!(Number::new("anonymous", &rules("FR", None)), None);
        assert_eq!(Number::new(&"1".repeat(40), &rules("FR", None)), None);
    }

    #[test]
    fn hostile_text_leaves_only_digits_in_the_forms() {
        let n = Number::new("0123456789*)(cn=*", &rules("FR", None)).expect("digits");
        assert!(
            n.forms().iter().all(|f| f.chars().all(|c| c.is_ascii_digit() || c == '+' || c == ' ')),
            "{:?}",
            n.forms()
        );
    }
}
