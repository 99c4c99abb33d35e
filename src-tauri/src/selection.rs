//! Reads what the user selected or copied, for "Dial selection" and "Dial clipboard".
//!
//! On Linux the selection is the PRIMARY selection (X11, and Wayland compositors that offer
//! the primary-selection protocol). Reading it never changes it.

use std::sync::Mutex;
use std::time::Duration;

use crate::views::{AppError, within};

/// Where to read the text from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The text selected anywhere on screen.
    Selection,
    /// The clipboard (what the user copied).
    Clipboard,
}

/// No clipboard or selection owner may keep us waiting longer than this.
const LIMIT: Duration = Duration::from_secs(2);

/// Selections longer than this are refused before reading them into the dial rules.
const MAX_CHARS: usize = 4096;

fn unavailable(e: impl std::fmt::Display) -> AppError {
    AppError::new("selection_unavailable", format!("cannot read the selection: {e}"))
}

/// One clipboard connection for the app's life: on X11 what we copy stays available only
/// while it lives.
static CLIPBOARD: Mutex<Option<arboard::Clipboard>> = Mutex::new(None);

fn with_clipboard<T>(
    work: impl FnOnce(&mut arboard::Clipboard) -> Result<T, arboard::Error>,
) -> Result<T, arboard::Error> {
    let mut slot = CLIPBOARD.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let clipboard = match &mut *slot {
        Some(clipboard) => clipboard,
        empty => empty.insert(arboard::Clipboard::new()?),
    };
    work(clipboard)
}

fn read_blocking(source: Source) -> Result<String, AppError> {
    let text = with_clipboard(|clipboard| match source {
        Source::Clipboard => clipboard.get_text(),
        Source::Selection => read_selection(clipboard),
    });
    match text {
        Ok(text) if text.chars().count() > MAX_CHARS => Err(AppError::new("too_long", "the selection is too long")),
        Ok(text) => Ok(text),
        Err(arboard::Error::ContentNotAvailable) => Ok(String::new()),
        Err(e) => Err(unavailable(e)),
    }
}

#[cfg(target_os = "linux")]
fn read_selection(clipboard: &mut arboard::Clipboard) -> Result<String, arboard::Error> {
    use arboard::{GetExtLinux as _, LinuxClipboardKind};
    clipboard.get().clipboard(LinuxClipboardKind::Primary).text()
}

#[cfg(not(target_os = "linux"))]
fn read_selection(_clipboard: &mut arboard::Clipboard) -> Result<String, arboard::Error> {
    // Windows and macOS have no primary selection; reading it needs the accessibility API
    // or a simulated copy, which this build does not do yet.
    Err(arboard::Error::ClipboardNotSupported)
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
        |why: &dyn std::fmt::Display| AppError::new("internal", format!("cannot write the clipboard: {why}"));
    within(
        LIMIT,
        move || with_clipboard(|clipboard| clipboard.set_text(text)).map_err(|e| cannot_write(&e)),
        |why| cannot_write(&why),
    )
    .await
}
