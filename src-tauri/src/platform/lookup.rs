//! Caller lookup on the app's side: the sources the user set up (`model::lookup`), built over
//! the `lookup` crate with their secrets from the keyring and the app's trust settings, asked
//! in the user's order with answers (misses too) remembered for a while. Never on the popup's
//! path: the controller asks in a task of its own and names the call when an answer comes.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use lookup::cache::{Cached, CallerCache};
use lookup::http::{CrmHeader, CrmSettings, CrmSource};
use lookup::ldap::{DirectoryBind, DirectorySettings, DirectorySource};
use lookup::{Caller, Number};
use mycrm::Password;
use mycrm::dial::DialRules;

use crate::model::error::{AppError, ErrorCode};
use crate::model::lookup::LookupSource;
use crate::model::screenpop;
use crate::model::settings::Settings;
use crate::model::views::CallView;

/// How long an answer (or a miss) is remembered.
const REMEMBERED: Duration = Duration::from_secs(15 * 60);
/// How many numbers' answers are remembered.
const REMEMBERED_NUMBERS: usize = 2_000;

/// The sources set up, ready to ask.
#[derive(Debug)]
pub struct Lookups {
    crm: Option<(CrmSource, String)>,
    directory: Option<DirectorySource>,
    order: Vec<LookupSource>,
    rules: DialRules,
    cache: Mutex<CallerCache>,
}

fn lookup_error(e: &lookup::LookupError) -> AppError {
    AppError::new(ErrorCode::Lookup, e.to_string())
}

impl Lookups {
    /// The sources `settings` set up, with their secrets; `None` when none is.
    ///
    /// # Errors
    ///
    /// `lookup` when a source's settings cannot work, `ca_file`, `invalid_settings`.
    pub fn new(
        settings: &Settings,
        crm_token: Option<Password>,
        directory_password: Option<Password>,
    ) -> Result<Option<Self>, AppError> {
        let wanted = &settings.lookup;
        if wanted.is_off() {
            return Ok(None);
        }
        let tls = settings.tls()?;
        let crm = if wanted.crm_url.is_empty() {
            None
        } else {
            let header = (!wanted.crm_header.is_empty())
                .then(|| crm_token.map(|value| CrmHeader { name: wanted.crm_header.clone(), value }))
                .flatten();
            let source = CrmSource::new(CrmSettings { header, tls: tls.clone(), ..CrmSettings::default() })
                .map_err(|e| lookup_error(&e))?;
            Some((source, wanted.crm_url.clone()))
        };
        let directory = if wanted.directory_url.is_empty() {
            None
        } else {
            let mut directory = DirectorySettings::new(&wanted.directory_url, &wanted.directory_base_dn);
            directory.starttls =
                wanted.directory_starttls && wanted.directory_url.to_ascii_lowercase().starts_with("ldap://");
            directory.tls = tls;
            if !wanted.directory_filter.is_empty() {
                directory.filter.clone_from(&wanted.directory_filter);
            }
            if !wanted.directory_bind_dn.is_empty() {
                let password = directory_password.unwrap_or_else(|| Password::new(String::new()));
                directory.bind = Some(DirectoryBind { dn: wanted.directory_bind_dn.clone(), password });
            }
            Some(DirectorySource::new(directory).map_err(|e| lookup_error(&e))?)
        };
        Ok(Some(Self {
            crm,
            directory,
            order: wanted.order(),
            rules: settings.dial_rules()?,
            cache: Mutex::new(CallerCache::new(REMEMBERED, REMEMBERED_NUMBERS)),
        }))
    }

    /// Who is calling, from the first source that knows (a remembered answer first); `None`
    /// when none does or all failed (each failure logged; a failure is not remembered).
    pub async fn find(&self, call: &CallView) -> Option<Caller> {
        let received = call.e164.as_deref().or(call.number.as_deref())?;
        let number = Number::new(received, &self.rules)?;
        let now = Instant::now();
        if let Some(cached) = self.cache.lock().unwrap_or_else(PoisonError::into_inner).get(number.key(), now) {
            return match cached {
                Cached::Found(caller) => Some(caller.clone()),
                Cached::Miss => None,
            };
        }
        let mut failed = false;
        for source in &self.order {
            match self.ask(*source, &number, &|name| screenpop::value_of(call, name)).await {
                Ok(Some(caller)) => {
                    self.remember(&number, Some(caller.clone()));
                    return Some(caller);
                }
                Ok(None) => {}
                Err(e) => {
                    failed = true;
                    tracing::warn!(source = ?source, error = %e.message, "caller lookup failed");
                }
            }
        }
        if !failed {
            self.remember(&number, None);
        }
        None
    }

    /// Asks one source about a number typed in Settings, past the remembered answers.
    ///
    /// # Errors
    ///
    /// `lookup` saying why the source failed (or is not set up), `invalid_number`.
    pub async fn test(&self, source: LookupSource, typed: &str) -> Result<Option<Caller>, AppError> {
        let number = Number::new(typed, &self.rules)
            .ok_or_else(|| AppError::new(ErrorCode::InvalidNumber, "no digits to look up"))?;
        let (received, e164) = (number.received().to_owned(), number.e164().unwrap_or(number.received()).to_owned());
        let value = move |name: &str| match name {
            "number" => received.clone(),
            "e164" => e164.clone(),
            _ => String::new(),
        };
        self.ask(source, &number, &value).await
    }

    async fn ask(
        &self,
        source: LookupSource,
        number: &Number,
        value: &(dyn Fn(&str) -> String + Sync),
    ) -> Result<Option<Caller>, AppError> {
        match source {
            LookupSource::Crm => {
                let (crm, template) =
                    self.crm.as_ref().ok_or_else(|| AppError::new(ErrorCode::Lookup, "no CRM is set up"))?;
                let address = screenpop::expand_with(template, value)?;
                let url =
                    url::Url::parse(&address).map_err(|e| AppError::new(ErrorCode::InvalidTemplate, e.to_string()))?;
                crm.lookup(&url).await.map_err(|e| lookup_error(&e))
            }
            LookupSource::Directory => {
                let directory = self
                    .directory
                    .as_ref()
                    .ok_or_else(|| AppError::new(ErrorCode::Lookup, "no directory is set up"))?;
                directory.lookup(number).await.map_err(|e| lookup_error(&e))
            }
        }
    }

    fn remember(&self, number: &Number, answer: Option<Caller>) {
        self.cache.lock().unwrap_or_else(PoisonError::into_inner).insert(number.key(), answer, Instant::now());
    }
}
