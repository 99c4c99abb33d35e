//! Start at login: an XDG autostart entry on Linux (in `$XDG_CONFIG_HOME/autostart`, created
//! if missing), the autostart plugin's launch agent or Run key elsewhere.

use tauri::{AppHandle, Runtime};

use crate::model::error::{AppError, ErrorCode};

fn failed(e: impl std::fmt::Display) -> AppError {
    AppError::new(ErrorCode::Internal, format!("cannot change start at login: {e}"))
}

/// The desktop entry that starts `exe` at login, its path written as the Desktop Entry
/// specification asks (the same rule as the phone links' entry), so spaces and quotes survive.
pub fn desktop_entry(exe: &str) -> String {
    format!(
        "[Desktop Entry]\nType=Application\nName=istra-tray\nComment=Call popups and click-to-dial\n\
         Exec={}\nIcon=istra-tray\nTerminal=false\nX-GNOME-Autostart-enabled=true\n",
        crate::platform::links::exec_quote(exe)
    )
}

/// Registers (or removes) the app to start at login.
///
/// # Errors
///
/// `internal` when the entry cannot be written or removed.
#[cfg(target_os = "linux")]
pub fn set<R: Runtime>(_app: &AppHandle<R>, enabled: bool) -> Result<(), AppError> {
    let dir = dirs::config_dir().ok_or_else(|| failed("no config directory"))?.join("autostart");
    let entry = dir.join("istra-tray.desktop");
    if !enabled {
        return match std::fs::remove_file(&entry) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(failed(e)),
            _ => Ok(()),
        };
    }
    let exe = crate::platform::links::app_path().map_err(failed)?;
    std::fs::create_dir_all(&dir).map_err(failed)?;
    std::fs::write(&entry, desktop_entry(&exe.to_string_lossy())).map_err(failed)
}

/// Registers (or removes) the app to start at login.
///
/// # Errors
///
/// `internal` when the system refuses.
#[cfg(not(target_os = "linux"))]
pub fn set<R: Runtime>(app: &AppHandle<R>, enabled: bool) -> Result<(), AppError> {
    use tauri_plugin_autostart::ManagerExt as _;
    let autostart = app.autolaunch();
    let result = if enabled { autostart.enable() } else { autostart.disable() };
    result.map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_quotes_paths_with_spaces_and_quotes() {
        let entry = desktop_entry("/opt/My Apps/istra \"tray\"/istra-tray");
        assert!(entry.contains("Exec=\"/opt/My Apps/istra \\\"tray\\\"/istra-tray\"\n"), "{entry}");
        assert!(entry.starts_with("[Desktop Entry]\nType=Application\n"));
    }
}
