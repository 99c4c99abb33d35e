//! Windows: every window of the app, the call popup included, is a WebView2 page. Without the
//! WebView2 runtime nothing can show, so the app says so in a message box and ends with
//! [`NO_RUNTIME`] instead of living on unseen in the tray.
//!
//! `ISTRA_TRAY_WITHOUT_WEBVIEW2=1` runs it on regardless, windowless (the tray, the dial key,
//! phone links and calls; no popup, no window): for Wine, where the runtime cannot be
//! installed (`scripts/windows.sh`), never for users.

use crate::model::i18n::words;

/// The exit status of a start without the WebView2 runtime.
pub const NO_RUNTIME: i32 = 3;

/// Whether the WebView2 runtime is installed. When it is not, the user has been told (a
/// message box, which this waits for) and the log says so.
pub fn runtime_found() -> bool {
    let windowless = std::env::var_os("ISTRA_TRAY_WITHOUT_WEBVIEW2").is_some_and(|v| v == "1");
    match tauri::webview_version() {
        Ok(version) => {
            tracing::info!(version, "WebView2 runtime found");
            true
        }
        Err(e) if windowless => {
            tracing::warn!(error = %e, "no WebView2 runtime: running on without windows, as asked");
            true
        }
        Err(e) => {
            tracing::error!(error = %e, "no WebView2 runtime: istra-tray cannot show its windows and ends");
            let words = &words().windows;
            tell(&words.no_webview2_title, &words.no_webview2);
            false
        }
    }
}

/// A message box with an error's icon and an OK button, in front of the other windows.
#[allow(unsafe_code)]
fn tell(title: &str, text: &str) {
    use windows_sys::Win32::UI::WindowsAndMessaging::{MB_ICONERROR, MB_OK, MB_SETFOREGROUND, MessageBoxW};
    let wide = |s: &str| s.encode_utf16().chain(std::iter::once(0)).collect::<Vec<u16>>();
    let (title, text) = (wide(title), wide(text));
    // SAFETY: both strings are NUL-terminated UTF-16 that live until the call returns; there
    // is no owner window.
    unsafe {
        MessageBoxW(std::ptr::null_mut(), text.as_ptr(), title.as_ptr(), MB_OK | MB_ICONERROR | MB_SETFOREGROUND)
    };
}
