//! The settings files (the user's, and the administrators' defaults and locks) and the parts of
//! the settings that read files: the extra CA file. The settings themselves, their rules and
//! how the layers combine are `model::settings`.

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
}

/// The settings files: the user's (JSON in the OS config directory, written atomically) and,
/// in a folder only administrators write, `defaults.json` (settings for every user, under each
/// user's own) and `policy.json` (`{"locked": {field: value, …}, "reason": "…"}`: settings
/// locked to a value). Each is read field by field: every valid field is kept, a wrong one is
/// logged and left out, so one bad value never costs the user their server and login.
///
/// Locks keep a deployment consistent; they are not a security boundary: a user who may start
/// programs may start this one with another `ISTRA_TRAY_SYSTEM_DIR`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsFiles {
    /// The user's settings file.
    pub user: PathBuf,
    /// The administrators' folder; `None` where there is none.
    pub system: Option<PathBuf>,
}

impl SettingsFiles {
    /// The files of this user on this computer: `<config dir>/istra-tray/settings.json`, and
    /// the folder [`system_dir`] names.
    pub fn of_this_user() -> Self {
        Self {
            user: dirs::config_dir().unwrap_or_else(std::env::temp_dir).join("istra-tray").join("settings.json"),
            system: system_dir(),
        }
    }

    /// The settings in use (see [`Settings::layered`]); a missing or unreadable file adds
    /// nothing.
    pub fn load(&self) -> Settings {
        let defaults = self.system_text("defaults.json");
        let user = read(&self.user);
        let policy = self.system_text("policy.json");
        let (settings, refused) = Settings::layered(defaults.as_deref(), user.as_deref(), policy.as_deref());
        for (layer, field) in refused {
            tracing::warn!(layer, field, "setting not valid; left out");
        }
        settings
    }

    /// Writes the user's settings atomically (temporary file, then rename): the fields that
    /// differ from the defaults (built in and the administrators'), so that a default changed
    /// later reaches every user who never chose otherwise.
    ///
    /// # Errors
    ///
    /// `internal` when the file cannot be written.
    pub fn save(&self, settings: &Settings) -> Result<(), AppError> {
        let defaults = self.system_text("defaults.json");
        let (base, _) = Settings::layered(defaults.as_deref(), None, None);
        let fail = |e: std::io::Error| AppError::new(ErrorCode::Internal, format!("cannot save settings: {e}"));
        if let Some(dir) = self.user.parent() {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let fields = serde_json::Value::Object(settings.file_fields(&base));
        let text =
            serde_json::to_string_pretty(&fields).map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))?;
        let tmp = self.user.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(fail)?;
        std::fs::rename(&tmp, &self.user).map_err(fail)
    }

    fn system_text(&self, name: &str) -> Option<String> {
        read(&self.system.as_ref()?.join(name))
    }
}

/// A settings file's text; `None` when it is missing, or unreadable (logged).
fn read(path: &Path) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "cannot read settings");
            None
        }
    }
}

/// The administrators' folder: `ISTRA_TRAY_SYSTEM_DIR` when set (packaging tests, a
/// deployment tool), else `/etc/istra-tray` on Linux, the executable's folder on Windows,
/// `/Library/Application Support/istra-tray` on macOS.
pub fn system_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("ISTRA_TRAY_SYSTEM_DIR").filter(|dir| !dir.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    if cfg!(windows) {
        std::env::current_exe().ok()?.parent().map(Path::to_path_buf)
    } else if cfg!(target_os = "macos") {
        Some(PathBuf::from("/Library/Application Support/istra-tray"))
    } else {
        Some(PathBuf::from("/etc/istra-tray"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files in a folder of their own, with an administrators' folder beside the user's file.
    fn files(name: &str) -> (PathBuf, SettingsFiles) {
        let dir = std::env::temp_dir().join(format!("istra-settings-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let files = SettingsFiles { user: dir.join("user").join("settings.json"), system: Some(dir.join("etc")) };
        (dir, files)
    }

    #[test]
    fn settings_survive_a_save_and_load() {
        let (dir, files) = files("round-trip");
        let settings = Settings {
            server: "https://pbx.example.com".into(),
            login: "alice".into(),
            terminal_id: Some("5985841581756135024".into()),
            outside_line_prefix: Some("0".into()),
            ..Settings::default()
        };
        files.save(&settings).expect("saved");
        assert_eq!(files.load(), settings);
        let text = std::fs::read_to_string(&files.user).expect("file");
        assert!(!text.to_lowercase().contains("password"), "no password field on disk");
        assert!(!text.contains("popupLingerSecs"), "defaults are not written: {text}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_broken_or_missing_file_gives_the_defaults() {
        let (dir, files) = files("broken");
        assert_eq!(files.load(), Settings::default());
        std::fs::create_dir_all(files.user.parent().expect("folder")).expect("dir");
        std::fs::write(&files.user, "{not json").expect("written");
        assert_eq!(files.load(), Settings::default());
        std::fs::write(&files.user, r#"{"login":"bob","unknownField":1}"#).expect("written");
        assert_eq!(files.load().login, "bob");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn administrators_defaults_lie_under_the_users_settings_and_their_locks_over_them() {
        let (dir, files) = files("managed");
        let etc = files.system.clone().expect("folder");
        std::fs::create_dir_all(&etc).expect("dir");
        std::fs::write(etc.join("defaults.json"), r#"{"server":"https://pbx.example.com","hotkey":"Ctrl+Alt+P"}"#)
            .expect("written");
        std::fs::write(
            etc.join("policy.json"),
            r#"{"locked":{"server":"https://pbx2.example.com"},"reason":"Set by IT <b>(ext. 1234)</b>"}"#,
        )
        .expect("written");
        std::fs::create_dir_all(files.user.parent().expect("folder")).expect("dir");
        std::fs::write(&files.user, r#"{"login":"bob","server":"https://old.example.com","hotkey":"Ctrl+Alt+K"}"#)
            .expect("written");
        let settings = files.load();
        assert_eq!(settings.server, "https://pbx2.example.com", "the lock moves everyone to the new server");
        assert_eq!(settings.hotkey, "Ctrl+Alt+K", "the user's choice over the default");
        assert_eq!(settings.managed.locked, vec!["server".to_owned()]);
        assert_eq!(settings.managed.reason.as_deref(), Some("Set by IT <b>(ext. 1234)</b>"), "text, shown as text");
        // Saved back: what the user chose, not the administrators' default or the lock's list.
        let settings = Settings { hotkey: "Ctrl+Alt+P".into(), ..settings };
        files.save(&settings).expect("saved");
        let text = std::fs::read_to_string(&files.user).expect("file");
        assert!(!text.contains("hotkey") && !text.contains("managed") && text.contains("bob"), "{text}");
        let _ = std::fs::remove_dir_all(dir);
    }
}
