//! The global "dial the selection" hotkey. A key another program holds is reported, never a crash.

use tauri::{AppHandle, Manager as _, Runtime};
use tauri_plugin_global_shortcut::{GlobalShortcutExt as _, ShortcutState};

use crate::model::error::{AppError, ErrorCode};
use crate::model::intent::Source;
use crate::model::intent::{Intent, Intents};
use crate::model::settings::parse_hotkey;

/// Registers `accelerator` (unregistering `previous`) to dial the selection. An empty
/// accelerator means no hotkey.
///
/// # Errors
///
/// `invalid_settings` for a malformed key, `hotkey_taken` when another program holds it (the
/// previous hotkey then stays in force).
pub fn register<R: Runtime>(app: &AppHandle<R>, accelerator: &str, previous: Option<&str>) -> Result<(), AppError> {
    let shortcuts = app.global_shortcut();
    let old = previous.filter(|p| !p.is_empty() && *p != accelerator).and_then(|p| parse_hotkey(p).ok());
    if let Some(old) = old {
        let _ = shortcuts.unregister(old);
    }
    if accelerator.is_empty() {
        return Ok(());
    }
    let shortcut = parse_hotkey(accelerator)?;
    let result = shortcuts.on_shortcut(shortcut, |app, _shortcut, event| {
        if event.state == ShortcutState::Pressed {
            if let Some(intents) = app.try_state::<Intents>() {
                intents.send(Intent::Dial { source: Source::Selection, asked: tokio::time::Instant::now() });
            }
        }
    });
    result.map_err(|e| {
        if let (Some(_), Some(previous)) = (old, previous) {
            let _ = register(app, previous, None);
        }
        AppError::new(ErrorCode::HotkeyTaken, format!("the hotkey {accelerator} is taken by another program: {e}"))
    })
}
