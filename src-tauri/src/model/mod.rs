//! The app's data and decisions, without I/O: what the user set (and the rules a setting must
//! follow), what a call says, which cards show, the call policy, the intents the shell sends,
//! errors and words. Time and settings come in as arguments; effects go out as values.

pub mod board;
pub mod error;
pub mod hooks;
pub mod i18n;
pub mod intent;
pub mod lines;
pub mod lookup;
pub mod notes;
pub mod policy;
pub mod screenpop;
pub mod settings;
pub mod status;
pub mod text;
pub mod views;
