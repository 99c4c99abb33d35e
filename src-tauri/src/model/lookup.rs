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
        Ok(self)
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
    }
}
