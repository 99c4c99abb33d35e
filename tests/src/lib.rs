//! What the end-to-end tests drive: the real `istra-tray` binary, started by `tauri-driver`
//! (WebKitWebDriver) inside the desktop session of `scripts/desktop-session.sh`, with its own
//! config folders, against a `mycrm-sim` on loopback.
//!
//! # Layout
//!
//! - [`WebDriver`]: a small W3C WebDriver client (sessions, windows, elements, scripts).
//! - [`App`]: one running app with its driver, its folders and helpers for the desktop
//!   (selection, hotkey, notifications seen on D-Bus, tray menu through dbusmenu).
//! - [`Unattended`]: the app started without WebDriver, signed in from the command line.
//! - [`NoTray`]: the session's tray stopped for a while (a desktop without one).
//! - [`CrmDouble`]: a CRM answering the caller lookup on loopback.
//! - [`PortalDouble`]: the desktop portal's GlobalShortcuts, as a double on the session bus.
//! - [`Sway`]: a headless Wayland compositor beside the X display, whose primary selection
//!   the app reads when it is given `WAYLAND_DISPLAY`, and where its popup is seen
//!   ([`Screenshot`]); [`BareCompositor`]: one without layer-shell, as GNOME's.

mod crm;
mod desktop;
mod portal;
mod unattended;
mod wayland;
mod webdriver;

pub use crm::{CrmDouble, Known};
pub use desktop::folder_env;
pub use desktop::{
    AccessibleWatch, App, NoTray, accessible_text, close_window, copy_text, helper_processes, helpers_gone_within,
    keyring_items, notifications_seen, popup_geometry, popup_hidden_within, popup_size, popup_visible, press,
    press_button, process_tree, select_text, visible_window, visible_window_within, wait_for_notification,
};
pub use portal::PortalDouble;
pub use unattended::{Unattended, signing_in};
pub use wayland::{BareCompositor, Screenshot, Sway};
pub use webdriver::{Element, WebDriver};

/// The app binary: `$ISTRA_TRAY_BINARY`, else the debug build (built by `scripts/e2e.sh`).
pub fn app_binary() -> std::path::PathBuf {
    std::env::var_os("ISTRA_TRAY_BINARY")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/debug/istra-tray"))
}
