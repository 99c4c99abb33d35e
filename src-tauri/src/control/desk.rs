//! The desktop side of a settings change (the global hotkey, start at login, GNOME's own
//! shortcut): applied before
//! the settings are saved, so a key another program holds is refused before anything is
//! written, and undone when saving then fails, so the desktop never runs settings the file
//! does not hold.

use tauri::{AppHandle, Runtime};

use crate::model::error::AppError;
use crate::model::settings::Settings;

/// What a settings change does to the desktop.
pub trait Desk {
    /// Registers `accelerator` in place of `previous` (either may be empty: no hotkey).
    fn hotkey(&mut self, accelerator: &str, previous: &str) -> Result<(), AppError>;
    /// Starts the app at login, or no longer.
    fn start_at_login(&mut self, enabled: bool) -> Result<(), AppError>;
    /// Adds GNOME's own keyboard shortcut for dialling the selection with this accelerator, or
    /// (`None`) removes it.
    fn gnome_shortcut(&mut self, accelerator: Option<&str>) -> Result<(), AppError>;
}

/// The real desktop: the global-shortcut plugin (when the app holds the key itself, `true`; not
/// where the desktop holds it through its portal or its own shortcuts) and the autostart entry.
#[derive(Debug)]
pub struct AppDesk<'a, R: Runtime>(pub &'a AppHandle<R>, pub bool);

impl<R: Runtime> Desk for AppDesk<'_, R> {
    fn hotkey(&mut self, accelerator: &str, previous: &str) -> Result<(), AppError> {
        if !self.1 {
            return Ok(());
        }
        crate::shell::hotkey::register(self.0, accelerator, Some(previous))
    }

    fn start_at_login(&mut self, enabled: bool) -> Result<(), AppError> {
        crate::platform::autostart::set(self.0, enabled)
    }

    #[cfg(target_os = "linux")]
    fn gnome_shortcut(&mut self, accelerator: Option<&str>) -> Result<(), AppError> {
        use crate::model::settings::gnome_binding;
        let name = &crate::model::i18n::words().tray.dial_selection;
        let command = crate::platform::links::app_command("dial-selection")
            .map_err(|e| AppError::new(crate::model::error::ErrorCode::Internal, e.to_string()))?;
        let binding = accelerator.map(gnome_binding);
        crate::platform::gnome_shortcut::set(binding.as_deref().map(|b| (b, command.as_str(), name.as_str())))
    }

    #[cfg(not(target_os = "linux"))]
    fn gnome_shortcut(&mut self, _accelerator: Option<&str>) -> Result<(), AppError> {
        Ok(())
    }
}

/// What [`apply`] changed, to undo it.
#[derive(Debug, Default, PartialEq, Eq)]
#[must_use = "undo it when saving fails"]
pub struct Applied {
    /// The hotkey now registered, and the one it replaced.
    hotkey: Option<(String, String)>,
    /// Start at login as it was before.
    start_at_login_was: Option<bool>,
    /// GNOME's shortcut as it was before (its accelerator, or none).
    gnome_shortcut_was: Option<Option<String>>,
}

impl Applied {
    /// Puts the desktop back as it was before [`apply`]; what cannot be put back is logged.
    pub fn undo(self, desk: &mut impl Desk) {
        if let Some(was) = &self.gnome_shortcut_was {
            if let Err(e) = desk.gnome_shortcut(was.as_deref()) {
                tracing::warn!(error = %e, "cannot put GNOME's shortcut back");
            }
        }
        if let Some(was) = self.start_at_login_was {
            if let Err(e) = desk.start_at_login(was) {
                tracing::warn!(error = %e, "cannot put start at login back");
            }
        }
        if let Some((now, was)) = self.hotkey {
            if let Err(e) = desk.hotkey(&was, &now) {
                tracing::warn!(error = %e, "cannot put the hotkey back");
            }
        }
    }
}

/// Applies what changed from `old` to `new` on the desktop. When a part is refused, the parts
/// already applied are undone and the error returned.
///
/// # Errors
///
/// What the desktop refused (`hotkey_taken`, `invalid_settings`, `internal`).
pub fn apply(desk: &mut impl Desk, old: &Settings, new: &Settings) -> Result<Applied, AppError> {
    let mut applied = Applied::default();
    if new.hotkey != old.hotkey {
        desk.hotkey(&new.hotkey, &old.hotkey)?;
        applied.hotkey = Some((new.hotkey.clone(), old.hotkey.clone()));
    }
    if new.start_at_login != old.start_at_login {
        if let Err(e) = desk.start_at_login(new.start_at_login) {
            applied.undo(desk);
            return Err(e);
        }
        applied.start_at_login_was = Some(old.start_at_login);
    }
    let shortcut = |s: &Settings| s.gnome_shortcut.then(|| s.hotkey.clone()).filter(|k| !k.is_empty());
    let (wanted, was) = (shortcut(new), shortcut(old));
    if wanted != was {
        if let Err(e) = desk.gnome_shortcut(wanted.as_deref()) {
            applied.undo(desk);
            return Err(e);
        }
        applied.gnome_shortcut_was = Some(was);
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::error::ErrorCode;

    /// A desktop that records what it was asked and refuses what it is told to.
    #[derive(Default)]
    struct Recorded {
        asked: Vec<String>,
        refuse_hotkey: Option<String>,
        refuse_start_at_login: bool,
    }

    impl Desk for Recorded {
        fn hotkey(&mut self, accelerator: &str, previous: &str) -> Result<(), AppError> {
            self.asked.push(format!("hotkey {accelerator} (was {previous})"));
            if self.refuse_hotkey.as_deref() == Some(accelerator) {
                return Err(AppError::new(ErrorCode::HotkeyTaken, "taken"));
            }
            Ok(())
        }

        fn start_at_login(&mut self, enabled: bool) -> Result<(), AppError> {
            self.asked.push(format!("start at login {enabled}"));
            if self.refuse_start_at_login {
                return Err(AppError::new(ErrorCode::Internal, "read-only folder"));
            }
            Ok(())
        }

        fn gnome_shortcut(&mut self, accelerator: Option<&str>) -> Result<(), AppError> {
            self.asked.push(format!("gnome shortcut {accelerator:?}"));
            Ok(())
        }
    }

    fn settings(hotkey: &str, start_at_login: bool) -> Settings {
        Settings { hotkey: hotkey.into(), start_at_login, ..Settings::default() }
    }

    #[test]
    fn only_what_changed_is_applied() {
        let mut desk = Recorded::default();
        let same = settings("Ctrl+Alt+D", false);
        assert_eq!(apply(&mut desk, &same, &same), Ok(Applied::default()));
        assert!(desk.asked.is_empty());
        let applied = apply(&mut desk, &same, &settings("Ctrl+Alt+K", true)).expect("applied");
        assert_eq!(desk.asked, ["hotkey Ctrl+Alt+K (was Ctrl+Alt+D)", "start at login true"]);
        assert_ne!(applied, Applied::default());
    }

    #[test]
    fn saving_that_fails_afterwards_puts_the_hotkey_and_start_at_login_back() {
        let mut desk = Recorded::default();
        let applied = apply(&mut desk, &settings("Ctrl+Alt+D", false), &settings("Ctrl+Alt+K", true)).expect("applied");
        desk.asked.clear();
        applied.undo(&mut desk);
        assert_eq!(desk.asked, ["start at login false", "hotkey Ctrl+Alt+D (was Ctrl+Alt+K)"]);
    }

    #[test]
    fn a_refused_part_undoes_the_parts_before_it() {
        let mut desk = Recorded { refuse_start_at_login: true, ..Recorded::default() };
        let refused = apply(&mut desk, &settings("Ctrl+Alt+D", false), &settings("Ctrl+Alt+K", true));
        assert_eq!(refused.map_err(|e| e.code), Err(ErrorCode::Internal));
        assert_eq!(
            desk.asked,
            ["hotkey Ctrl+Alt+K (was Ctrl+Alt+D)", "start at login true", "hotkey Ctrl+Alt+D (was Ctrl+Alt+K)"]
        );
    }

    #[test]
    fn a_taken_hotkey_changes_nothing() {
        let mut desk = Recorded { refuse_hotkey: Some("Ctrl+Alt+K".into()), ..Recorded::default() };
        let refused = apply(&mut desk, &settings("Ctrl+Alt+D", false), &settings("Ctrl+Alt+K", true));
        assert_eq!(refused.map_err(|e| e.code), Err(ErrorCode::HotkeyTaken));
        assert_eq!(desk.asked, ["hotkey Ctrl+Alt+K (was Ctrl+Alt+D)"], "start at login untouched");
    }

    #[test]
    fn gnomes_shortcut_follows_the_setting_and_the_key_and_is_put_back() {
        let mut desk = Recorded::default();
        let off = settings("Ctrl+Alt+D", false);
        let on = Settings { gnome_shortcut: true, ..off.clone() };
        let applied = apply(&mut desk, &off, &on).expect("applied");
        assert_eq!(desk.asked, ["gnome shortcut Some(\"Ctrl+Alt+D\")"]);
        desk.asked.clear();
        applied.undo(&mut desk);
        assert_eq!(desk.asked, ["gnome shortcut None"], "saving failed: removed again");
        desk.asked.clear();
        let other_key = Settings { hotkey: "Ctrl+Alt+K".into(), ..on.clone() };
        let _ = apply(&mut desk, &on, &other_key).expect("applied");
        assert_eq!(desk.asked, ["hotkey Ctrl+Alt+K (was Ctrl+Alt+D)", "gnome shortcut Some(\"Ctrl+Alt+K\")"]);
        desk.asked.clear();
        let _ = apply(&mut desk, &on, &off).expect("applied");
        assert_eq!(desk.asked, ["gnome shortcut None"], "turned off: removed");
    }
}
