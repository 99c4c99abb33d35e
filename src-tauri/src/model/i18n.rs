//! The words the Rust side shows (tray menu, notifications, toasts, window titles, what a call
//! says), in English and French. They come from the one catalog the web pages read too:
//! `locales/en.json` and `locales/fr.json`, embedded at build time. The language is decided
//! here once, from the OS locale, and handed to every page (`window.__ISTRA__.locale`), so
//! windows, tray and popups always speak the same language.
//!
//! A message is a string with named holes (`"Talking {duration}"`, see [`fill`]), or, when it
//! depends on a count, a [`Plural`] with `one` and `other` forms.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::model::error::ErrorCode;

/// The languages istra-tray speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Fr,
}

impl Lang {
    /// French for any `fr` tag (`fr`, `fr-FR`, `fr_CA.UTF-8`), English otherwise.
    pub fn from_tag(tag: &str) -> Self {
        let primary = tag.split(['-', '_', '.', '@']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("fr") { Self::Fr } else { Self::En }
    }

    /// The user's first preferred language, read once.
    pub fn current() -> Self {
        static LANG: OnceLock<Lang> = OnceLock::new();
        *LANG.get_or_init(|| sys_locale::get_locale().map_or(Self::En, |tag| Self::from_tag(&tag)))
    }

    /// The tag the pages know the language by.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
        }
    }
}

/// A message whose words depend on a count; the count goes in its `{count}` hole.
#[derive(Debug, Deserialize)]
pub struct Plural {
    pub one: String,
    pub other: String,
}

/// The connection's state in words: the one status line of the main window and the tray.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusWords {
    pub signed_out: String,
    pub connecting: String,
    pub connecting_to: String,
    pub online: String,
    pub online_on: String,
    pub online_no_terminal: String,
    pub reconnecting: String,
    pub reconnecting_in: String,
    pub failed: String,
    pub no_reason: String,
    pub stopped: String,
    pub dnd: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrayWords {
    pub dial_selection: String,
    pub dial_selection_with_key: String,
    pub dial_clipboard: String,
    pub no_calls_yet: String,
    pub recent_calls: String,
    pub missed_suffix: String,
    pub no_missed_calls: String,
    pub mark_missed_seen: Plural,
    pub missed_count: Plural,
    pub terminal: String,
    pub open: String,
    pub settings: String,
    pub copy_diagnostics: String,
    pub diagnostics_copied: String,
    pub diagnostics_paste: String,
    pub sign_out: String,
    pub sign_in: String,
    pub quit: String,
    /// A recent call's item: "Call back {who}".
    pub call_back: String,
    /// The app's name and version, at the foot of the menu.
    pub version: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToastWords {
    pub calling: String,
    pub phone_rings_first: String,
    pub nothing_dialed: String,
    pub history_unavailable: String,
    pub hotkey_unavailable: String,
    pub browser_failed: String,
    pub hotkey_by_portal: String,
    pub hotkey_by_portal_body: String,
    pub hotkey_by_shortcut: String,
    pub hotkey_by_shortcut_body: String,
    pub demo_failed: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WindowWords {
    pub sign_in: String,
    pub main: String,
    pub popup: String,
    /// Windows without the WebView2 runtime: the message box's title and text.
    pub no_webview2_title: String,
    pub no_webview2: String,
}

/// How a call ended, in words, for the causes that say more than "ended".
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CauseWords {
    pub rejected: String,
    pub busy: String,
    pub transferred: String,
    /// A queue call the platform gave to a colleague (see `mycrm::taken_elsewhere`).
    pub taken_elsewhere: String,
    pub no_answer: String,
    pub unavailable: String,
    pub error: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallWords {
    pub unknown_caller: String,
    pub incoming_call: String,
    pub missed_call: String,
    pub call_back: String,
    pub incoming_ringing: String,
    pub outgoing_ringing: String,
    pub talking: String,
    pub on_hold: String,
    pub ended: String,
    pub ended_after: String,
    pub missed: String,
    pub no_answer: String,
    pub in_progress: String,
    pub internal: String,
    pub external: String,
    pub via: String,
    pub causes: CauseWords,
}

/// The words of one language: the sections of the catalog the Rust side shows.
#[derive(Debug, Deserialize)]
pub struct Words {
    #[serde(skip, default = "english")]
    pub lang: Lang,
    pub tray: TrayWords,
    pub status: StatusWords,
    pub toast: ToastWords,
    pub windows: WindowWords,
    pub call: CallWords,
    /// The sentence for each error code of the contract with the UI.
    pub errors: HashMap<String, String>,
}

const fn english() -> Lang {
    Lang::En
}

impl Words {
    /// The sentence for an error code, if this language has one.
    pub fn error(&self, code: ErrorCode) -> Option<&str> {
        self.errors.get(&code.key()).map(String::as_str)
    }

    /// The form of `message` for `count`, with the count in its hole. French, like the pages'
    /// `Intl.PluralRules`, says "one" for 0 and 1; English for 1 only.
    pub fn plural(&self, message: &Plural, count: u64) -> String {
        let one = match self.lang {
            Lang::En => count == 1,
            Lang::Fr => count <= 1,
        };
        fill(if one { &message.one } else { &message.other }, &[("count", &count.to_string())])
    }
}

const EN_CATALOG: &str = include_str!("../../../locales/en.json");
const FR_CATALOG: &str = include_str!("../../../locales/fr.json");

fn parse(catalog: &str, lang: Lang) -> Result<Words, serde_json::Error> {
    serde_json::from_str::<Words>(catalog).map(|words| Words { lang, ..words })
}

/// The words of `lang`.
pub fn words_of(lang: Lang) -> &'static Words {
    static CATALOGS: OnceLock<(Words, Words)> = OnceLock::new();
    let (en, fr) = CATALOGS.get_or_init(|| {
        // The catalogs are part of the program; the tests parse both, so this cannot fail in a
        // build that passed them.
        let parsed = parse(EN_CATALOG, Lang::En).and_then(|en| Ok((en, parse(FR_CATALOG, Lang::Fr)?)));
        parsed.expect("the embedded word catalogs are valid (checked by the i18n tests)")
    });
    match lang {
        Lang::En => en,
        Lang::Fr => fr,
    }
}

/// The words of the user's language.
pub fn words() -> &'static Words {
    words_of(Lang::current())
}

/// `template` with each `{name}` hole replaced by the value of that name. A hole with no value
/// stays as written (a mistake shows instead of vanishing); values are not read as templates.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let hole = after
            .find('}')
            .map(|close| &after[..close])
            .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphabetic()));
        match hole.and_then(|name| values.iter().find(|(n, _)| *n == name).map(|(_, v)| (name, v))) {
            Some((name, value)) => {
                out.push_str(value);
                rest = &after[name.len() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_is_chosen_for_any_french_locale() {
        for tag in ["fr", "fr-FR", "fr_CA.UTF-8", "FR", "fr@euro"] {
            assert_eq!(Lang::from_tag(tag), Lang::Fr, "{tag}");
        }
        for tag in ["en-US", "de_DE.UTF-8", "C", "", "fry"] {
            assert_eq!(Lang::from_tag(tag), Lang::En, "{tag}");
        }
    }

    #[test]
    fn values_fill_their_named_holes() {
        let en = words_of(Lang::En);
        assert_eq!(
            fill(&en.status.online_on, &[("login", "alice"), ("terminal", "Desk 1")]),
            "Online — alice on Desk 1"
        );
        let fr = words_of(Lang::Fr);
        assert_eq!(fill(&fr.status.reconnecting_in, &[("seconds", "3")]), "Reconnexion dans 3 s");
        assert_eq!(fill("{a} and {b}", &[("a", "x")]), "x and {b}", "a missing value shows its hole");
        assert_eq!(fill("{a}", &[("a", "{a}")]), "{a}", "values are not read as templates");
        assert_eq!(fill("{ not a hole } {", &[]), "{ not a hole } {");
    }

    #[test]
    fn plurals_follow_each_languages_rule() {
        let (en, fr) = (words_of(Lang::En), words_of(Lang::Fr));
        assert_eq!(en.plural(&en.tray.missed_count, 1), " · 1 missed");
        assert_eq!(en.plural(&en.tray.mark_missed_seen, 0), "Mark 0 missed calls as seen");
        let fr_seen = &fr.tray.mark_missed_seen;
        assert_eq!(fr.plural(fr_seen, 0), fill(&fr_seen.one, &[("count", "0")]), "French says zero in the singular");
        assert_eq!(fr.plural(fr_seen, 2), fill(&fr_seen.other, &[("count", "2")]));
        assert!(!fr.plural(&fr.tray.missed_count, 2).contains("(s)"), "real French plurals");
    }

    #[test]
    fn both_catalogs_parse() {
        // Every section the Rust side reads, in both languages (the error sentences are checked
        // against the codes in `error`).
        parse(EN_CATALOG, Lang::En).expect("en.json");
        parse(FR_CATALOG, Lang::Fr).expect("fr.json");
    }
}
