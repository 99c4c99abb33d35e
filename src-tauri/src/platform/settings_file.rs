//! The settings file (JSON in the OS config directory, written atomically) and the parts of
//! the settings that read files: the extra CA file. The settings themselves, and their rules,
//! are `model::settings`.

use std::path::{Path, PathBuf};

use crate::model::error::{AppError, ErrorCode};
use crate::model::settings::Settings;

impl Settings {
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
}
