//! The call popup: one small always-on-top window in a corner of the screen's work area, holding
//! a card per call, newest on top. It is a web page (`ui/popup.html`) on every platform.
//!
//! Fast and light: the window is created with the calls already in it (handed to the page
//! before its scripts run, so the first card is drawn without a round trip to this side), kept
//! hidden and ready while calls come in, and destroyed after a quiet spell, so an app between
//! calls holds no webview (then [`crate::shell::webkit`] hands WebKit's memory back).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;

use tauri::{
    AppHandle, Emitter as _, LogicalPosition, LogicalSize, Manager as _, Runtime, WebviewUrl, WebviewWindow,
    WebviewWindowBuilder,
};

use crate::model::settings::PopupCorner;
use crate::model::views::CallView;

pub const LABEL: &str = "popup";
pub const WIDTH: f64 = 340.0;
/// Each call card is exactly this tall (the page reads it from the generated constants).
pub const CARD_HEIGHT: f64 = 150.0;
const MARGIN: f64 = 16.0;
const MAX_VISIBLE_CARDS: usize = 4;
/// How long a hidden popup stays ready for the next call before it is destroyed: a busy spell
/// gets popups in milliseconds, while an app between calls holds no webview (a ready popup costs
/// ~100 MiB). `ISTRA_TRAY_POPUP_KEEP_WARM_SECS` changes it (tests and benchmarks).
const KEEP_WARM: Duration = Duration::from_secs(120);

/// Bumped whenever the popup is shown, hidden or prepared, so a pending close of an older hide
/// is void.
static VISIBILITY_CHANGES: AtomicU64 = AtomicU64::new(0);

fn keep_warm() -> Duration {
    static CHOSEN: OnceLock<Duration> = OnceLock::new();
    *CHOSEN.get_or_init(|| {
        std::env::var("ISTRA_TRAY_POPUP_KEEP_WARM_SECS")
            .ok()
            .and_then(|secs| secs.parse().ok())
            .map_or(KEEP_WARM, Duration::from_secs)
    })
}

/// The window's height for `cards` cards: it grows with the stack up to four, then scrolls.
pub fn height(cards: usize) -> f64 {
    CARD_HEIGHT * cards.clamp(1, MAX_VISIBLE_CARDS) as f64
}

/// Where the window goes on a screen of `screen` logical size at `origin`.
pub fn place(corner: PopupCorner, origin: (f64, f64), screen: (f64, f64), size: (f64, f64)) -> (f64, f64) {
    let left = origin.0 + MARGIN;
    let right = origin.0 + (screen.0 - size.0 - MARGIN).max(0.0);
    let top = origin.1 + MARGIN;
    let bottom = origin.1 + (screen.1 - size.1 - MARGIN).max(0.0);
    match corner.resolved(None) {
        PopupCorner::TopLeft => (left, top),
        PopupCorner::TopRight | PopupCorner::Auto => (right, top),
        PopupCorner::BottomLeft => (left, bottom),
        PopupCorner::BottomRight => (right, bottom),
    }
}

/// A work area: its origin and size, in logical pixels.
type Area = ((f64, f64), (f64, f64));

/// The primary monitor's work area as a popup window last saw it (the popup made ready at
/// sign-in sees it first): a new popup is built in place and visible at once with it, since a
/// page built hidden is only painted once shown.
static WORK_AREA: Mutex<Option<Area>> = Mutex::new(None);

/// Where the popup goes on a work area (panels and docks left free), for a window of `size`.
fn position(area: Option<Area>, corner: PopupCorner, size: (f64, f64)) -> (f64, f64) {
    let (origin, screen) = area.unwrap_or(((0.0, 0.0), (1280.0, 800.0)));
    place(corner.resolved(crate::platform::notifier::corner()), origin, screen, size)
}

/// The work area of `window`'s primary monitor, remembered for the next new popup.
fn work_area<R: Runtime>(window: &WebviewWindow<R>) -> Option<Area> {
    let area = window.primary_monitor().ok().flatten().map(|m| {
        let scale = m.scale_factor();
        let area = m.work_area();
        let origin = area.position.to_logical::<f64>(scale);
        let size = area.size.to_logical::<f64>(scale);
        ((origin.x, origin.y), (size.width, size.height))
    });
    if area.is_some() {
        *WORK_AREA.lock().unwrap_or_else(PoisonError::into_inner) = area;
    }
    area
}

/// Sizes the window for `cards` cards and puts it in its corner.
fn fit<R: Runtime>(window: &WebviewWindow<R>, corner: PopupCorner, cards: usize) {
    let size = (WIDTH, height(cards));
    #[cfg(target_os = "linux")]
    if layered() {
        // A layer surface is placed by its anchors, on the compositor's work area.
        layer::fit_later(window, corner.resolved(crate::platform::notifier::corner()), size);
        return;
    }
    let (x, y) = position(work_area(window), corner, size);
    let _ = window.set_size(LogicalSize::new(size.0, size.1));
    let _ = window.set_position(LogicalPosition::new(x, y));
}

/// Whether the popup is a layer surface (native Wayland with layer-shell; decided at start).
#[cfg(target_os = "linux")]
fn layered() -> bool {
    crate::platform::compositor::popup_as_layer()
}

/// The popup as a Wayland layer surface: on the overlay layer (above windows, full-screen ones
/// too), anchored to its corner with the same margins as the X11 placement, never given the
/// keyboard and reserving no space. A GTK window can be made one only before it is realized,
/// which tao does when it shows it: a layered popup is created hidden, made a layer surface,
/// then shown.
#[cfg(target_os = "linux")]
mod layer {
    use gtk::prelude::{GtkWindowExt as _, WidgetExt as _};
    use gtk_layer_shell::{Edge, Layer, LayerShell as _};
    use tauri::{Runtime, WebviewWindow};

    use super::MARGIN;
    use crate::model::settings::PopupCorner;

    /// Makes `window` (created hidden, not yet realized) a layer surface of `size` in `corner`,
    /// on the main thread (before any later show of the window, which queues behind it).
    pub fn init_later<R: Runtime>(window: &WebviewWindow<R>, corner: PopupCorner, size: (f64, f64)) {
        let target = window.clone();
        let queued = window.run_on_main_thread(move || {
            let start = std::time::Instant::now();
            let Ok(gtk) = target.gtk_window() else { return };
            if !gtk_layer_shell::is_supported() {
                tracing::warn!("no layer-shell on this display: the popup goes where the compositor puts it");
                return;
            }
            gtk.init_layer_shell();
            gtk.set_namespace("istra-tray-popup");
            gtk.set_layer(Layer::Overlay);
            gtk.set_keyboard_interactivity(false);
            gtk.set_exclusive_zone(0);
            anchor(&gtk, corner);
            request_size(&gtk, size);
            tracing::debug!(took_us = start.elapsed().as_micros(), "the popup is a layer surface");
        });
        if let Err(e) = queued {
            tracing::warn!(error = %e, "cannot make the popup a layer surface");
        }
    }

    /// Sizes the layer surface `window` and anchors it to `corner` (the corner may have changed
    /// with the settings). The size is the window's size request: a layer surface whose window
    /// has none is never drawn when it holds a WebKit view (gtk-layer-shell issue #114).
    pub fn fit_later<R: Runtime>(window: &WebviewWindow<R>, corner: PopupCorner, size: (f64, f64)) {
        let target = window.clone();
        let _ = window.run_on_main_thread(move || {
            if let Ok(gtk) = target.gtk_window() {
                request_size(&gtk, size);
                if gtk.is_layer_window() {
                    anchor(&gtk, corner);
                }
            }
        });
    }

    fn request_size(gtk: &gtk::ApplicationWindow, size: (f64, f64)) {
        let (width, height) = (size.0.round() as i32, size.1.round() as i32);
        gtk.set_size_request(width, height);
        gtk.resize(width, height);
    }

    fn anchor(gtk: &gtk::ApplicationWindow, corner: PopupCorner) {
        let (top, left) = match corner {
            PopupCorner::TopLeft => (true, true),
            PopupCorner::TopRight | PopupCorner::Auto => (true, false),
            PopupCorner::BottomLeft => (false, true),
            PopupCorner::BottomRight => (false, false),
        };
        for (edge, anchored) in [(Edge::Top, top), (Edge::Bottom, !top), (Edge::Left, left), (Edge::Right, !left)] {
            gtk.set_anchor(edge, anchored);
            gtk.set_layer_shell_margin(edge, MARGIN as i32);
        }
    }
}

/// Shows `calls` (newest first) in the popup, opening, resizing or hiding it as needed.
pub fn show<R: Runtime>(app: &AppHandle<R>, calls: &[CallView], corner: PopupCorner) {
    let existing = app.get_webview_window(LABEL);
    let change = VISIBILITY_CHANGES.fetch_add(1, Ordering::SeqCst) + 1;
    if calls.is_empty() {
        if let Some(window) = existing {
            let _ = app.emit_to(LABEL, "popup-calls-changed", calls);
            if let Err(e) = window.hide() {
                tracing::warn!(error = %e, "cannot hide the popup");
            }
            close_later(app.clone(), change);
        }
        return;
    }
    let window = match existing {
        Some(window) => {
            let _ = app.emit_to(LABEL, "popup-calls-changed", calls);
            window
        }
        None => match create(app, calls, Some(corner)) {
            Some(window) => window,
            None => return,
        },
    };
    fit(&window, corner, calls.len());
    if !window.is_visible().unwrap_or(false) {
        if let Err(e) = window.show() {
            tracing::warn!(error = %e, "cannot show the popup");
        }
    }
}

/// Makes the popup ready, hidden, for a call about to come (one the user is placing): its
/// first card then shows as fast as a warm popup's.
pub fn prepare<R: Runtime>(app: &AppHandle<R>, corner: PopupCorner) {
    if app.get_webview_window(LABEL).is_some() {
        return;
    }
    let change = VISIBILITY_CHANGES.fetch_add(1, Ordering::SeqCst) + 1;
    if let Some(window) = create(app, &[], None) {
        fit(&window, corner, 1);
    }
    close_later(app.clone(), change);
}

/// The popup window with `calls` in its page from the start: shown at once in `shown_in`'s
/// corner of the last known work area, or hidden when `None` (always hidden as a layer surface,
/// which the caller shows once it is one).
fn create<R: Runtime>(
    app: &AppHandle<R>,
    calls: &[CallView],
    shown_in: Option<PopupCorner>,
) -> Option<WebviewWindow<R>> {
    let created = std::time::Instant::now();
    let size = (WIDTH, height(calls.len()));
    let known = *WORK_AREA.lock().unwrap_or_else(PoisonError::into_inner);
    let (x, y) = position(known, shown_in.unwrap_or_default(), size);
    // A layer surface must be made before GTK realizes the window: created hidden, shown by the
    // caller once it is one.
    #[cfg(target_os = "linux")]
    let layered = layered();
    #[cfg(not(target_os = "linux"))]
    let layered = false;
    let built = WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App("popup.html".into()))
        .title(&crate::model::i18n::words().windows.popup)
        .initialization_script(crate::shell::windows::page_data(Some(calls)))
        .inner_size(size.0, size.1)
        .position(x, y)
        .visible(shown_in.is_some() && !layered)
        .always_on_top(true)
        .visible_on_all_workspaces(true)
        .decorations(false)
        .skip_taskbar(true)
        // GTK sizes a window that is not resizable to the webview's natural height (200 px),
        // whatever we ask: resizable it takes the cards' height. Without decorations the user
        // gets no handle to resize it anyway.
        .resizable(true)
        .focused(false)
        .focusable(false)
        .build();
    #[cfg(target_os = "linux")]
    if let Ok(window) = &built {
        if layered {
            let corner = shown_in.unwrap_or_default().resolved(crate::platform::notifier::corner());
            layer::init_later(window, corner, size);
        }
        crate::shell::webkit::log_page_load(window, created);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = created;
    crate::shell::windows::opened(built, LABEL)
}

/// Destroys the hidden popup after the keep-warm time unless it was shown (or hidden) since.
fn close_later<R: Runtime>(app: AppHandle<R>, change: u64) {
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(keep_warm()).await;
        if VISIBILITY_CHANGES.load(Ordering::SeqCst) != change {
            return;
        }
        if let Some(window) = app.get_webview_window(LABEL) {
            if let Err(e) = window.destroy() {
                tracing::warn!(error = %e, "cannot close the popup");
            }
        }
    });
}

/// The constants the web pages share with this side, as TypeScript.
pub fn constants_ts() -> String {
    format!(
        "// Generated from src-tauri/src/shell/popup.rs (cargo test -p istra-tray). Do not edit by hand.\n\n\
         /** The popup window's width, in CSS pixels. */\n\
         export const POPUP_WIDTH = {WIDTH};\n\
         /** Each call card's height: the window is as tall as its cards. */\n\
         export const POPUP_CARD_HEIGHT = {CARD_HEIGHT};\n\
         /** The placeholders a screen pop address may hold. */\n\
         export const SCREEN_POP_PLACEHOLDERS = {placeholders};\n\
         /** The commands the pages may invoke. */\n\
         export const COMMANDS = {commands} as const;\n\
         export type Command = (typeof COMMANDS)[number];\n\
         /** The countries the dial rules know (ISO 3166 alpha-2): Settings' default country. */\n\
         export const DIAL_COUNTRIES = {countries};\n\
         /** The most characters a call's note, and one outcome, keep; the most outcomes listed. */\n\
         export const NOTE_MAX_CHARS = {note};\n\
         export const OUTCOME_MAX_CHARS = {outcome};\n\
         export const MAX_OUTCOMES = {outcomes};\n",
        placeholders = serde_json::json!(crate::model::screenpop::PLACEHOLDERS),
        commands = serde_json::json!(crate::COMMANDS),
        countries = serde_json::json!(crate::model::settings::dial_countries()),
        note = crate::model::notes::NOTE_MAX_CHARS,
        outcome = crate::model::notes::OUTCOME_MAX_CHARS,
        outcomes = crate::model::notes::MAX_OUTCOMES,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_popup_sits_in_the_chosen_corner_inside_the_screen() {
        let screen = (1280.0, 800.0);
        let size = (340.0, 150.0);
        assert_eq!(place(PopupCorner::TopRight, (0.0, 0.0), screen, size), (924.0, 16.0));
        assert_eq!(place(PopupCorner::BottomLeft, (0.0, 0.0), screen, size), (16.0, 634.0));
        assert_eq!(place(PopupCorner::BottomRight, (1280.0, 0.0), screen, size), (2204.0, 634.0));
        assert_eq!(place(PopupCorner::TopLeft, (0.0, 0.0), (100.0, 100.0), size), (16.0, 16.0));
    }

    #[test]
    fn the_window_grows_with_the_stack_up_to_four_cards() {
        assert_eq!(height(1), CARD_HEIGHT);
        assert_eq!(height(2), 2.0 * CARD_HEIGHT);
        assert_eq!(height(9), height(4));
    }

    #[test]
    fn export_constants() {
        let dir = std::env::var("TS_RS_EXPORT_DIR").expect("set by .cargo/config.toml");
        std::fs::write(std::path::Path::new(&dir).join("constants.ts"), constants_ts()).expect("constants.ts");
    }
}
