//! GNOME's own keyboard shortcut for "Dial selection": where GNOME on Wayland offers no
//! GlobalShortcuts portal (GNOME 46, Ubuntu 24.04), the app adds, with the user's consent (the
//! setting "Add a GNOME keyboard shortcut"), a custom shortcut of GNOME Settings that runs
//! `istra-tray dial-selection`, and removes it when the user turns the setting off. It is
//! written where GNOME Settings writes its own: the media-keys plugin's GSettings.

use gio::prelude::*;

use crate::model::error::{AppError, ErrorCode};

const MEDIA_KEYS: &str = "org.gnome.settings-daemon.plugins.media-keys";
const CUSTOM: &str = "org.gnome.settings-daemon.plugins.media-keys.custom-keybinding";
const LIST: &str = "custom-keybindings";
/// The app's own entry among the user's custom shortcuts.
const PATH: &str = "/org/gnome/settings-daemon/plugins/media-keys/custom-keybindings/istra-tray-dial-selection/";

/// Whether GNOME's shortcut settings exist here (creating settings for a missing schema would
/// end the process).
pub fn available() -> bool {
    let Some(source) = gio::SettingsSchemaSource::default() else { return false };
    source.lookup(MEDIA_KEYS, true).is_some() && source.lookup(CUSTOM, true).is_some()
}

/// Adds (`Some(binding)`, with the command that dials the selection and the shortcut's name) or
/// removes (`None`) the app's custom shortcut; the user's other shortcuts are kept as they are.
///
/// # Errors
///
/// `internal` when GNOME's shortcut settings do not exist here.
pub fn set(shortcut: Option<(&str, &str, &str)>) -> Result<(), AppError> {
    if !available() {
        return Err(AppError::new(ErrorCode::Internal, "GNOME's keyboard shortcut settings are not installed here"));
    }
    let failed =
        |e: gio::glib::BoolError| AppError::new(ErrorCode::Internal, format!("cannot write the GNOME shortcut: {e}"));
    let media_keys = gio::Settings::new(MEDIA_KEYS);
    let mut paths: Vec<String> = media_keys.strv(LIST).iter().map(|p| p.as_str().to_owned()).collect();
    paths.retain(|p| p != PATH);
    let ours = gio::Settings::with_path(CUSTOM, PATH);
    match shortcut {
        Some((binding, command, name)) => {
            ours.set_string("name", name).map_err(failed)?;
            ours.set_string("command", command).map_err(failed)?;
            ours.set_string("binding", binding).map_err(failed)?;
            paths.push(PATH.to_owned());
        }
        None => {
            for key in ["name", "command", "binding"] {
                ours.reset(key);
            }
        }
    }
    let list: Vec<&str> = paths.iter().map(String::as_str).collect();
    media_keys.set_strv(LIST, list.as_slice()).map_err(failed)?;
    gio::Settings::sync();
    Ok(())
}
