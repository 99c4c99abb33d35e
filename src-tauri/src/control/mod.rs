//! The controller, which follows the connection and the calls, carries out the shell's
//! intents and drives the shell; the UI's commands, thin over it; and what a settings change does
//! to the desktop.

pub mod commands;
pub mod controller;
pub mod desk;
