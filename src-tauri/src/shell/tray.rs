//! The tray icon and its menu, rebuilt whenever what it shows changes.

use std::sync::Mutex;

use tokio::time::Instant;

use tauri::image::Image;
use tauri::menu::{CheckMenuItem, IsMenuItem, Menu, MenuEvent, MenuItem, PredefinedMenuItem, Submenu};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager as _, Runtime};

use crate::model::i18n::{fill, words};
use crate::model::intent::Source;
use crate::model::intent::{Intent, Intents};
use crate::model::status::{ConnectionState, StatusView};
use crate::model::views::CallView;

const TRAY_ID: &str = "istra-tray";

/// The icon for each state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrayIcon {
    Online,
    Connecting,
    Offline,
    Ringing,
    Missed,
}

impl TrayIcon {
    pub fn for_status(status: &StatusView, ringing: bool) -> Self {
        match status.state {
            _ if ringing => Self::Ringing,
            _ if status.missed_count > 0 => Self::Missed,
            ConnectionState::Online => Self::Online,
            ConnectionState::Connecting | ConnectionState::Reconnecting => Self::Connecting,
            ConnectionState::SignedOut | ConnectionState::Failed | ConnectionState::Stopped => Self::Offline,
        }
    }

    fn png(self) -> &'static [u8] {
        match self {
            Self::Online => include_bytes!("../../../icons/tray-online.png"),
            Self::Connecting => include_bytes!("../../../icons/tray-connecting.png"),
            Self::Offline => include_bytes!("../../../icons/tray-offline.png"),
            Self::Ringing => include_bytes!("../../../icons/tray-ringing.png"),
            Self::Missed => include_bytes!("../../../icons/tray-missed.png"),
        }
    }
}

/// Menu text from outside data: one line, no bidi overrides, `&` not taken as a mnemonic,
/// and short.
pub fn menu_text(text: &str) -> String {
    let clean: String = text
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .take(60)
        .collect();
    clean.replace('&', "&&")
}

/// A recent call's item, which calls the party back: "Call back Jean Petit — 104 (missed)".
fn recent_line(call: &CallView) -> String {
    let who = call.lines.title.as_str();
    let number = call.lines.number.as_deref();
    let mut line = match number {
        Some(n) => format!("{who} — {n}"),
        None => who.to_owned(),
    };
    if call.missed {
        line.push_str(&words().tray.missed_suffix);
    }
    menu_text(&fill(&words().tray.call_back, &[("who", &line)]))
}

/// What the menu shows; the menu is rebuilt only when this changes.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Model {
    status: StatusView,
    recent: Vec<(String, String)>,
    icon: TrayIcon,
}

static SHOWN: Mutex<Option<Model>> = Mutex::new(None);

/// The state in one line with the missed count: the menu's first item and the icon's tooltip.
fn summary(status: &StatusView) -> String {
    let mut summary = status.line.clone();
    if status.missed_count > 0 {
        let w = words();
        summary.push_str(&w.plural(&w.tray.missed_count, status.missed_count.into()));
    }
    menu_text(&summary)
}

fn build_menu<R: Runtime>(app: &AppHandle<R>, model: &Model) -> tauri::Result<Menu<R>> {
    let status = &model.status;
    let summary = summary(status);
    let online = status.state == ConnectionState::Online;
    let state_line = MenuItem::with_id(app, "status", &summary, false, None::<&str>)?;
    let w = &words().tray;
    let dial_label = match status.hotkey.as_str() {
        "" => w.dial_selection.clone(),
        key => fill(&w.dial_selection_with_key, &[("key", key)]),
    };
    let dial_selection = MenuItem::with_id(app, "dial-selection", dial_label, online, None::<&str>)?;
    let dial_clipboard = MenuItem::with_id(app, "dial-clipboard", &w.dial_clipboard, online, None::<&str>)?;
    let recent_items: Vec<MenuItem<R>> = if model.recent.is_empty() {
        vec![MenuItem::with_id(app, "recent-none", &w.no_calls_yet, false, None::<&str>)?]
    } else {
        model
            .recent
            .iter()
            .map(|(id, line)| MenuItem::with_id(app, format!("recent:{id}"), line, online, None::<&str>))
            .collect::<tauri::Result<_>>()?
    };
    let recent_refs: Vec<&dyn IsMenuItem<R>> = recent_items.iter().map(|i| i as &dyn IsMenuItem<R>).collect();
    let recent = Submenu::with_id_and_items(app, "recent", &w.recent_calls, true, &recent_refs)?;
    let missed_label = match status.missed_count {
        0 => w.no_missed_calls.clone(),
        n => words().plural(&w.mark_missed_seen, n.into()),
    };
    let mark_seen = MenuItem::with_id(app, "mark-seen", missed_label, status.missed_count > 0, None::<&str>)?;
    let selected = status.terminal.as_ref().map(|t| t.id.as_str());
    let terminal_items: Vec<CheckMenuItem<R>> = status
        .terminals
        .iter()
        .map(|t| {
            let checked = Some(t.id.as_str()) == selected;
            CheckMenuItem::with_id(app, format!("terminal:{}", t.id), menu_text(&t.name), true, checked, None::<&str>)
        })
        .collect::<tauri::Result<_>>()?;
    let terminal_refs: Vec<&dyn IsMenuItem<R>> = terminal_items.iter().map(|i| i as &dyn IsMenuItem<R>).collect();
    let terminals =
        Submenu::with_id_and_items(app, "terminal", &w.terminal, !terminal_items.is_empty(), &terminal_refs)?;
    let dnd = CheckMenuItem::with_id(app, "dnd", &words().status.dnd, true, status.dnd, None::<&str>)?;
    let open = MenuItem::with_id(app, "open", &w.open, true, None::<&str>)?;
    let settings = MenuItem::with_id(app, "settings", &w.settings, true, None::<&str>)?;
    let diagnostics = MenuItem::with_id(app, "diagnostics", &w.copy_diagnostics, true, None::<&str>)?;
    let signed_in = status.state != ConnectionState::SignedOut;
    let sign = if signed_in {
        MenuItem::with_id(app, "sign-out", &w.sign_out, true, None::<&str>)?
    } else {
        MenuItem::with_id(app, "sign-in", &w.sign_in, true, None::<&str>)?
    };
    let version = fill(&w.version, &[("version", env!("CARGO_PKG_VERSION"))]);
    let about = MenuItem::with_id(app, "about", version, true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", &w.quit, true, None::<&str>)?;
    let separator = || PredefinedMenuItem::separator(app);
    Menu::with_items(
        app,
        &[
            &state_line,
            &separator()?,
            &dial_selection,
            &dial_clipboard,
            &recent,
            &mark_seen,
            &separator()?,
            &terminals,
            &dnd,
            &separator()?,
            &open,
            &settings,
            &diagnostics,
            &separator()?,
            &sign,
            &separator()?,
            &about,
            &quit,
        ],
    )
}

/// Creates the tray icon (signed out).
///
/// # Errors
///
/// When the desktop has no way to show a tray icon.
pub fn create<R: Runtime>(app: &AppHandle<R>, status: &StatusView) -> tauri::Result<()> {
    let model = Model { status: status.clone(), recent: Vec::new(), icon: TrayIcon::for_status(status, false) };
    let menu = build_menu(app, &model)?;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(Image::from_bytes(model.icon.png())?)
        .tooltip(summary(status))
        .menu(&menu)
        .show_menu_on_left_click(true)
        .on_menu_event(on_menu_event)
        .build(app)?;
    *SHOWN.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(model);
    Ok(())
}

/// Brings the icon, tooltip and menu up to date.
pub fn refresh<R: Runtime>(app: &AppHandle<R>, status: &StatusView, recent: &[CallView], ringing: bool) {
    let model = Model {
        status: status.clone(),
        recent: recent.iter().map(|c| (c.id.clone(), recent_line(c))).collect(),
        icon: TrayIcon::for_status(status, ringing),
    };
    let mut queue = QUEUE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    queue.next = Some(model);
    if queue.running {
        return;
    }
    queue.running = true;
    drop(queue);
    let app = app.clone();
    // Off the caller's thread: rebuilding a menu waits on the main thread. The first change
    // shows at once; changes that come faster than REFRESH_GAP are folded into the newest.
    tauri::async_runtime::spawn_blocking(move || {
        loop {
            let next = {
                let mut queue = QUEUE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                match queue.next.take() {
                    Some(model) => model,
                    None => {
                        queue.running = false;
                        return;
                    }
                }
            };
            apply(&app, next);
            std::thread::sleep(REFRESH_GAP);
        }
    });
}

/// The newest menu not yet shown, and whether a refresher is at work.
struct Queue {
    next: Option<Model>,
    running: bool,
}

static QUEUE: Mutex<Queue> = Mutex::new(Queue { next: None, running: false });
/// The tray is rebuilt at most this often during bursts of calls.
const REFRESH_GAP: std::time::Duration = std::time::Duration::from_millis(150);

fn apply<R: Runtime>(app: &AppHandle<R>, model: Model) {
    let status = &model.status;
    let mut shown = SHOWN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if shown.as_ref() == Some(&model) {
        return;
    }
    let Some(tray) = app.tray_by_id(TRAY_ID) else { return };
    let result = (|| {
        if shown.as_ref().map(|m| m.icon) != Some(model.icon) {
            tray.set_icon(Some(Image::from_bytes(model.icon.png())?))?;
        }
        tray.set_tooltip(Some(summary(status)))?;
        tray.set_menu(Some(build_menu(app, &model)?))
    })();
    match result {
        Ok(()) => *shown = Some(model),
        Err(e) => tracing::warn!(error = %e, "cannot update the tray"),
    }
}

fn on_menu_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let Some(intent) = intent_for(event.id().as_ref(), Instant::now()) else { return };
    if let Some(intents) = app.try_state::<Intents>() {
        intents.send(intent);
    }
}

/// What the menu item `id` asks for; `now` is when it was chosen.
fn intent_for(id: &str, now: Instant) -> Option<Intent> {
    Some(match id {
        "dial-selection" => Intent::Dial { source: Source::Selection, asked: now },
        "dial-clipboard" => Intent::Dial { source: Source::Clipboard, asked: now },
        "dnd" => Intent::ToggleDoNotDisturb,
        "mark-seen" => Intent::MarkMissedSeen,
        "open" => Intent::OpenRecent,
        "settings" => Intent::OpenSettings,
        "about" => Intent::OpenAbout,
        "diagnostics" => Intent::CopyDiagnostics,
        "sign-in" => Intent::OpenSignIn,
        "sign-out" => Intent::SignOut,
        "quit" => Intent::Quit,
        other => {
            if let Some(call_id) = other.strip_prefix("recent:") {
                Intent::CallBack(call_id.to_owned())
            } else if let Some(terminal) = other.strip_prefix("terminal:") {
                Intent::SelectTerminal(terminal.to_owned())
            } else {
                return None;
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_menu_item_asks_for_its_intent() {
        let now = Instant::now();
        let dial = |source| Some(Intent::Dial { source, asked: now });
        let table = [
            ("dial-selection", dial(Source::Selection)),
            ("dial-clipboard", dial(Source::Clipboard)),
            ("dnd", Some(Intent::ToggleDoNotDisturb)),
            ("mark-seen", Some(Intent::MarkMissedSeen)),
            ("open", Some(Intent::OpenRecent)),
            ("settings", Some(Intent::OpenSettings)),
            ("about", Some(Intent::OpenAbout)),
            ("diagnostics", Some(Intent::CopyDiagnostics)),
            ("sign-in", Some(Intent::OpenSignIn)),
            ("sign-out", Some(Intent::SignOut)),
            ("quit", Some(Intent::Quit)),
            ("recent:-42", Some(Intent::CallBack("-42".into()))),
            ("terminal:5985841581756135023", Some(Intent::SelectTerminal("5985841581756135023".into()))),
            ("recent-header", None),
            ("", None),
        ];
        for (id, intent) in table {
            assert_eq!(intent_for(id, now), intent, "{id}");
        }
    }

    #[test]
    fn menu_text_neutralises_outside_data() {
        assert_eq!(menu_text("AT&T"), "AT&&T");
        assert_eq!(menu_text("evil\u{202E}gnp.exe\nline"), "evilgnp.exeline");
        assert_eq!(menu_text(&"x".repeat(500)).len(), 60);
    }

    #[test]
    fn the_icon_tells_ringing_then_missed_then_the_connection() {
        let mut status = StatusView::signed_out("Ctrl+Alt+D", false);
        assert_eq!(TrayIcon::for_status(&status, false), TrayIcon::Offline);
        status.state = ConnectionState::Online;
        assert_eq!(TrayIcon::for_status(&status, false), TrayIcon::Online);
        status.missed_count = 2;
        assert_eq!(TrayIcon::for_status(&status, false), TrayIcon::Missed);
        assert_eq!(TrayIcon::for_status(&status, true), TrayIcon::Ringing);
        status.missed_count = 0;
        status.state = ConnectionState::Reconnecting;
        assert_eq!(TrayIcon::for_status(&status, false), TrayIcon::Connecting);
    }
}
