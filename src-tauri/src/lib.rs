//! istra-tray: a tray app for desk workers on a Centile Istra PBX. It pops up incoming calls
//! and dials the selected number on a hotkey, through the myCrm API (crate `mycrm`).
//!
//! # Layers
//!
//! Each folder is a layer; a layer names only the layers before it (checked by
//! `scripts/check-layers.py`, with no circle inside a layer either):
//!
//! 1. [`model`]: the app's data and decisions, without I/O — settings and their rules, what a
//!    call says, the card stack, the call policy, the user's intents, errors and words.
//! 2. [`platform`]: adapters to the computer — the settings file, keyring, selection,
//!    notifications, journal writer, contacts, browser, autostart, links, logs.
//! 3. [`shell`]: what the user sees and presses — tray, hotkey, windows, popup, WebKit care. It
//!    sends intents; it never calls the controller.
//! 4. [`control`]: the controller, which carries out intents and drives the shell, and the UI's
//!    commands over it.
//!
//! This file starts the app and reads its command line.

pub mod control;
pub mod model;
pub mod platform;
pub mod shell;

mod command_names;
#[cfg(feature = "demo")]
mod demo;

use std::io::BufRead as _;

pub use command_names::COMMANDS;

use clap::{Parser, Subcommand};
use control::controller::{Controller, Persistence};
use model::intent::{Intent, Intents, Source};
use model::settings::Settings;
#[cfg(target_os = "linux")]
use model::status::{HotkeyWay, ShortcutOffer};
use mycrm::{Credentials, Password};
use tauri::{AppHandle, Manager as _, RunEvent, Wry};
use tokio::time::Instant;

/// How long a tray started with the session has to show up before the app says there is none.
const TRAY_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

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

/// On a Wayland session, chooses how the app's windows reach the desktop before GTK starts (see
/// [`platform::compositor`]): native Wayland where the compositor offers layer-shell (the popup
/// becomes a layer surface), else, with an X display (GNOME), the whole app through Xwayland by
/// setting `GDK_BACKEND=x11` unless the user set `GDK_BACKEND`. On X11 it only reads the
/// environment (one registry roundtrip on Wayland, ~1 ms). The choice is logged once logging is
/// up.
///
/// # Safety
///
/// Changes the environment: call it before any other thread exists (first thing in `main`).
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
pub unsafe fn choose_display() {
    use platform::compositor::{Choice, PROBE_LIMIT, Surroundings, choose, offers_layer_shell, record};
    let start = std::time::Instant::now();
    let non_empty = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    let surroundings = Surroundings {
        // GDK does not try Wayland without XDG_RUNTIME_DIR.
        wayland_display: non_empty("WAYLAND_DISPLAY") && non_empty("XDG_RUNTIME_DIR"),
        wayland_socket: non_empty("WAYLAND_SOCKET"),
        x_display: non_empty("DISPLAY"),
        gdk_backend: std::env::var("GDK_BACKEND").ok().filter(|b| !b.is_empty()),
    };
    let choice = choose(&surroundings, || offers_layer_shell(PROBE_LIMIT));
    if choice == Choice::Xwayland {
        // SAFETY: the caller promises no other thread exists (the probe's connection made none),
        // so none reads the environment while it changes.
        unsafe { std::env::set_var("GDK_BACKEND", "x11") };
    }
    record(choice, start.elapsed());
}

/// Gives a program the app starts (the browser) the user's environment, without the app's own
/// `GDK_GL` and `GDK_BACKEND`.
pub(crate) fn users_environment(command: &mut std::process::Command) {
    if GL_OFF_BY_US.load(std::sync::atomic::Ordering::Relaxed) {
        command.env_remove("GDK_GL");
    }
    #[cfg(target_os = "linux")]
    if platform::compositor::backend_set_by_us() {
        command.env_remove("GDK_BACKEND");
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
    /// Open the main window at start: on History, or on the tab given (`--show=settings`).
    #[arg(long, value_enum, num_args = 0..=1, require_equals = true, default_missing_value = "recent")]
    show: Option<ShowTab>,
    /// A tel:, callto: or sip: link to dial (how the desktop hands over a clicked link).
    #[arg(value_name = "LINK", value_parser = parse_link)]
    link: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

/// The main window's tabs a start may open it on (`--show=TAB`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ShowTab {
    Recent,
    Dial,
    Settings,
    /// Settings at its About section.
    About,
}

impl ShowTab {
    /// The tab's name in the main window's address (`main.html#settings`).
    fn hash(self) -> &'static str {
        match self {
            Self::Recent => "recent",
            Self::Dial => "dial",
            Self::Settings => "settings",
            Self::About => "about",
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Dial the number found in TEXT (through the running instance when there is one).
    Dial { text: String },
    /// Dial the number selected on screen, as the dial hotkey does (through the running
    /// instance): what a desktop's own keyboard shortcut runs where the app cannot hold a
    /// global hotkey (GNOME on Wayland, sway).
    DialSelection,
}

/// What a start asks to dial.
#[derive(Debug, PartialEq, Eq)]
enum Asked {
    /// `dial TEXT`, or a link.
    Text(String),
    /// `dial-selection`.
    Selection,
}

fn parse_link(arg: &str) -> Result<String, String> {
    if platform::links::is_link(arg) { Ok(arg.to_owned()) } else { Err("not a tel:, callto: or sip: link".into()) }
}

impl Cli {
    /// What this start asks to dial: `dial TEXT`, a link, or `dial-selection`.
    fn to_dial(&self) -> Option<Asked> {
        match &self.command {
            Some(Command::Dial { text }) => Some(Asked::Text(text.clone())),
            Some(Command::DialSelection) => Some(Asked::Selection),
            None => self.link.clone().map(Asked::Text),
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
    let log_file = platform::logs::init();
    #[cfg(target_os = "linux")]
    platform::compositor::log_choice();
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
            control::commands::get_status,
            control::commands::sign_in,
            control::commands::select_terminal,
            control::commands::sign_out,
            control::commands::popup_calls,
            control::commands::dismiss_call,
            control::commands::popup_painted,
            control::commands::copy_number,
            control::commands::call_back,
            control::commands::history_page,
            control::commands::export_history,
            control::commands::mark_all_seen,
            control::commands::save_note,
            control::commands::open_note,
            control::commands::dial_text,
            control::commands::get_settings,
            control::commands::change_setting,
            control::commands::set_secret,
            control::commands::test_lookup,
            control::commands::sync_address_book,
            control::commands::close_window,
            control::commands::suggest_numbers,
            control::commands::import_contacts,
            control::commands::clear_contacts,
            control::commands::contact_count,
            control::commands::screen_pop,
            control::commands::ask,
        ])
        .setup(move |app| {
            // After the single-instance check: a second start still hands over to this one.
            // (The log line was written while the message box waited for the user.)
            #[cfg(windows)]
            if !shell::webview2::runtime_found() {
                std::process::exit(shell::webview2::NO_RUNTIME);
            }
            setup(app.handle(), start, dial);
            if let Some(tab) = show {
                shell::windows::open_main(app.handle(), tab.hash());
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
    let code = app.run_return(|#[cfg_attr(not(target_os = "linux"), expect(unused_variables))] app, event| {
        match event {
            // A tray app lives on when its last window closes; only Quit ends it.
            RunEvent::ExitRequested { api, code: None, .. } => api.prevent_exit(),
            #[cfg(target_os = "linux")]
            RunEvent::WindowEvent { event: tauri::WindowEvent::Destroyed, .. } => shell::webkit::window_destroyed(app),
            _ => {}
        }
    });
    drop(log_file);
    std::process::exit(code);
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
    let stored = platform::settings_file::SettingsFiles::of_this_user().load();
    let settings =
        Settings { server: server.clone(), login: login.clone(), terminal_id: cli.terminal.clone(), ..stored.clone() };
    let settings = stored.respecting_locks(settings).and_then(Settings::validated).map_err(|e| e.message)?;
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
        Persistence::Stored(_) => journal::Journal::open(&platform::calllog::default_path()),
        Persistence::Memory | Persistence::Demo => journal::Journal::open_in_memory(),
    };
    match opened {
        Ok(journal) => Some(std::sync::Arc::new(journal)),
        Err(e) => {
            tracing::warn!(error = %e, "working without the call journal");
            platform::notifier::toast(&model::i18n::words().toast.history_unavailable, e.to_string());
            None
        }
    }
}

fn setup(app: &AppHandle<Wry>, start: Start, dial: Option<Asked>) {
    let files = platform::settings_file::SettingsFiles::of_this_user();
    let controller = |settings, persistence: Persistence| {
        let journal = open_journal(&persistence);
        Controller::new(app.clone(), settings, persistence, journal)
    };
    let (controller, credentials) = match start {
        Start::Stored => (controller(files.load(), Persistence::Stored(files)), None),
        Start::Scripted { settings, credentials, remember } => {
            let persistence = if remember { Persistence::Stored(files) } else { Persistence::Memory };
            (controller(*settings, persistence), Some((credentials, remember)))
        }
        #[cfg(feature = "demo")]
        Start::Demo => match demo::start(app) {
            Ok(settings) => {
                (controller(settings, Persistence::Demo), Some((Credentials::new("alice", "secret"), false)))
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
    tauri::async_runtime::spawn_blocking(platform::notifier::learn_desktop);
    controller.apply_link_handler();
    let signer = controller.clone();
    tauri::async_runtime::spawn(async move {
        signer.load_secrets().await;
        signer.keep_address_book_synced().await;
    });
    if let Err(e) = shell::tray::create(app, &controller.status()) {
        tracing::warn!(error = %e, "no tray icon on this desktop");
    }
    let looker = controller.clone();
    tauri::async_runtime::spawn(async move {
        // A tray started with the session may register a moment after the app.
        tokio::time::sleep(TRAY_GRACE).await;
        if !platform::tray_host::shown().await {
            tracing::warn!("no tray shows the icon on this desktop: the main window stands in");
            looker.tray_missing();
        }
    });
    hold_hotkey(app, &controller);
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
        match dial {
            Some(Asked::Text(text)) => dial_and_tell(&controller, &text).await,
            // Started by the desktop's shortcut: the selection is still there once signed in.
            Some(Asked::Selection) => controller.dial_from(Source::Selection, Instant::now()).await,
            None => {}
        }
    });
}

/// Holds the dial key: the app's own grab, or on a Wayland session the desktop's portal, or
/// (with neither) a shortcut of the desktop's own running `istra-tray dial-selection`.
fn hold_hotkey(app: &AppHandle<Wry>, controller: &Controller) {
    let hotkey = controller.settings().hotkey;
    #[cfg(target_os = "linux")]
    if shell::portal::wayland_session() {
        let (controller, intents) = (controller.clone(), app.state::<Intents>().inner().clone());
        let description = model::i18n::words().tray.dial_selection.clone();
        tauri::async_runtime::spawn(async move {
            let listener = controller.clone();
            let changed = move |given| listener.dial_key_changed(given);
            match shell::portal::hold(&hotkey, &description, intents, changed).await {
                Ok(held) => controller.portal_held(held),
                Err(e) => {
                    tracing::warn!(error = %e, "no GlobalShortcuts portal: the desktop's own shortcut must run dial-selection");
                    let offer = shortcut_offer(&hotkey);
                    controller.hotkey_held(HotkeyWay::DesktopShortcut, String::new(), offer);
                }
            }
        });
        return;
    }
    if let Err(e) = shell::hotkey::register(app, &hotkey, None) {
        tracing::warn!(error = %e, "hotkey not registered");
        platform::notifier::toast(&model::i18n::words().toast.hotkey_unavailable, e.message);
    }
}

/// What the app offers where a shortcut of the desktop's own must dial the selection: GNOME's
/// shortcut settings, or the line for a tiling compositor's configuration.
#[cfg(target_os = "linux")]
fn shortcut_offer(hotkey: &str) -> ShortcutOffer {
    use model::settings::{Compositor, binding_line};
    if hotkey.is_empty() {
        return ShortcutOffer::None;
    }
    let desktop = std::env::var("XDG_CURRENT_DESKTOP").unwrap_or_default();
    if desktop.split(':').any(|d| d.eq_ignore_ascii_case("GNOME")) && platform::gnome_shortcut::available() {
        return ShortcutOffer::Gnome;
    }
    let compositor = if std::env::var_os("SWAYSOCK").is_some() {
        Compositor::Sway
    } else if std::env::var_os("HYPRLAND_INSTANCE_SIGNATURE").is_some() {
        Compositor::Hyprland
    } else {
        return ShortcutOffer::None;
    };
    match platform::links::app_command("dial-selection") {
        Ok(command) => ShortcutOffer::Line { line: binding_line(compositor, hotkey, &command) },
        Err(_) => ShortcutOffer::None,
    }
}

async fn remember_scripted(
    settings: &Settings,
    credentials: &Credentials,
) -> Result<(), crate::model::error::AppError> {
    platform::secrets::store(&settings.server, &settings.login, &credentials.password).await?;
    platform::settings_file::SettingsFiles::of_this_user().save(settings)
}

async fn dial_and_tell(controller: &Controller, text: &str) {
    controller.tell(controller.dial_text(text).await);
}

/// A second start hands over to this one: `dial TEXT` or a link dials, `dial-selection` dials
/// the selection as the hotkey does, anything else opens the window.
fn on_second_start(app: &AppHandle<Wry>, argv: Vec<String>, _cwd: String) {
    let Some(controller) = app.try_state::<Controller>().map(|c| c.inner().clone()) else { return };
    let cli = Cli::try_parse_from(&argv).ok();
    match cli.as_ref().and_then(Cli::to_dial) {
        Some(Asked::Text(text)) => {
            tauri::async_runtime::spawn(async move { dial_and_tell(&controller, &text).await });
        }
        Some(Asked::Selection) => {
            if let Some(intents) = app.try_state::<Intents>() {
                intents.send(Intent::Dial { source: Source::Selection, asked: Instant::now() });
            }
        }
        None => {
            let tab = cli.and_then(|cli| cli.show).unwrap_or(ShowTab::Recent);
            shell::windows::open_main(app, tab.hash());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dial_of(args: &[&str]) -> Option<String> {
        match asked(args)? {
            Asked::Text(text) => Some(text),
            Asked::Selection => None,
        }
    }

    fn asked(args: &[&str]) -> Option<Asked> {
        Cli::try_parse_from(std::iter::once("istra-tray").chain(args.iter().copied())).ok()?.to_dial()
    }

    #[test]
    fn links_and_dial_both_hand_over_a_number() {
        assert_eq!(dial_of(&["dial", "01 23 45 67 89"]).as_deref(), Some("01 23 45 67 89"));
        assert_eq!(dial_of(&["tel:+33123456789"]).as_deref(), Some("tel:+33123456789"));
        assert_eq!(dial_of(&["--show", "callto:0123456789"]).as_deref(), Some("callto:0123456789"));
        assert_eq!(dial_of(&["--show"]), None);
        assert_eq!(dial_of(&["--show=settings", "tel:0123456789"]).as_deref(), Some("tel:0123456789"));
    }

    #[test]
    fn show_opens_history_or_the_tab_named() {
        let show = |args: &[&str]| {
            Cli::try_parse_from(std::iter::once("istra-tray").chain(args.iter().copied())).map(|cli| cli.show).ok()
        };
        assert_eq!(show(&[]), Some(None));
        assert_eq!(show(&["--show"]), Some(Some(ShowTab::Recent)));
        assert_eq!(show(&["--show=dial"]), Some(Some(ShowTab::Dial)));
        assert_eq!(show(&["--show=about"]).flatten().map(ShowTab::hash), Some("about"));
        assert_eq!(show(&["--show=nowhere"]), None, "refused");
        assert_eq!(dial_of(&["https://evil.example/"]), None, "only phone links");
    }

    #[test]
    fn dial_selection_asks_for_the_selection_and_takes_no_text() {
        assert_eq!(asked(&["dial-selection"]), Some(Asked::Selection));
        assert_eq!(asked(&["dial-selection", "0123456789"]), None, "no text: the selection only");
    }
}
