//! An LDAP or Active Directory directory, searched for the number's written forms.
//!
//! One connection (and bind) is kept between lookups, so that a lookup is one round trip; a
//! connection that broke is opened again once, within the same time limit. `ldap://` can be
//! secured with StartTLS, `ldaps://` is TLS from the start; both trust what the app trusts
//! ([`TlsOptions`]).
//!
//! The filter is a template applied to each written form of the number ([`Number::forms`]),
//! the results joined with `|`. Values are escaped (RFC 4515), so a number cannot widen the
//! filter. The default, [`DEFAULT_FILTER`], names Active Directory's `ipPhone` too: a
//! directory without that attribute (OpenLDAP's core schema) reads it as Undefined, which an
//! OR ignores.

use std::sync::Arc;
use std::time::Duration;

use ldap3::asn1::StructureTag;
use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, LdapError, Scope, SearchOptions, SearchResult};
use mycrm::Password;
use mycrm::tls::TlsOptions;
use tokio::sync::Mutex;

use crate::{Caller, DEFAULT_TIMEOUT, LookupError, Number, SourceKind};

/// Where the number goes in a filter template.
pub const NUMBER_PLACEHOLDER: &str = "{number}";
/// The filter template unless set otherwise: any of the usual phone attributes.
pub const DEFAULT_FILTER: &str = "(|(telephoneNumber={number})(mobile={number})(homePhone={number})(ipPhone={number}))";
/// The attributes read, in order of preference: the name, then the company.
const NAME_ATTRIBUTES: [&str; 2] = ["displayName", "cn"];
const COMPANY_ATTRIBUTES: [&str; 2] = ["o", "company"];

/// Who the source binds as; without one it searches anonymously.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectoryBind {
    /// The bind DN (`cn=reader,dc=example,dc=com`) or, for Active Directory, `user@domain`.
    pub dn: String,
    /// The password: a secret, never shown by `Debug`, logs or errors.
    pub password: Password,
}

/// How to reach and search a directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectorySettings {
    /// `ldap://host[:port]` or `ldaps://host[:port]`.
    pub url: String,
    /// Whether an `ldap://` connection is secured with StartTLS before anything is sent.
    pub starttls: bool,
    /// Where the search starts (`ou=people,dc=example,dc=com`).
    pub base_dn: String,
    /// Who to bind as; `None`: anonymous.
    pub bind: Option<DirectoryBind>,
    /// The filter template, holding [`NUMBER_PLACEHOLDER`] ([`DEFAULT_FILTER`]).
    pub filter: String,
    /// The time a lookup has, connecting and binding included ([`DEFAULT_TIMEOUT`]).
    pub timeout: Duration,
    /// Which authorities to trust for StartTLS and `ldaps://` (the app's CA settings).
    pub tls: TlsOptions,
}

impl DirectorySettings {
    /// Settings for `url` and `base_dn`: anonymous, no StartTLS, the default filter and time
    /// limit, the OS trust store.
    pub fn new(url: impl Into<String>, base_dn: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            starttls: false,
            base_dn: base_dn.into(),
            bind: None,
            filter: DEFAULT_FILTER.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            tls: TlsOptions::default(),
        }
    }
}

/// A directory source: the checked settings and the connection kept between lookups.
#[derive(Debug)]
pub struct DirectorySource {
    settings: DirectorySettings,
    tls: Arc<rustls::ClientConfig>,
    connection: Mutex<Option<Ldap>>,
}

/// How a search failed: on a connection that broke (worth one new connection) or otherwise.
enum SearchFailure {
    Broken(LdapError),
    Failed(LdapError),
}

impl DirectorySource {
    /// Checks the settings; nothing is sent yet (the first lookup connects).
    ///
    /// # Errors
    ///
    /// [`LookupError::BadConfiguration`] for an address that is not `ldap://` or `ldaps://`,
    /// StartTLS asked on `ldaps://`, a filter template without [`NUMBER_PLACEHOLDER`] or that
    /// does not make a valid filter, or an unusable extra CA.
    pub fn new(settings: DirectorySettings) -> Result<Self, LookupError> {
        let bad = |detail: String| LookupError::BadConfiguration { source_kind: SourceKind::Directory, detail };
        let url = url::Url::parse(settings.url.trim())
            .map_err(|e| bad(format!("the address {:?} cannot be read: {e}", settings.url)))?;
        match url.scheme() {
            "ldap" => {}
            "ldaps" if settings.starttls => {
                return Err(bad("StartTLS is for ldap:// addresses, ldaps:// is secure already".to_owned()));
            }
            "ldaps" => {}
            other => return Err(bad(format!("the address must start with ldap:// or ldaps://, not {other}://"))),
        }
        if !settings.filter.contains(NUMBER_PLACEHOLDER) {
            return Err(bad(format!("the filter must hold {NUMBER_PLACEHOLDER} where the number goes")));
        }
        if ldap3::parse_filter(expand(&settings.filter, "0")).is_err() {
            return Err(bad(format!("the filter {:?} is not a valid LDAP filter", settings.filter)));
        }
        let tls = settings.tls.client_config().map_err(|e| bad(e.message))?;
        if url.scheme() == "ldap" && !settings.starttls && settings.bind.is_some() {
            tracing::warn!("the directory's password is sent in clear: ldap:// without StartTLS");
        }
        Ok(Self { settings, tls, connection: Mutex::new(None) })
    }

    /// Searches the directory for `number`; `Ok(None)` when no entry holds it.
    ///
    /// Two lookups at once take turns on the one connection.
    ///
    /// # Errors
    ///
    /// [`LookupError::Timeout`] past the time limit, [`LookupError::Unreachable`],
    /// [`LookupError::Tls`], [`LookupError::Refused`] for a refused bind DN or password,
    /// [`LookupError::BadConfiguration`] for a base DN that does not exist or a directory
    /// that wants TLS, [`LookupError::BadAnswer`] for any other refusal.
    pub async fn lookup(&self, number: &Number) -> Result<Option<Caller>, LookupError> {
        let filter = self.filter_for(number);
        let timeout = self.settings.timeout;
        match tokio::time::timeout(timeout, self.search_on_kept_connection(&filter)).await {
            Ok(answer) => answer.map_err(|e| self.failure(e)),
            Err(_) => Err(LookupError::Timeout { source_kind: SourceKind::Directory, after: timeout }),
        }
    }

    /// The filter searched for `number`: the template for each written form, or-ed.
    fn filter_for(&self, number: &Number) -> String {
        let parts: Vec<String> = number
            .forms()
            .iter()
            .map(|form| expand(&self.settings.filter, &ldap3::ldap_escape(form.as_str())))
            .collect();
        match parts.as_slice() {
            [one] => one.clone(),
            _ => format!("(|{})", parts.concat()),
        }
    }

    async fn search_on_kept_connection(&self, filter: &str) -> Result<Option<Caller>, LdapError> {
        let mut kept = self.connection.lock().await;
        let reusable = kept.as_mut().is_some_and(|ldap| !ldap.is_closed());
        if let Some(ldap) = kept.as_mut().filter(|_| reusable) {
            match self.search(ldap, filter).await {
                Ok(answer) => return Ok(answer),
                Err(SearchFailure::Failed(e)) => return Err(e),
                Err(SearchFailure::Broken(e)) => {
                    tracing::debug!("the directory connection broke ({e}), opening another")
                }
            }
        }
        *kept = None;
        let ldap = kept.insert(self.connect().await?);
        self.search(ldap, filter).await.map_err(|(SearchFailure::Broken(e) | SearchFailure::Failed(e))| e)
    }

    async fn connect(&self) -> Result<Ldap, LdapError> {
        let settings = LdapConnSettings::new()
            .set_conn_timeout(self.settings.timeout)
            .set_starttls(self.settings.starttls)
            .set_config(self.tls.clone());
        let (connection, mut ldap) = LdapConnAsync::with_settings(settings, self.settings.url.trim()).await?;
        tokio::spawn(async move {
            if let Err(e) = connection.drive().await {
                tracing::debug!("the directory connection ended: {e}");
            }
        });
        if let Some(bind) = &self.settings.bind {
            ldap.with_timeout(self.settings.timeout).simple_bind(&bind.dn, bind.password.expose()).await?.success()?;
        }
        Ok(ldap)
    }

    async fn search(&self, ldap: &mut Ldap, filter: &str) -> Result<Option<Caller>, SearchFailure> {
        let seconds = i32::try_from(self.settings.timeout.as_secs().max(1)).unwrap_or(i32::MAX);
        // Two entries at most: one is the answer, a second only shows the number is shared.
        let options = SearchOptions::new().sizelimit(2).timelimit(seconds);
        let attributes = [NAME_ATTRIBUTES, COMPANY_ATTRIBUTES].concat();
        let SearchResult(entries, result) = ldap
            .with_search_options(options)
            .with_timeout(self.settings.timeout)
            .search(&self.settings.base_dn, Scope::Subtree, filter, attributes)
            .await
            .map_err(|e| match e {
                LdapError::Io { .. }
                | LdapError::OpSend { .. }
                | LdapError::ResultRecv { .. }
                | LdapError::EndOfStream => SearchFailure::Broken(e),
                other => SearchFailure::Failed(other),
            })?;
        // 4: size limit exceeded, the entries that came are good.
        if !matches!(result.rc, 0 | 4) {
            return Err(SearchFailure::Failed(LdapError::from(result)));
        }
        Ok(entries.into_iter().filter(|e| !e.is_ref() && !e.is_intermediate()).find_map(|e| caller_from_entry(e.0)))
    }

    /// A failure in the user's words; the server's own text (never the password) when useful.
    fn failure(&self, err: LdapError) -> LookupError {
        let source_kind = SourceKind::Directory;
        let bad = |detail: String| LookupError::BadConfiguration { source_kind, detail };
        match err {
            LdapError::Timeout { .. } => LookupError::Timeout { source_kind, after: self.settings.timeout },
            LdapError::LdapResult { result } => match result.rc {
                3 => LookupError::Timeout { source_kind, after: self.settings.timeout },
                49 => LookupError::Refused { source_kind, detail: "invalid credentials".to_owned() },
                48 | 50 => LookupError::Refused { source_kind, detail: server_text(result.rc, &result.text) },
                13 => bad("the directory wants a secure connection: use StartTLS or ldaps://".to_owned()),
                32 => bad(format!("the base DN {:?} does not exist", self.settings.base_dn)),
                rc => LookupError::BadAnswer { source_kind, detail: server_text(rc, &result.text) },
            },
            LdapError::Rustls { source } => LookupError::Tls { source_kind, detail: source.to_string() },
            LdapError::Io { source } => match mycrm::tls::tls_failure(&source) {
                Some(tls) => LookupError::Tls { source_kind, detail: tls.message },
                None if source.kind() == std::io::ErrorKind::TimedOut => {
                    LookupError::Timeout { source_kind, after: self.settings.timeout }
                }
                None => LookupError::Unreachable { source_kind, detail: source.to_string() },
            },
            LdapError::OpSend { .. } | LdapError::ResultRecv { .. } | LdapError::EndOfStream => {
                LookupError::Unreachable { source_kind, detail: "the connection closed".to_owned() }
            }
            LdapError::DNSName { .. } | LdapError::UrlParsing { .. } | LdapError::UnknownScheme(_) => {
                bad(format!("the address {:?} cannot be used: {err}", self.settings.url))
            }
            LdapError::FilterParsing => {
                bad(format!("the filter {:?} is not a valid LDAP filter", self.settings.filter))
            }
            other => LookupError::BadAnswer { source_kind, detail: other.to_string() },
        }
    }
}

fn expand(template: &str, value: &str) -> String {
    template.replace(NUMBER_PLACEHOLDER, value)
}

fn server_text(rc: u32, text: &str) -> String {
    let text = text.trim();
    if text.is_empty() { format!("LDAP result {rc}") } else { format!("LDAP result {rc}: {text}") }
}

/// The caller in a search result entry (`SearchResultEntry`, RFC 4511 4.5.2), read without
/// panicking on a malformed one (ldap3's own reader would): `None` without a usable name.
fn caller_from_entry(entry: StructureTag) -> Option<Caller> {
    let mut parts = entry.match_id(4)?.expect_constructed()?.into_iter();
    let _dn = parts.next()?;
    let attributes: Vec<(String, String)> =
        parts.next()?.expect_constructed()?.into_iter().filter_map(first_text_value).collect();
    let first_of = |names: [&str; 2]| {
        names.iter().find_map(|wanted| {
            attributes.iter().find(|(name, _)| name.eq_ignore_ascii_case(wanted)).map(|(_, value)| value.as_str())
        })
    };
    Caller::new(first_of(NAME_ATTRIBUTES)?, first_of(COMPANY_ATTRIBUTES), None)
}

/// An attribute's name and its first non-blank text value.
fn first_text_value(attribute: StructureTag) -> Option<(String, String)> {
    let mut parts = attribute.expect_constructed()?.into_iter();
    let name = String::from_utf8(parts.next()?.expect_primitive()?).ok()?;
    let value = parts
        .next()?
        .expect_constructed()?
        .into_iter()
        .find_map(|v| String::from_utf8(v.expect_primitive()?).ok().filter(|text| !text.trim().is_empty()))?;
    Some((name, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mycrm::dial::DialRules;

    fn source(filter: &str) -> Result<DirectorySource, LookupError> {
        DirectorySource::new(DirectorySettings {
            filter: filter.to_owned(),
            ..DirectorySettings::new("ldap://127.0.0.1:1", "dc=example")
        })
    }

    #[test]
    fn every_written_form_is_searched_in_every_phone_attribute() {
        let rules = DialRules::new("FR").expect("FR");
        let number = Number::new("+33 1 23 45 67 89", &rules).expect("digits");
        let filter = source(DEFAULT_FILTER).expect("valid").filter_for(&number);
        assert!(filter.starts_with("(|(|(telephoneNumber=+33123456789)(mobile=+33123456789)"), "{filter}");
        assert!(filter.contains("(ipPhone=01 23 45 67 89)"), "{filter}");
        assert!(ldap3::parse_filter(&filter).is_ok());
        let ext = Number::new("104", &rules).expect("digits");
        assert_eq!(source("(ipPhone={number})").expect("valid").filter_for(&ext), "(ipPhone=104)");
    }

    #[test]
    fn filter_characters_in_a_template_value_are_escaped() {
        assert_eq!(expand("(cn={number})", &ldap3::ldap_escape("1*)(cn=*")), "(cn=1\\2a\\29\\28cn=\\2a)");
    }

    #[test]
    fn unusable_settings_are_refused_before_connecting() {
        for (filter, why) in [("(cn=x)", "must hold {number}"), ("(cn={number}", "not a valid LDAP filter")] {
            let e = source(filter).expect_err("refused").to_string();
            assert!(e.contains(why), "{e}");
        }
        let mut settings = DirectorySettings::new("https://dir.example.com", "dc=example");
        assert!(
            DirectorySource::new(settings.clone()).expect_err("refused").to_string().contains("ldap:// or ldaps://")
        );
        settings.url = "ldaps://dir.example.com".into();
        settings.starttls = true;
        assert!(DirectorySource::new(settings).expect_err("refused").to_string().contains("StartTLS is for ldap://"));
    }

    #[test]
    fn the_password_stays_out_of_debug_output() {
        let settings = DirectorySettings {
            bind: Some(DirectoryBind { dn: "cn=reader".into(), password: Password::new("hunter2") }),
            ..DirectorySettings::new("ldap://127.0.0.1:1", "dc=example")
        };
        assert!(!format!("{settings:?}").contains("hunter2"));
        assert!(!format!("{:?}", DirectorySource::new(settings).expect("valid")).contains("hunter2"));
    }
}
