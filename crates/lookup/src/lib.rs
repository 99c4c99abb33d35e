//! Who is calling: the caller lookup sources of istra-tray.
//!
//! The app asks the sources the user set up, in the user's order, for the name behind a
//! calling number, and never makes the popup wait for the answer:
//! - [`http`]: a CRM answering JSON at a URL made from the call;
//! - [`ldap`]: an LDAP or Active Directory directory searched over the number's written forms;
//! - [`carddav`]: an address book (Nextcloud, Radicale, iCloud, Fastmail) synced into the
//!   journal's contacts, so that lookup is local and the dial pad suggests those contacts too.
//!
//! Everything that comes back is text from outside: names are never HTML, a URL is only kept
//! when it is `http(s)`.
//!
//! # Layout
//!
//! - this file: what every source answers, [`Caller`], and how it fails, [`LookupError`];
//! - [`number`]: the number looked up and its written forms ([`Number`]);
//! - [`cache`]: answers and misses remembered for a while ([`cache::CallerCache`]);
//! - [`http`], [`ldap`], [`carddav`]: the sources.
//!
//! # Using it from the app
//!
//! - Build each source once from the user's settings ([`http::CrmSource::new`],
//!   [`ldap::DirectorySource::new`]; secrets from the keyring go in [`mycrm::Password`]) and
//!   build it again when they change; a source keeps its HTTP client or LDAP connection.
//! - On a call: make the [`Number`] from the number received and the user's dial rules, look
//!   at the [`cache::CallerCache`] under [`Number::key`], else ask the sources in the user's
//!   order in a task of its own (the popup shows the number at once and takes the name when it
//!   comes), and remember the first [`Caller`] or the miss. A failing source is logged and the
//!   next one asked; its error is not remembered.
//! - Settings' "Look up +33 1 23 45 67 89" runs one source's `lookup` and shows the caller or
//!   the error's `Display`, one sentence written for the user.
//!
//! # Examples
//!
//! ```no_run
//! # async fn demo() -> Result<(), lookup::LookupError> {
//! use lookup::{Number, http::{CrmSettings, CrmSource}};
//! let rules = mycrm::dial::DialRules::new("FR").expect("known country");
//! let number = Number::new("+33 1 23 45 67 89", &rules).expect("digits");
//! let crm = CrmSource::new(CrmSettings::default())?;
//! let url = url::Url::parse("https://crm.example.com/who?phone=%2B33123456789").expect("url");
//! if let Some(caller) = crm.lookup(&url).await? {
//!     println!("{} ({:?}) for {}", caller.name, caller.company, number.key());
//! }
//! # Ok(()) }
//! ```

pub mod cache;
pub mod carddav;
pub mod http;
pub mod ldap;
pub mod number;

use std::fmt;
use std::time::Duration;

pub use number::Number;

/// The time a source has to answer unless set otherwise: a popup shows at once, a name later
/// than this would come too late to help.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(1500);
/// Longest name or company kept, in characters (longer text is cut).
pub const MAX_TEXT_CHARS: usize = 120;
/// Longest "Open in CRM" address kept, in bytes (a longer one is dropped).
pub const MAX_URL_BYTES: usize = 2048;

/// Who is calling, as a source answered it: plain text, cleaned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The caller's name: trimmed, without control characters, at most [`MAX_TEXT_CHARS`].
    pub name: String,
    /// The caller's company, cleaned like the name; `None` when absent or blank.
    pub company: Option<String>,
    /// The caller's page in the CRM ("Open in CRM"): only `http` or `https`.
    pub url: Option<url::Url>,
}

impl Caller {
    /// A caller from a source's raw values, or `None` when the name is blank once cleaned
    /// (a source answering an empty name knows nobody).
    ///
    /// Text is kept as text (`<b>` stays `<b>`, the UI must not read it as HTML); control
    /// characters are removed, runs of white space become one space, and text longer than
    /// [`MAX_TEXT_CHARS`] is cut. A `url` that is not `http(s)`, not absolute or longer than
    /// [`MAX_URL_BYTES`] is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// let c = lookup::Caller::new(" Ada\u{7}  Lovelace ", Some(""), Some("javascript:alert(1)")).expect("named");
    /// assert_eq!((c.name.as_str(), c.company, c.url), ("Ada Lovelace", None, None));
    /// ```
    pub fn new(name: &str, company: Option<&str>, url: Option<&str>) -> Option<Self> {
        let name = clean_text(name)?;
        let company = company.and_then(clean_text);
        let url = url
            .map(str::trim)
            .filter(|u| u.len() <= MAX_URL_BYTES)
            .and_then(|u| url::Url::parse(u).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"));
        Some(Self { name, company, url })
    }
}

/// `text` without control characters, white space collapsed, cut at [`MAX_TEXT_CHARS`];
/// `None` when nothing is left.
fn clean_text(text: &str) -> Option<String> {
    let words: Vec<&str> =
        text.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()).collect();
    let joined = words.join(" ");
    let cut: String = joined.chars().take(MAX_TEXT_CHARS).collect();
    let cut = cut.trim_end().to_owned();
    (!cut.is_empty()).then_some(cut)
}

/// Which kind of source failed, as named in error sentences.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// A CRM over HTTP ([`http`]).
    Crm,
    /// An LDAP or Active Directory directory ([`ldap`]).
    Directory,
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Crm => "the CRM",
            Self::Directory => "the directory",
        })
    }
}

/// Why a lookup failed: one sentence a user can act on, shown by Settings' "Look up" test.
///
/// No variant ever holds a password or a token: details come from the server's address,
/// status codes and the library's own words about the connection.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LookupError {
    /// No answer within the source's time limit.
    #[error("{source_kind} did not answer within {} (is the server slow or unreachable?)", seconds(*.after))]
    Timeout {
        /// The source that stayed silent.
        source_kind: SourceKind,
        /// The time limit.
        after: Duration,
    },
    /// The server could not be reached at all.
    #[error("cannot connect to {source_kind}: {detail} (check the address and the network)")]
    Unreachable {
        /// The source.
        source_kind: SourceKind,
        /// What the network said.
        detail: String,
    },
    /// The secure connection was refused (certificate, protocol).
    #[error("the secure connection to {source_kind} failed: {detail}")]
    Tls {
        /// The source.
        source_kind: SourceKind,
        /// What is wrong with the certificate or the connection.
        detail: String,
    },
    /// The server refused the credentials: the CRM's token or the directory's bind DN and password.
    #[error("{}", refused_sentence(*.source_kind, .detail))]
    Refused {
        /// The source.
        source_kind: SourceKind,
        /// The server's status or result code.
        detail: String,
    },
    /// The server answered something unusable.
    #[error("{source_kind} answered something unusable: {detail}")]
    BadAnswer {
        /// The source.
        source_kind: SourceKind,
        /// What is wrong with it.
        detail: String,
    },
    /// The source's settings cannot work (address, filter, header name).
    #[error("the settings of {source_kind} are wrong: {detail}")]
    BadConfiguration {
        /// The source.
        source_kind: SourceKind,
        /// Which setting and why.
        detail: String,
    },
}

fn refused_sentence(source_kind: SourceKind, detail: &str) -> String {
    match source_kind {
        SourceKind::Crm => format!("the CRM refused the token ({detail}): check the header and its value"),
        SourceKind::Directory => {
            format!("the directory refused the bind DN or password ({detail}): check them in Settings")
        }
    }
}

/// "1.5 s", "20 ms": a time limit as a user reads it.
fn seconds(d: Duration) -> String {
    if d < Duration::from_secs(1) { format!("{} ms", d.as_millis()) } else { format!("{} s", d.as_secs_f64()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cleaned_text_and_only_web_links_are_kept() {
        let c = Caller::new(
            "  <b>Ada</b>\n\tLovelace\u{1b}[31m ",
            Some("  Analytical\u{0} Engines "),
            Some(" https://crm.example.com/c/1 "),
        )
        .expect("named");
        assert_eq!(c.name, "<b>Ada</b> Lovelace [31m");
        assert_eq!(c.company.as_deref(), Some("Analytical Engines"));
        assert_eq!(c.url.as_ref().map(url::Url::as_str), Some("https://crm.example.com/c/1"));
        for bad in ["javascript:alert(1)", "file:///etc/passwd", "/relative", "data:text/html,x"] {
            assert_eq!(Caller::new("A", None, Some(bad)).expect("named").url, None, "{bad}");
        }
        let long = format!("https://x.example/{}", "a".repeat(MAX_URL_BYTES));
        assert_eq!(Caller::new("A", None, Some(&long)).expect("named").url, None);
        assert_eq!(Caller::new(" \u{7} ", Some("Co"), None), None);
        let cut = Caller::new(&"é".repeat(500), None, None).expect("named");
        assert_eq!(cut.name.chars().count(), MAX_TEXT_CHARS);
    }

    #[test]
    fn errors_are_one_sentence_that_says_what_to_check() {
        let timeout = LookupError::Timeout { source_kind: SourceKind::Crm, after: Duration::from_millis(1500) };
        assert_eq!(timeout.to_string(), "the CRM did not answer within 1.5 s (is the server slow or unreachable?)");
        let short = LookupError::Timeout { source_kind: SourceKind::Directory, after: Duration::from_millis(300) };
        assert!(short.to_string().starts_with("the directory did not answer within 300 ms"));
        let refused = LookupError::Refused { source_kind: SourceKind::Directory, detail: "invalid credentials".into() };
        assert_eq!(
            refused.to_string(),
            "the directory refused the bind DN or password (invalid credentials): check them in Settings"
        );
        let token = LookupError::Refused { source_kind: SourceKind::Crm, detail: "HTTP 401".into() };
        assert!(token.to_string().starts_with("the CRM refused the token (HTTP 401)"));
    }
}
