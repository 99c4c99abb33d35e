//! istra-tray: a tray app for desk workers on a Centile Istra PBX. It pops up incoming calls
//! and dials the selected number on a hotkey, through the myCrm API (crate `mycrm`).
//!
//! # Layout
//!
//! - [`controller`]: the one controller (settings, connection, calls → popups, tray, notifications).
//! - [`board`]: what is shown about calls, decided without windows (pure).
//! - [`calllog`]: every call written to the journal (crate `journal`), in order.
//! - [`contacts`]: imported contacts naming callers and feeding the dial pad's suggestions.
//! - [`screenpop`]: the CRM page opened for a call; [`links`]: tel:/callto:/sip: links.
//! - [`i18n`]: the words in English and French, from the catalog the pages read too
//!   (`locales/*.json`); [`logs`]: redacted logs, diagnostics.
//! - [`error`]: errors as the pages see them, one code each ([`error::ErrorCode`]).
//! - [`views`]: the data the UI receives (generated into TypeScript by ts-rs); [`lines`]: what a
//!   call says, line by line, for every place that shows a call.
//! - [`commands`]: the UI's commands, thin over the controller.
//! - [`tray`], [`popup`], [`autostart`], [`windows`], [`hotkey`], [`notifier`], [`selection`], [`secrets`],
//!   [`settings`]: one desktop concern each.

pub mod autostart;
pub mod board;
pub mod calllog;
mod command_names;
pub mod commands;
pub mod contacts;
pub mod controller;
#[cfg(feature = "demo")]
mod demo;
pub mod desk;
pub mod error;
pub mod hotkey;
pub mod i18n;
pub mod intent;
pub mod lines;
pub mod links;
pub mod logs;
pub mod notifier;
pub mod policy;
pub mod popup;
pub mod screenpop;
pub mod secrets;
pub mod selection;
pub mod settings;
pub mod text;
pub mod tray;
pub mod views;
#[cfg(target_os = "linux")]
mod webkit;
pub mod windows;

use std::io::BufRead as _;

pub use command_names::COMMANDS;

use clap::{Parser, Subcommand};
use controller::{Controller, Persistence};
use intent::Intents;
use mycrm::{Credentials, Password};
use settings::Settings;
use tauri::{AppHandle, Manager as _, RunEvent, Wry};

/// Whether `GDK_GL` was set by [`draw_in_software`], not by the user.
static GL_OFF_BY_US: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Turns GTK's OpenGL off unless the user set `GDK_GL`: the app draws a few small windows, and
/// GTK's GL setup would bring the whole GL stack (Mesa with LLVM, ~25 MiB) into a process that
/// runs all day, and make WebKit composite popups on the GPU (a web process of ~160 MiB instead
/// of ~95). Without it both draw in software.
///
/// # Safety
///
/// Changes the environment: call it before any other thread exists (first thing in `main`).
#[allow(unsafe_code)]
pub unsafe fn draw_in_software() {
    if std::env::var_os("GDK_GL").is_none() {
        // SAFETY: the caller promises no other thread exists, so none reads the environment
        // while it changes.
        unsafe { std::env::set_var("GDK_GL", "disable") };
        GL_OFF_BY_US.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Gives a program the app starts (the browser) the user's environment, without the app's own
/// `GDK_GL`.
pub(crate) fn users_environment(command: &mut std::process::Command) {
    if GL_OFF_BY_US.load(std::sync::atomic::Ordering::Relaxed) {
        command.env_remove("GDK_GL");
    }
}

/// Incoming-call popups and dial-the-selection for Centile Istra.
#[derive(Debug, Parser)]
#[command(name = "istra-tray", version)]
struct Cli {
    /// Run against a built-in simulator with a stream of demo calls (no server, no account).
    #[arg(long, conflicts_with_all = ["server", "login"])]
    demo: bool,
    /// Sign in to this server without the sign-in window (with --login and --password-stdin).
    #[arg(long, requires_all = ["login", "password_stdin"])]
    server: Option<String>,
    #[arg(long, requires = "server")]
    login: Option<String>,
    /// Read the password from the first line of standard input.
    #[arg(long, requires = "server")]
    password_stdin: bool,
    /// Terminal id to watch (default: the stored choice, else the first terminal).
    #[arg(long)]
    terminal: Option<String>,
    /// With --server: store the settings and the password (keyring) for later starts.
    #[arg(long, requires = "server")]
    remember: bool,
    /// Open the main window (History) at start.
    #[arg(long)]
    show: bool,
    /// A tel:, callto: or sip: link to dial (how the desktop hands over a clicked link).
    #[arg(value_name = "LINK", value_parser = parse_link)]
    link: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Dial the number found in TEXT (through the running instance when there is one).
    Dial { text: String },
}

fn parse_link(arg: &str) -> Result<String, String> {
    if links::is_link(arg) { Ok(arg.to_owned()) } else { Err("not a tel:, callto: or sip: link".into()) }
}

impl Cli {
    /// What this start asks to dial: `dial TEXT` or a link.
    fn to_dial(&self) -> Option<String> {
        match &self.command {
            Some(Command::Dial { text }) => Some(text.clone()),
            None => self.link.clone(),
        }
    }
}

/// How this start signs in.
enum Start {
    Stored,
    Scripted {
        settings: Box<Settings>,
        credentials: Credentials,
        remember: bool,
    },
    #[cfg(feature = "demo")]
    Demo,
}

pub fn run() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    // Flushes the log file when the app ends.
    let _log_file = logs::init();
    let start = match start_from(&cli) {
        Ok(start) => start,
        Err(message) => {
            eprintln!("istra-tray: {message}");
            std::process::exit(2);
        }
    };
    let dial = cli.to_dial();
    let show = cli.show;
    let builder = tauri::Builder::default();
    #[cfg(not(target_os = "linux"))]
    let builder =
        builder.plugin(tauri_plugin_autostart::init(tauri_plugin_autostart::MacosLauncher::LaunchAgent, None));
    let app = builder
        .plugin(tauri_plugin_single_instance::init(on_second_start))
        .plugin(tauri_plugin_global_shortcut::Builder::new().build())
        .invoke_handler(tauri::generate_handler![
            commands::get_status,
            commands::sign_in,
            commands::select_terminal,
            commands::sign_out,
            commands::popup_calls,
            commands::dismiss_call,
            commands::popup_painted,
            commands::copy_number,
            commands::call_back,
            commands::history_page,
            commands::export_history,
            commands::mark_all_seen,
            commands::dial_text,
            commands::get_settings,
            commands::save_settings,
            commands::close_window,
            commands::suggest_numbers,
            commands::import_contacts,
            commands::clear_contacts,
            commands::contact_count,
            commands::screen_pop,
        ])
        .setup(move |app| {
            setup(app.handle(), start, dial);
            if show {
                windows::open_main(app.handle(), "recent");
            }
            Ok(())
        })
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            eprintln!("istra-tray: cannot start: {e}");
            std::process::exit(1);
        }
    };
    app.run(|#[cfg_attr(not(target_os = "linux"), expect(unused_variables))] app, event| match event {
        // A tray app lives on when its last window closes; only Quit ends it.
        RunEvent::ExitRequested { api, code: None, .. } => api.prevent_exit(),
        #[cfg(target_os = "linux")]
        RunEvent::WindowEvent { event: tauri::WindowEvent::Destroyed, .. } => webkit::window_destroyed(app),
        _ => {}
    });
}

fn start_from(cli: &Cli) -> Result<Start, String> {
    if cli.demo {
        #[cfg(feature = "demo")]
        return Ok(Start::Demo);
        #[cfg(not(feature = "demo"))]
        return Err("this build has no demo mode (build it with `--features demo`, as scripts/run-demo.sh does)".into());
    }
    let (Some(server), Some(login)) = (&cli.server, &cli.login) else { return Ok(Start::Stored) };
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| format!("cannot read the password: {e}"))?;
    let password = line.trim_end_matches(['\n', '\r']).to_owned();
    if password.is_empty() {
        return Err("no password on standard input".into());
    }
    let settings = Settings {
        server: server.clone(),
        login: login.clone(),
        terminal_id: cli.terminal.clone(),
        ..Settings::load(&settings::default_path())
    }
    .validated()
    .map_err(|e| e.message)?;
    Ok(Start::Scripted {
        credentials: Credentials { login: login.clone(), password: Password::new(password) },
        settings: Box::new(settings),
        remember: cli.remember,
    })
}

/// The call journal on disk, or in memory when nothing may be stored; `None` (with a
/// notification) when it cannot be opened: calls are still shown, just not kept.
fn open_journal(persistence: &Persistence) -> Option<std::sync::Arc<journal::Journal>> {
    let opened = match persistence {
        Persistence::Stored(_) => journal::Journal::open(&calllog::default_path()),
        Persistence::Memory => journal::Journal::open_in_memory(),
    };
    match opened {
        Ok(journal) => Some(std::sync::Arc::new(journal)),
        Err(e) => {
            tracing::warn!(error = %e, "working without the call journal");
            notifier::toast(&i18n::words().toast.history_unavailable, e.to_string());
            None
        }
    }
}

fn setup(app: &AppHandle<Wry>, start: Start, dial: Option<String>) {
    let path = settings::default_path();
    let controller = |settings, persistence: Persistence| {
        let journal = open_journal(&persistence);
        Controller::new(app.clone(), settings, persistence, journal)
    };
    let (controller, credentials) = match start {
        Start::Stored => (controller(Settings::load(&path), Persistence::Stored(path)), None),
        Start::Scripted { settings, credentials, remember } => {
            let persistence = if remember { Persistence::Stored(path) } else { Persistence::Memory };
            (controller(*settings, persistence), Some((credentials, remember)))
        }
        #[cfg(feature = "demo")]
        Start::Demo => match demo::start(app) {
            Ok(settings) => {
                (controller(settings, Persistence::Memory), Some((Credentials::new("alice", "secret"), false)))
            }
            Err(e) => {
                eprintln!("istra-tray: cannot start the demo simulator: {e}");
                std::process::exit(1);
            }
        },
    };
    app.manage(controller.clone());
    // The tray and the hotkey send what the user asks for; the controller carries it out, each
    // intent in its own task (a dial does not wait behind a sign-out).
    let (intents, mut asked) = Intents::channel();
    app.manage(intents);
    let carrier = controller.clone();
    tauri::async_runtime::spawn(async move {
        while let Some(intent) = asked.recv().await {
            let carrier = carrier.clone();
            tauri::async_runtime::spawn(async move { carrier.carry_out(intent).await });
        }
    });
    tauri::async_runtime::spawn_blocking(notifier::learn_desktop);
    controller.apply_link_handler();
    if let Err(e) = tray::create(app, &controller.status()) {
        tracing::warn!(error = %e, "no tray icon on this desktop");
    }
    let hotkey = controller.settings().hotkey;
    if let Err(e) = hotkey::register(app, &hotkey, None) {
        tracing::warn!(error = %e, "hotkey not registered");
        notifier::toast(&i18n::words().toast.hotkey_unavailable, e.message);
    }
    tauri::async_runtime::spawn(async move {
        match credentials {
            None => controller.start_from_storage().await,
            Some((credentials, remember)) => {
                let settings = controller.settings();
                if remember {
                    if let Err(e) = remember_scripted(&settings, &credentials).await {
                        tracing::warn!(error = %e, "cannot store the settings");
                    }
                }
                if let Err(e) = controller.connect(credentials).await {
                    tracing::warn!(error = %e, "cannot connect");
                }
            }
        }
        if let Some(text) = dial {
            dial_and_tell(&controller, &text).await;
        }
    });
}

async fn remember_scripted(settings: &Settings, credentials: &Credentials) -> Result<(), crate::error::AppError> {
    secrets::store(&settings.server, &settings.login, &credentials.password).await?;
    settings.save(&settings::default_path())
}

async fn dial_and_tell(controller: &Controller, text: &str) {
    controller.tell(controller.dial_text(text).await);
}

/// A second start hands over to this one: `dial TEXT` or a link dials, anything else opens
/// the window.
fn on_second_start(app: &AppHandle<Wry>, argv: Vec<String>, _cwd: String) {
    let Some(controller) = app.try_state::<Controller>().map(|c| c.inner().clone()) else { return };
    match Cli::try_parse_from(&argv).ok().and_then(|cli| cli.to_dial()) {
        Some(text) => {
            tauri::async_runtime::spawn(async move { dial_and_tell(&controller, &text).await });
        }
        None => windows::open_main(app, "recent"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dial_of(args: &[&str]) -> Option<String> {
        Cli::try_parse_from(std::iter::once("istra-tray").chain(args.iter().copied())).ok()?.to_dial()
    }

    #[test]
    fn links_and_dial_both_hand_over_a_number() {
        assert_eq!(dial_of(&["dial", "01 23 45 67 89"]).as_deref(), Some("01 23 45 67 89"));
        assert_eq!(dial_of(&["tel:+33123456789"]).as_deref(), Some("tel:+33123456789"));
        assert_eq!(dial_of(&["--show", "callto:0123456789"]).as_deref(), Some("callto:0123456789"));
        assert_eq!(dial_of(&["--show"]), None);
        assert_eq!(dial_of(&["https://evil.example/"]), None, "only phone links");
    }
}
