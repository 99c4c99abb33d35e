//! Caller lookup as the user set it up: a CRM asked over HTTP, an LDAP or Active Directory
//! directory, and which is asked first (the user's contacts always come before both: they are
//! local). The secrets (the CRM's token, the directory's password) live in the keyring; the
//! sources themselves are `platform::lookup`'s, over the `lookup` crate.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::error::{AppError, ErrorCode};
use crate::model::screenpop;

/// A source the user can set up and test.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum LookupSource {
    /// The CRM, over HTTP.
    #[default]
    Crm,
    /// The LDAP or Active Directory directory.
    Directory,
}

/// The lookup settings. Every source is off until its address is set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct LookupSettings {
    /// The CRM's address for a number, with the screen pop's placeholders
    /// (`https://crm.example.com/api/callers?phone={e164}`), answering JSON `name`, optional
    /// `company` and `url`; empty: no CRM.
    pub crm_url: String,
    /// The header that carries the CRM's token (`Authorization`, `X-Api-Key`); its value is
    /// in the keyring. Empty: none.
    pub crm_header: String,
    /// `ldap://host` or `ldaps://host`; empty: no directory.
    pub directory_url: String,
    /// Secure an `ldap://` connection with StartTLS.
    pub directory_starttls: bool,
    /// Where the search starts (`ou=people,dc=example,dc=com`).
    pub directory_base_dn: String,
    /// Who to bind as (its password in the keyring); empty: anonymous.
    pub directory_bind_dn: String,
    /// The search filter with `{number}`; empty: the default over telephoneNumber, mobile,
    /// homePhone and ipPhone.
    pub directory_filter: String,
    /// Which source is asked first.
    pub first: LookupSource,
    /// A CardDAV address book's own URL (Nextcloud, Radicale, iCloud, Fastmail), synced into
    /// the contacts; empty: none.
    pub address_book_url: String,
    /// The address book's user (its password in the keyring).
    pub address_book_user: String,
    /// How often the address book is synced, in minutes (also at start and on "Sync now").
    pub address_book_sync_minutes: u32,
}

impl Default for LookupSettings {
    fn default() -> Self {
        Self {
            crm_url: String::new(),
            crm_header: String::new(),
            directory_url: String::new(),
            directory_starttls: true,
            directory_base_dn: String::new(),
            directory_bind_dn: String::new(),
            directory_filter: String::new(),
            first: LookupSource::Crm,
            address_book_url: String::new(),
            address_book_user: String::new(),
            address_book_sync_minutes: 15,
        }
    }
}

/// What a source answered about a number, for Settings' test.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LookupAnswer {
    pub name: String,
    pub company: Option<String>,
    pub url: Option<String>,
}

impl From<lookup::Caller> for LookupAnswer {
    fn from(caller: lookup::Caller) -> Self {
        Self { name: caller.name, company: caller.company, url: caller.url.map(String::from) }
    }
}

fn invalid(message: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::InvalidSettings, message)
}

impl LookupSettings {
    /// No source is set up.
    pub fn is_off(&self) -> bool {
        self.crm_url.is_empty() && self.directory_url.is_empty()
    }

    /// The sources set up, in the order they are asked.
    pub fn order(&self) -> Vec<LookupSource> {
        let on = |source: &LookupSource| match source {
            LookupSource::Crm => !self.crm_url.is_empty(),
            LookupSource::Directory => !self.directory_url.is_empty(),
        };
        let order = match self.first {
            LookupSource::Crm => [LookupSource::Crm, LookupSource::Directory],
            LookupSource::Directory => [LookupSource::Directory, LookupSource::Crm],
        };
        order.into_iter().filter(on).collect()
    }

    /// These settings trimmed and checked.
    ///
    /// # Errors
    ///
    /// `invalid_settings` (or `invalid_template` for the CRM's address) saying what is wrong.
    pub fn checked(mut self) -> Result<Self, AppError> {
        for text in [
            &mut self.crm_url,
            &mut self.crm_header,
            &mut self.directory_url,
            &mut self.directory_base_dn,
            &mut self.directory_bind_dn,
            &mut self.directory_filter,
            &mut self.address_book_url,
            &mut self.address_book_user,
        ] {
            *text = text.trim().to_owned();
        }
        if !self.crm_url.is_empty() {
            screenpop::validate(&self.crm_url)
                .map_err(|e| AppError::new(e.code, format!("CRM lookup: {}", e.message)))?;
        }
        if !self.crm_header.is_empty() && !self.crm_header.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(invalid("CRM lookup: a header name is letters, digits and -"));
        }
        if !self.directory_url.is_empty() {
            let lower = self.directory_url.to_ascii_lowercase();
            if !lower.starts_with("ldap://") && !lower.starts_with("ldaps://") {
                return Err(invalid("directory: the address must start with ldap:// or ldaps://"));
            }
            if self.directory_base_dn.is_empty() {
                return Err(invalid("directory: where the search starts (base DN) is missing"));
            }
        }
        if !self.directory_filter.is_empty() && !self.directory_filter.contains(lookup::ldap::NUMBER_PLACEHOLDER) {
            return Err(invalid(format!("directory: the filter must hold {}", lookup::ldap::NUMBER_PLACEHOLDER)));
        }
        if !self.address_book_url.is_empty() {
            let lower = self.address_book_url.to_ascii_lowercase();
            if !lower.starts_with("https://") && !lower.starts_with("http://") {
                return Err(invalid("address book: the address must start with https://"));
            }
        }
        if !(1..=1440).contains(&self.address_book_sync_minutes) {
            return Err(invalid("address book: sync every 1 to 1440 minutes"));
        }
        Ok(self)
    }

    /// The address book to sync, as (URL, user); `None` until both are set (they are typed
    /// one after the other).
    pub fn address_book(&self) -> Option<(&str, &str)> {
        let set = !self.address_book_url.is_empty() && !self.address_book_user.is_empty();
        set.then_some((self.address_book_url.as_str(), self.address_book_user.as_str()))
    }
}

/// What a sync of the address book did, for Settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncOutcome {
    /// Contact numbers the address book holds now.
    pub contacts: u32,
    /// Cards added or edited since the last sync.
    pub changed: u32,
    /// Cards removed since the last sync.
    pub removed: u32,
    /// Changed cards that could not be read.
    pub skipped: u32,
}

impl From<lookup::carddav::SyncReport> for SyncOutcome {
    fn from(report: lookup::carddav::SyncReport) -> Self {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Self {
            contacts: count(report.contacts),
            changed: count(report.changed),
            removed: count(report.removed),
            skipped: count(report.skipped),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_asked_in_the_users_order_once_set_up() {
        let mut settings = LookupSettings::default();
        assert!(settings.is_off() && settings.order().is_empty());
        settings.directory_url = "ldap://dir.example.com".into();
        assert_eq!(settings.order(), [LookupSource::Directory]);
        settings.crm_url = "https://crm.example.com/c?p={e164}".into();
        assert_eq!(settings.order(), [LookupSource::Crm, LookupSource::Directory]);
        settings.first = LookupSource::Directory;
        assert_eq!(settings.order(), [LookupSource::Directory, LookupSource::Crm]);
    }

    #[test]
    fn wrong_settings_are_refused_with_what_to_fix() {
        let with = |change: fn(&mut LookupSettings)| {
            let mut settings = LookupSettings::default();
            change(&mut settings);
            settings.checked().map_err(|e| e.message)
        };
        assert!(with(|s| s.crm_url = " https://crm.example.com/c?p={e164} ".into()).is_ok());
        assert!(with(|s| s.crm_url = "https://{name}.example.com/".into()).unwrap_err().starts_with("CRM lookup"));
        assert!(with(|s| s.crm_header = "X Api: Key".into()).is_err());
        assert!(with(|s| s.directory_url = "http://dir".into()).unwrap_err().contains("ldap://"));
        assert!(with(|s| s.directory_url = "ldaps://dir".into()).unwrap_err().contains("base DN"));
        assert!(with(|s| s.directory_filter = "(cn=*)".into()).unwrap_err().contains("{number}"));
        assert!(with(|s| s.address_book_url = "ftp://dav".into()).unwrap_err().contains("https://"));
        let half = with(|s| s.address_book_url = "https://dav.example.com/ada/book/".into()).map(|_| ());
        assert_eq!(half, Ok(()), "the address may come before the user");
        let mut settings =
            LookupSettings { address_book_url: "https://dav.example.com/ada/".into(), ..LookupSettings::default() };
        assert_eq!(settings.address_book(), None, "not synced until the user is set too");
        settings.address_book_user = "ada".into();
        assert_eq!(settings.address_book(), Some(("https://dav.example.com/ada/", "ada")));
        assert!(with(|s| s.address_book_sync_minutes = 0).is_err());
    }
}
