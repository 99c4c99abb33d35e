//! Adapters to the computer the app runs on: files, the keyring, the selection and clipboard,
//! desktop notifications, the journal writer, other programs. Each says what failed as an
//! `AppError`; none decides what a call means.

pub mod autostart;
pub mod calllog;
#[cfg(target_os = "linux")]
pub mod compositor;
pub mod contacts;
#[cfg(target_os = "linux")]
pub mod gnome_shortcut;
pub mod hooks;
pub mod launch;
pub mod links;
pub mod logs;
pub mod lookup;
pub mod notifier;
pub mod secrets;
pub mod selection;
pub mod settings_file;
pub mod tray_host;
