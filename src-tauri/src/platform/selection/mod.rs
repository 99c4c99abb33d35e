//! Reads what the user selected or copied, for "Dial selection" and "Dial clipboard".
//!
//! On Linux the selection is the PRIMARY selection (X11, and Wayland compositors that offer
//! the primary-selection protocol). Reading it never changes it.
//!
//! Windows and macOS have no primary selection: there the selection is copied with a simulated
//! Ctrl+C (Cmd+C on macOS) and the user's clipboard is put back afterwards (see `simulated`).

use std::sync::Mutex;
use std::time::Duration;

use crate::model::error::{AppError, ErrorCode, within};
use crate::model::intent::Source;

/// No clipboard or selection owner may keep us waiting longer than this.
const LIMIT: Duration = Duration::from_secs(2);

/// Selections longer than this are refused before reading them into the dial rules.
const MAX_CHARS: usize = 4096;

fn unavailable(e: impl std::fmt::Display) -> AppError {
    AppError::new(ErrorCode::SelectionUnavailable, format!("cannot read the selection: {e}"))
}

/// One clipboard connection for the app's life: on X11 what we copy stays available only
/// while it lives. Holding its lock also keeps two simulated copies from interleaving.
static CLIPBOARD: Mutex<Option<arboard::Clipboard>> = Mutex::new(None);

fn with_clipboard<T>(
    work: impl FnOnce(&mut arboard::Clipboard) -> Result<T, arboard::Error>,
) -> Result<T, arboard::Error> {
    let mut slot = CLIPBOARD.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let clipboard = match &mut *slot {
        Some(clipboard) => clipboard,
        empty => {
            #[cfg(target_os = "linux")]
            tracing::info!(from = selection_source(), "reading the selection");
            empty.insert(arboard::Clipboard::new()?)
        }
    };
    work(clipboard)
}

/// Which selection this desktop gives, as arboard will pick it: the Wayland primary selection
/// where the compositor offers data-control (wlroots, KDE), otherwise X11's PRIMARY, which
/// Mutter keeps in step with the Wayland one through Xwayland.
#[cfg(target_os = "linux")]
fn selection_source() -> &'static str {
    if std::env::var_os("WAYLAND_DISPLAY").is_none() {
        return "X11 PRIMARY";
    }
    match wl_clipboard_rs::utils::is_primary_selection_supported() {
        Ok(true) => "the Wayland primary selection (data-control)",
        Ok(false) => "Wayland data-control, which has no primary selection here",
        Err(_) => "X11 PRIMARY through Xwayland (no Wayland data-control here)",
    }
}

/// Text as read, no text as the empty string.
fn text_or_empty(text: Result<String, arboard::Error>) -> Result<String, AppError> {
    match text {
        Ok(text) => Ok(text),
        Err(arboard::Error::ContentNotAvailable) => Ok(String::new()),
        Err(e) => Err(unavailable(e)),
    }
}

fn read_blocking(source: Source) -> Result<String, AppError> {
    let text = with_clipboard(|clipboard| {
        Ok(match source {
            Source::Clipboard => text_or_empty(clipboard.get_text()),
            Source::Selection => read_selection(clipboard),
        })
    })
    .map_err(unavailable)??;
    if text.chars().count() > MAX_CHARS {
        return Err(AppError::new(ErrorCode::TooLong, "the selection is too long"));
    }
    Ok(text)
}

#[cfg(target_os = "linux")]
fn read_selection(clipboard: &mut arboard::Clipboard) -> Result<String, AppError> {
    use arboard::{GetExtLinux as _, LinuxClipboardKind};
    text_or_empty(clipboard.get().clipboard(LinuxClipboardKind::Primary).text())
}

#[cfg(any(windows, target_os = "macos"))]
fn read_selection(clipboard: &mut arboard::Clipboard) -> Result<String, AppError> {
    simulated::copy_selection(&mut os::Desk::new(clipboard)?)
}

#[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
fn read_selection(_clipboard: &mut arboard::Clipboard) -> Result<String, AppError> {
    Err(unavailable(arboard::Error::ClipboardNotSupported))
}

/// Reads the text, bounded in time (a selection owner that never answers cannot hang us).
///
/// # Errors
///
/// `selection_unavailable` when the selection cannot be read, `too_long` for a huge selection.
pub async fn read(source: Source) -> Result<String, AppError> {
    within(LIMIT, move || read_blocking(source), |why| unavailable(format!("the application holding it: {why}"))).await
}

/// Puts `text` on the clipboard.
///
/// # Errors
///
/// `internal` when the clipboard cannot be written.
pub async fn copy(text: String) -> Result<(), AppError> {
    let cannot_write =
        |why: &dyn std::fmt::Display| AppError::new(ErrorCode::Internal, format!("cannot write the clipboard: {why}"));
    within(
        LIMIT,
        move || with_clipboard(|clipboard| clipboard.set_text(text)).map_err(|e| cannot_write(&e)),
        |why| cannot_write(&why),
    )
    .await
}

/// The selection read by a simulated copy where the desktop has no primary selection (its
/// steps, apart from the OS, tested anywhere).
#[cfg(any(test, windows, target_os = "macos"))]
mod simulated;

/// The simulated copy's OS parts: arboard for the clipboard, enigo for the key presses.
#[cfg(any(windows, target_os = "macos"))]
mod os;
