//! CardDAV address books (Nextcloud, Radicale, iCloud, Fastmail) synced into the journal's
//! contacts, so that caller lookup stays local and the dial pad suggests those contacts too.
//!
//! A sync reads the address book's CTag (CalendarServer's `getctag`, kept by Radicale,
//! Nextcloud, iCloud and most servers): unchanged since the last sync, nothing changed and the
//! sync ends there, in one small request. Otherwise it asks for what changed since the stored
//! sync-token (WebDAV `sync-collection`, RFC 6578), and for nothing else when the server takes
//! it. A first sync, or one whose token the server refuses, checks that the URL is an address
//! book, then lists every member's ETag (`sync-collection` without a token, or `PROPFIND` depth
//! 1 where the server has no sync-token support) and compares them with the stored ones: cards
//! not listed any more are removed. Changed cards are then fetched in batches
//! (`addressbook-multiget`, RFC 6352), read by the journal's vCard parser, keyed with the app's
//! dial rules and applied to the journal in one transaction.
//!
//! # Layout
//!
//! - this file: the address book's settings ([`AddressBook`]), the client ([`CardDavSource`]),
//!   the sync and its errors ([`CardDavError`]);
//! - `multistatus`: WebDAV answers read into plain values.
//!
//! # Examples
//!
//! ```no_run
//! # async fn demo(journal: &journal::Journal) -> Result<(), lookup::carddav::CardDavError> {
//! use lookup::carddav::{AddressBook, CardDavSource};
//! let book = AddressBook {
//!     url: url::Url::parse("https://dav.example.com/ada/contacts/").expect("url"),
//!     user: "ada".into(),
//!     password: mycrm::Password::new("from the keyring"),
//!     tls: mycrm::tls::TlsOptions::default(),
//! };
//! let rules = mycrm::dial::DialRules::new("FR").expect("known country");
//! let key_of = move |n: &str| lookup::Number::new(n, &rules).map(|n| n.key().to_owned());
//! let report = CardDavSource::new(book)?.sync(journal, &key_of).await?;
//! println!("{} cards changed, {} removed", report.changed, report.removed);
//! # Ok(()) }
//! ```

mod multistatus;

use std::collections::HashSet;
use std::time::Duration;

use journal::{AddressBookChanges, AddressBookState, ContactEntry, Journal, SyncedCard};
use reqwest::{Method, StatusCode};
use url::Url;

use multistatus::{Member, Multistatus};

/// How long one request may take (a first sync fetches large batches).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest answer read from the server, in bytes.
pub const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;
/// How many cards one `addressbook-multiget` asks for.
/// (Radicale reads its whole collection for each one: a few large batches cost far less than
/// many small ones; 1,000 cards are about 300 KB.)
pub const MULTIGET_BATCH: usize = 1_000;

/// The key of a number (E.164, or an extension's digits), as the app computes it with its
/// dial rules; `None` for a number the rules cannot read.
pub type KeyOf = dyn Fn(&str) -> Option<String> + Sync;

/// One address book as the user set it up.
#[derive(Clone, Debug)]
pub struct AddressBook {
    /// The address book collection's URL (`http` or `https`).
    pub url: Url,
    /// The user name for Basic authentication.
    pub user: String,
    /// The password (from the keyring); never shown in `Debug`, logs or errors.
    pub password: mycrm::Password,
    /// Which certificate authorities are trusted.
    pub tls: mycrm::tls::TlsOptions,
}

/// Why a sync failed: one sentence the user can act on. Never holds the password.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CardDavError {
    /// The address book's settings cannot work.
    #[error("the address book settings are wrong: {0}")]
    BadConfiguration(String),
    /// The server could not be reached.
    #[error("cannot connect to the address book server: {0} (check the address and the network)")]
    Unreachable(String),
    /// The secure connection was refused.
    #[error("the secure connection to the address book server failed: {0}")]
    Tls(String),
    /// No answer in time.
    #[error("the address book server did not answer within {} s", REQUEST_TIMEOUT.as_secs())]
    Timeout,
    /// 401 or 403: the user name or password is wrong.
    #[error("the address book server refused the user name or password (HTTP {0}): check them in Settings")]
    Refused(u16),
    /// The URL names something that is not a CardDAV address book.
    #[error("{0} is not an address book (check the address: it should be the address book's own URL)")]
    NotAddressBook(String),
    /// The server answered something unusable.
    #[error("the address book server answered something unusable: {0}")]
    BadAnswer(String),
    /// The journal could not store the contacts.
    #[error("the synced contacts cannot be stored: {0}")]
    Storage(String),
}

/// What one sync did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Cards added or edited since the last sync.
    pub changed: usize,
    /// Cards removed since the last sync.
    pub removed: usize,
    /// Changed cards that could not be read (left out, counted).
    pub skipped: usize,
    /// Contact rows (one per number) the address book holds now.
    pub contacts: usize,
    /// Whether the sync-token path answered (else ETags were compared).
    pub by_sync_token: bool,
    /// Whether the address book's CTag, unchanged since the last sync, answered alone.
    pub by_ctag: bool,
}

/// A client for one address book; build it again when its settings change.
#[derive(Debug)]
pub struct CardDavSource {
    client: reqwest::Client,
    book: AddressBook,
}

const PROPFIND_BOOK: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"><d:prop><d:resourcetype/><d:getetag/><d:sync-token/><cs:getctag/></d:prop></d:propfind>"#;

const PROPFIND_CTAG: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"><d:prop><cs:getctag/></d:prop></d:propfind>"#;

const SYNC_COLLECTION_HEAD: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<d:sync-collection xmlns:d="DAV:"><d:sync-token>"#;
const SYNC_COLLECTION_TAIL: &str =
    r#"</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>"#;

impl CardDavSource {
    /// A client for `book`.
    ///
    /// # Errors
    ///
    /// [`CardDavError::BadConfiguration`] for a URL that is not `http(s)` or an unusable extra CA.
    pub fn new(book: AddressBook) -> Result<Self, CardDavError> {
        if !matches!(book.url.scheme(), "http" | "https") {
            return Err(CardDavError::BadConfiguration("the address must start with https://".into()));
        }
        let tls = book.tls.client_config().map_err(|e| CardDavError::BadConfiguration(e.message))?;
        let client = reqwest::Client::builder()
            .use_preconfigured_tls((*tls).clone())
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("istra-tray/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| CardDavError::BadConfiguration(format!("the HTTP client cannot start: {e}")))?;
        Ok(Self { client, book })
    }

    /// The identity of the address book in the journal: its URL and user.
    #[must_use]
    pub fn origin(&self) -> String {
        format!("{} {}", self.book.user, self.book.url)
    }

    /// Brings the journal's copy of the address book up to date and says what changed.
    ///
    /// # Errors
    ///
    /// A [`CardDavError`] naming what to check; then the journal keeps the previous sync.
    pub async fn sync(&self, journal: &Journal, key_of: &KeyOf) -> Result<SyncReport, CardDavError> {
        let stored = |e: journal::JournalError| CardDavError::Storage(e.to_string());
        let origin = self.origin();
        let state = journal.address_book_state(&origin).map_err(stored)?;
        // With the last sync's token, the CTag first (the one property servers keep ready:
        // unchanged, nothing did), then the changes. The collection's other properties, which
        // a server such as Radicale works out from every card, are read only for a first sync
        // or when the server no longer takes the token.
        let (ctag, since_last) = match state.sync_token.as_deref() {
            Some(token) => {
                let ctag = self.ctag().await?;
                if ctag.is_some() && ctag == state.ctag {
                    // Nothing to write: the stored token and CTag stay right.
                    let contacts = journal.address_book_contacts(&origin).map_err(stored)?;
                    tracing::debug!("address book unchanged (CTag)");
                    return Ok(SyncReport { contacts, by_sync_token: true, by_ctag: true, ..SyncReport::default() });
                }
                (ctag, self.sync_collection(Some(token)).await?)
            }
            None => (None, None),
        };
        let (changed_hrefs, removed, sync_token, ctag, by_sync_token) = match since_last {
            Some(answer) => {
                let (changed, removed) = self.compared(answer.members, &state, false);
                (changed, removed, answer.sync_token, ctag, true)
            }
            None => {
                let book = self.propfind(0).await?;
                if !book.members.iter().any(|m| m.is_address_book) {
                    return Err(CardDavError::NotAddressBook(self.book.url.to_string()));
                }
                // Read before the listing, like the token: a change made meanwhile shows next time.
                let ctag = book.ctag;
                match self.sync_collection(None).await? {
                    Some(answer) => {
                        let (changed, removed) = self.compared(answer.members, &state, true);
                        (changed, removed, answer.sync_token, ctag, true)
                    }
                    None => {
                        let listing = self.propfind(1).await?;
                        let (changed, removed) = self.compared(listing.members, &state, true);
                        // The collection's token from before the listing: changes made since
                        // are reported again next time rather than lost.
                        (changed, removed, book.sync_token, ctag, false)
                    }
                }
            }
        };
        let mut report = SyncReport { removed: removed.len(), by_sync_token, ..SyncReport::default() };
        let mut changes = AddressBookChanges { changed: Vec::new(), removed, sync_token, ctag };
        for batch in changed_hrefs.chunks(MULTIGET_BATCH) {
            for member in self.multiget(batch).await?.members {
                let Some(href) = self.card_path(&member) else { continue };
                let entries = match member.address_data.as_deref().map(|card| journal::parse_contacts("card.vcf", card))
                {
                    Some(Ok(parsed)) => entries_of(&parsed.cards, key_of),
                    _ => {
                        report.skipped += 1;
                        Vec::new()
                    }
                };
                changes.changed.push(SyncedCard { href, etag: member.etag, entries });
            }
        }
        report.changed = changes.changed.len();
        report.contacts = journal.apply_address_book_changes(&origin, &changes).map_err(stored)?;
        tracing::info!(
            changed = report.changed,
            removed = report.removed,
            skipped = report.skipped,
            "address book synced"
        );
        Ok(report)
    }

    /// The cards of `members` whose ETag differs from the stored one, and the stored cards
    /// removed: those `members` answer 404 for (changes since a token) or, for a `whole`
    /// listing, those it does not name.
    fn compared(&self, members: Vec<Member>, state: &AddressBookState, whole: bool) -> (Vec<String>, Vec<String>) {
        let mut seen = HashSet::new();
        let mut changed = Vec::new();
        let mut removed = Vec::new();
        for member in members {
            let Some(href) = self.card_path(&member) else { continue };
            if member.status == Some(404) {
                // A first sync may list cards removed long ago.
                if state.etags.contains_key(&href) {
                    removed.push(href.clone());
                }
            } else if state.etags.get(&href).is_none_or(|etag| *etag != member.etag) {
                changed.push(href.clone());
            }
            seen.insert(href);
        }
        if whole {
            removed.extend(state.etags.keys().filter(|href| !seen.contains(*href)).cloned());
        }
        (changed, removed)
    }

    /// The path of a card member (absolute, as the server spells it), or `None` for the
    /// collection itself, a sub-collection or an href outside the address book.
    fn card_path(&self, member: &Member) -> Option<String> {
        if member.is_collection {
            return None;
        }
        let url = self.book.url.join(&member.href).ok()?;
        let path = url.path();
        let base = self.book.url.path();
        (path.starts_with(base) && path.len() > base.len()).then(|| path.to_owned())
    }

    async fn propfind(&self, depth: u8) -> Result<Multistatus, CardDavError> {
        let (status, body) = self.request("PROPFIND", self.book.url.clone(), depth, PROPFIND_BOOK.to_owned()).await?;
        match status {
            StatusCode::MULTI_STATUS => parse(&body),
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => {
                Err(CardDavError::NotAddressBook(self.book.url.to_string()))
            }
            other => Err(CardDavError::BadAnswer(format!("HTTP {} to PROPFIND", other.as_u16()))),
        }
    }

    /// The address book's CTag, `None` when the server keeps none (the sync then asks for the
    /// changes every time).
    async fn ctag(&self) -> Result<Option<String>, CardDavError> {
        let (status, body) = self.request("PROPFIND", self.book.url.clone(), 0, PROPFIND_CTAG.to_owned()).await?;
        if status != StatusCode::MULTI_STATUS {
            return Ok(None);
        }
        Ok(parse(&body)?.ctag)
    }

    /// The changes since `token` (everything without one), or `None` when the server cannot
    /// answer by sync-token or refuses this one.
    async fn sync_collection(&self, token: Option<&str>) -> Result<Option<Multistatus>, CardDavError> {
        let token = token.map(escape).unwrap_or_default();
        let body = format!("{SYNC_COLLECTION_HEAD}{token}{SYNC_COLLECTION_TAIL}");
        let (status, body) = self.request("REPORT", self.book.url.clone(), 0, body).await?;
        if status == StatusCode::MULTI_STATUS {
            return parse(&body).map(Some);
        }
        tracing::debug!(status = status.as_u16(), "no sync by token, comparing ETags");
        Ok(None)
    }

    async fn multiget(&self, hrefs: &[String]) -> Result<Multistatus, CardDavError> {
        let mut body = String::from(
            r#"<?xml version="1.0" encoding="utf-8"?><c:addressbook-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav"><d:prop><d:getetag/><c:address-data/></d:prop>"#,
        );
        for href in hrefs {
            body.push_str("<d:href>");
            body.push_str(&escape(href));
            body.push_str("</d:href>");
        }
        body.push_str("</c:addressbook-multiget>");
        let (status, body) = self.request("REPORT", self.book.url.clone(), 1, body).await?;
        if status != StatusCode::MULTI_STATUS {
            return Err(CardDavError::BadAnswer(format!("HTTP {} to addressbook-multiget", status.as_u16())));
        }
        parse(&body)
    }

    /// Sends one WebDAV request; 401 and 403 become [`CardDavError::Refused`], except a 403
    /// to a sync REPORT (an invalid token), which the caller sees.
    async fn request(
        &self,
        method: &str,
        url: Url,
        depth: u8,
        body: String,
    ) -> Result<(StatusCode, String), CardDavError> {
        let method =
            Method::from_bytes(method.as_bytes()).map_err(|e| CardDavError::BadConfiguration(e.to_string()))?;
        let is_report = method.as_str() == "REPORT";
        let mut response = self
            .client
            .request(method, url)
            .basic_auth(&self.book.user, Some(self.book.password.expose()))
            .header("Depth", depth.to_string())
            .header("Content-Type", "application/xml; charset=utf-8")
            .body(body)
            .send()
            .await
            .map_err(failure)?;
        let status = response.status();
        if status == StatusCode::UNAUTHORIZED || (status == StatusCode::FORBIDDEN && !is_report) {
            return Err(CardDavError::Refused(status.as_u16()));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(failure)? {
            if bytes.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(CardDavError::BadAnswer(format!("an answer larger than {} MiB", MAX_BODY_BYTES >> 20)));
            }
            bytes.extend_from_slice(&chunk);
        }
        let text = String::from_utf8(bytes).map_err(|_| CardDavError::BadAnswer("text that is not UTF-8".into()))?;
        Ok((status, text))
    }
}

fn parse(body: &str) -> Result<Multistatus, CardDavError> {
    multistatus::parse(body).map_err(CardDavError::BadAnswer)
}

/// The card's numbers, keyed; numbers the dial rules cannot read are left out.
fn entries_of(cards: &[journal::ContactCard], key_of: &KeyOf) -> Vec<ContactEntry> {
    cards
        .iter()
        .flat_map(|card| {
            card.numbers.iter().filter_map(|number| {
                key_of(number).map(|key| ContactEntry { name: card.name.clone(), number: number.clone(), key })
            })
        })
        .collect()
}

/// `text` escaped for an XML element.
fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

/// A transport failure in one sentence, without the request's credentials.
fn failure(err: reqwest::Error) -> CardDavError {
    if err.is_timeout() {
        return CardDavError::Timeout;
    }
    let err = err.without_url();
    let mut detail = err.to_string();
    let mut source = std::error::Error::source(&err);
    let mut tls = false;
    while let Some(cause) = source {
        tls |= cause.downcast_ref::<rustls::Error>().is_some();
        detail = cause.to_string();
        source = cause.source();
    }
    if tls { CardDavError::Tls(detail) } else { CardDavError::Unreachable(detail) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_never_shows_in_debug_or_errors() {
        let book = AddressBook {
            url: Url::parse("https://dav.example.com/ab/").expect("url"),
            user: "ada".into(),
            password: mycrm::Password::new("hunter2"),
            tls: mycrm::tls::TlsOptions::default(),
        };
        assert!(!format!("{book:?}").contains("hunter2"));
        let source = CardDavSource::new(book).expect("client");
        assert!(!format!("{source:?}").contains("hunter2"));
        assert_eq!(source.origin(), "ada https://dav.example.com/ab/");
    }

    #[test]
    fn only_cards_inside_the_address_book_are_members() {
        let book = AddressBook {
            url: Url::parse("https://dav.example.com/ab/").expect("url"),
            user: "ada".into(),
            password: mycrm::Password::new("x"),
            tls: mycrm::tls::TlsOptions::default(),
        };
        let source = CardDavSource::new(book).expect("client");
        let member = |href: &str| Member { href: href.into(), ..Member::default() };
        assert_eq!(source.card_path(&member("a.vcf")).as_deref(), Some("/ab/a.vcf"));
        assert_eq!(source.card_path(&member("https://dav.example.com/ab/b%20c.vcf")).as_deref(), Some("/ab/b%20c.vcf"));
        assert_eq!(source.card_path(&member("/ab/")), None);
        assert_eq!(source.card_path(&member("/other/x.vcf")), None);
    }
}
