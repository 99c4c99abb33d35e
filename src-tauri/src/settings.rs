//! The user's settings: a JSON file in the OS config directory. The password is never here
//! (it lives in the keyring, see [`crate::secrets`]).

use std::path::{Path, PathBuf};

use mycrm::dial::DialRules;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{AppError, ErrorCode};
use crate::screenpop::ScreenPopTrigger;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum PopupCorner {
    /// The top or bottom right corner, whichever the desktop's notifications do not use.
    #[default]
    Auto,
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
}

impl PopupCorner {
    /// The corner to use when notifications show in `notifications` (when known): `Auto`
    /// keeps out of their corner.
    pub fn resolved(self, notifications: Option<Self>) -> Self {
        match (self, notifications) {
            (Self::Auto, Some(Self::TopRight)) => Self::BottomRight,
            (Self::Auto, _) => Self::TopRight,
            (chosen, _) => chosen,
        }
    }
}

/// Everything the user can change. Unknown or missing fields in the file take their defaults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct Settings {
    pub server: String,
    pub login: String,
    pub terminal_id: Option<String>,
    pub hotkey: String,
    pub popup_enabled: bool,
    pub popup_corner: PopupCorner,
    pub popup_linger_secs: u32,
    pub notify_incoming: bool,
    pub notify_missed: bool,
    pub default_country: String,
    pub outside_line_prefix: Option<String>,
    pub start_at_login: bool,
    pub dnd: bool,
    /// The CRM page to open for a call (see [`crate::screenpop`]); empty for none.
    pub screen_pop_url: String,
    pub screen_pop_on: ScreenPopTrigger,
    /// istra-tray is the desktop's handler for tel:, callto: and sip: links.
    pub handle_links: bool,
    /// A PEM file with an extra certificate authority to trust, for on-premises servers;
    /// `None` for the system's trust store only.
    pub ca_file: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            server: String::new(),
            login: String::new(),
            terminal_id: None,
            hotkey: "Ctrl+Alt+D".to_owned(),
            popup_enabled: true,
            popup_corner: PopupCorner::default(),
            popup_linger_secs: 5,
            notify_incoming: true,
            notify_missed: true,
            default_country: "FR".to_owned(),
            outside_line_prefix: None,
            start_at_login: false,
            dnd: false,
            screen_pop_url: String::new(),
            screen_pop_on: ScreenPopTrigger::default(),
            handle_links: true,
            ca_file: None,
        }
    }
}

fn invalid(message: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::InvalidSettings, message)
}

impl Settings {
    /// The dial rules these settings describe.
    ///
    /// # Errors
    ///
    /// `invalid_settings` for an unknown country or a prefix that is not digits.
    pub fn dial_rules(&self) -> Result<DialRules, AppError> {
        DialRules::new(&self.default_country)
            .and_then(|rules| rules.with_outside_line_prefix(self.outside_line_prefix.as_deref()))
            .map_err(|e| invalid(e.to_string()))
    }

    /// The TLS options: the system's trust store, plus the extra CA file when one is set.
    ///
    /// # Errors
    ///
    /// `ca_file` when the file cannot be read or holds no usable certificate.
    pub fn tls(&self) -> Result<mycrm::TlsOptions, AppError> {
        match &self.ca_file {
            None => Ok(mycrm::TlsOptions::default()),
            Some(path) => {
                mycrm::TlsOptions::from_ca_file(path).map_err(|e| AppError::new(ErrorCode::CaFile, e.message))
            }
        }
    }

    /// Calls pop up: popups are on and the user is not in Do not disturb.
    pub fn shows_popups(&self) -> bool {
        self.popup_enabled && !self.dnd
    }

    /// Checks every field; returns the settings trimmed.
    ///
    /// # Errors
    ///
    /// `invalid_settings` naming the first wrong field, `ca_file` when the CA file cannot be used.
    pub fn validated(self) -> Result<Self, AppError> {
        let checked = self.checked_apart_from_files()?;
        checked.tls()?;
        Ok(checked)
    }

    /// As [`Settings::validated`], without reading the CA file: a file missing for a while (an
    /// unmounted share at login) is reported when connecting, not by dropping the settings.
    fn checked_apart_from_files(mut self) -> Result<Self, AppError> {
        self.server = self.server.trim().to_owned();
        self.login = self.login.trim().to_owned();
        self.hotkey = self.hotkey.trim().to_owned();
        self.default_country = self.default_country.trim().to_ascii_uppercase();
        self.outside_line_prefix = self.outside_line_prefix.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
        self.terminal_id = self.terminal_id.filter(|t| !t.trim().is_empty());
        if !self.server.is_empty() {
            mycrm::Server::parse(&self.server).map_err(|e| invalid(format!("server: {}", e.message)))?;
        }
        if self.login.chars().any(char::is_control) || self.login.len() > 256 {
            return Err(invalid("login: not a valid login"));
        }
        if !(1..=120).contains(&self.popup_linger_secs) {
            return Err(invalid("popup linger: between 1 and 120 seconds"));
        }
        if !self.hotkey.is_empty() {
            crate::hotkey::parse(&self.hotkey).map_err(|e| invalid(format!("hotkey: {}", e.message)))?;
        }
        self.dial_rules()?;
        self.ca_file = self.ca_file.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
        self.screen_pop_url = self.screen_pop_url.trim().to_owned();
        if !self.screen_pop_url.is_empty() {
            crate::screenpop::validate(&self.screen_pop_url)
                .map_err(|e| AppError::new(e.code, format!("screen pop: {}", e.message)))?;
        }
        Ok(self)
    }

    /// Reads the settings file field by field: every valid field is kept, a wrong one takes its
    /// default and is logged (so one bad value never costs the user their server and login);
    /// a missing file gives the defaults.
    pub fn load(path: &Path) -> Self {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let (settings, refused) = Self::from_text(&text);
                for field in refused {
                    tracing::warn!(path = %path.display(), field, "setting not valid; its default is used");
                }
                settings
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::default(),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "cannot read settings; using defaults");
                Self::default()
            }
        }
    }

    /// The settings a file's `text` holds, and the fields it holds that were refused (`*` for a
    /// file that is no JSON object). Unknown fields are ignored. Each field, in name order, is
    /// kept when the settings with it and those kept before still check
    /// (`checked_apart_from_files`).
    fn from_text(text: &str) -> (Self, Vec<String>) {
        let Ok(serde_json::Value::Object(fields)) = serde_json::from_str::<serde_json::Value>(text) else {
            return (Self::default(), vec!["*".to_owned()]);
        };
        let mut kept = match serde_json::to_value(Self::default()) {
            Ok(serde_json::Value::Object(defaults)) => defaults,
            _ => return (Self::default(), vec!["*".to_owned()]),
        };
        let mut refused = Vec::new();
        for (name, value) in fields {
            if !kept.contains_key(&name) {
                continue;
            }
            let mut tried = kept.clone();
            tried.insert(name.clone(), value);
            let fits = serde_json::from_value::<Self>(serde_json::Value::Object(tried.clone()))
                .is_ok_and(|settings| settings.checked_apart_from_files().is_ok());
            if fits {
                kept = tried;
            } else {
                refused.push(name);
            }
        }
        let settings = serde_json::from_value::<Self>(serde_json::Value::Object(kept))
            .ok()
            .and_then(|settings| settings.checked_apart_from_files().ok())
            .unwrap_or_default();
        (settings, refused)
    }

    /// Writes the settings atomically (temporary file, then rename).
    ///
    /// # Errors
    ///
    /// `internal` when the file cannot be written.
    pub fn save(&self, path: &Path) -> Result<(), AppError> {
        let fail = |e: std::io::Error| AppError::new(ErrorCode::Internal, format!("cannot save settings: {e}"));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let text = serde_json::to_string_pretty(self).map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(fail)?;
        std::fs::rename(&tmp, path).map_err(fail)
    }
}

/// `<config dir>/istra-tray/settings.json`.
pub fn default_path() -> PathBuf {
    dirs::config_dir().unwrap_or_else(std::env::temp_dir).join("istra-tray").join("settings.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_survive_a_save_and_load() {
        let dir = std::env::temp_dir().join(format!("istra-settings-{}", std::process::id()));
        let path = dir.join("settings.json");
        let settings = Settings {
            server: "https://pbx.example.com".into(),
            login: "alice".into(),
            terminal_id: Some("5985841581756135024".into()),
            outside_line_prefix: Some("0".into()),
            ..Settings::default()
        };
        settings.save(&path).expect("saved");
        assert_eq!(Settings::load(&path), settings);
        let text = std::fs::read_to_string(&path).expect("file");
        assert!(!text.to_lowercase().contains("password"), "no password field on disk");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_broken_or_missing_file_gives_the_defaults() {
        let dir = std::env::temp_dir().join(format!("istra-settings-broken-{}", std::process::id()));
        let path = dir.join("settings.json");
        assert_eq!(Settings::load(&path), Settings::default());
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(&path, "{not json").expect("written");
        assert_eq!(Settings::load(&path), Settings::default());
        std::fs::write(&path, r#"{"login":"bob","unknownField":1}"#).expect("written");
        assert_eq!(Settings::load(&path).login, "bob");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn one_wrong_field_costs_only_itself() {
        let text = r#"{"server":"https://pbx.example.com","login":"alice","hotkey":"Ctrl+Banana",
                       "popupLingerSecs":0,"defaultCountry":"BE","outsideLinePrefix":"0",
                       "caFile":"/nowhere/company-ca.pem","dnd":"yes","unknown":1}"#;
        let (settings, refused) = Settings::from_text(text);
        assert_eq!(refused, ["dnd", "hotkey", "popupLingerSecs"]);
        assert_eq!((settings.server.as_str(), settings.login.as_str()), ("https://pbx.example.com", "alice"));
        assert_eq!((settings.default_country.as_str(), settings.outside_line_prefix.as_deref()), ("BE", Some("0")));
        assert_eq!(settings.hotkey, Settings::default().hotkey, "the wrong hotkey takes its default");
        assert_eq!(settings.popup_linger_secs, Settings::default().popup_linger_secs);
        assert_eq!(settings.ca_file.as_deref(), Some("/nowhere/company-ca.pem"), "a missing CA file is kept");
        assert_eq!(settings.clone().validated().map_err(|e| e.code), Err(ErrorCode::CaFile), "and reported on use");
        assert_eq!(Settings::from_text("[1, 2]"), (Settings::default(), vec!["*".to_owned()]));
    }

    #[test]
    fn validation_names_the_wrong_field() {
        let bad = [
            Settings { server: "ftp://x".into(), ..Settings::default() },
            Settings { popup_linger_secs: 0, ..Settings::default() },
            Settings { default_country: "XX".into(), ..Settings::default() },
            Settings { outside_line_prefix: Some("9a".into()), ..Settings::default() },
            Settings { hotkey: "Ctrl+Banana".into(), ..Settings::default() },
        ];
        for settings in bad {
            let e = settings.clone().validated().expect_err("refused");
            assert_eq!(e.code, ErrorCode::InvalidSettings, "{settings:?}");
        }
        let ok =
            Settings { default_country: " de ".into(), outside_line_prefix: Some(" ".into()), ..Settings::default() }
                .validated()
                .expect("valid");
        assert_eq!(ok.default_country, "DE");
        assert_eq!(ok.outside_line_prefix, None);
        let no_hotkey =
            Settings { hotkey: " ".into(), ..Settings::default() }.validated().expect("no hotkey is allowed");
        assert_eq!(no_hotkey.hotkey, "");
        let ca = Settings { ca_file: Some("/nonexistent/ca.pem".into()), ..Settings::default() };
        assert_eq!(ca.validated().expect_err("refused").code, ErrorCode::CaFile);
        let no_ca = Settings { ca_file: Some("  ".into()), ..Settings::default() }.validated().expect("blank is none");
        assert_eq!(no_ca.ca_file, None);
        let pop = Settings { screen_pop_url: "javascript:alert({label})".into(), ..Settings::default() };
        assert_eq!(pop.validated().expect_err("refused").code, ErrorCode::InvalidTemplate);
        let pop = Settings { screen_pop_url: " https://crm.example.com/?p={e164} ".into(), ..Settings::default() };
        assert_eq!(pop.validated().expect("valid").screen_pop_url, "https://crm.example.com/?p={e164}");
    }
}
