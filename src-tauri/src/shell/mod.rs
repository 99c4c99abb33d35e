//! What the user sees and presses: the tray, the global hotkey, the windows and the popup, and
//! the care WebKit needs. The shell sends intents (`model::intent`) and is driven by the
//! controller; it never calls back in.

pub mod hotkey;
pub mod popup;
#[cfg(target_os = "linux")]
pub mod portal;
pub mod tray;
#[cfg(target_os = "linux")]
pub(crate) mod webkit;
#[cfg(windows)]
pub mod webview2;
pub mod windows;
