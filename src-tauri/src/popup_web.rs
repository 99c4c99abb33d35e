//! The incoming-call popup as a webview (`ui/popup.html`), where GTK cannot draw it: Windows
//! and macOS. It is created when a call arrives and hidden when the last card leaves; a hidden
//! popup is kept warm for a while (the next call shows in tens of milliseconds instead of the
//! few hundred a new webview takes), then destroyed, so an idle app keeps no webview alive.

use tauri::{
    AppHandle, Emitter as _, LogicalPosition, LogicalSize, Manager as _, Runtime, WebviewUrl, WebviewWindowBuilder,
};

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::popup::{WIDTH, height, place};
use crate::settings::PopupCorner;
use crate::views::CallView;

pub const LABEL: &str = "popup";
/// How long a hidden popup stays ready for the next call before it is destroyed: 2 minutes,
/// so a busy spell gets popups in milliseconds, while an app between calls holds no webview
/// (a warm popup costs ~100 MiB; a cold one shows in ~150–270 ms).
const KEEP_WARM: Duration = Duration::from_secs(120);

/// Bumped whenever the popup is shown or hidden, so a pending close of an older hide is void.
static VISIBILITY_CHANGES: AtomicU64 = AtomicU64::new(0);

fn position<R: Runtime>(app: &AppHandle<R>, corner: PopupCorner, size: (f64, f64)) -> (f64, f64) {
    let monitor = app.primary_monitor().ok().flatten();
    let (origin, screen) = monitor.map_or(((0.0, 0.0), (1280.0, 800.0)), |m| {
        let scale = m.scale_factor();
        let origin = m.position().to_logical::<f64>(scale);
        let screen = m.size().to_logical::<f64>(scale);
        ((origin.x, origin.y), (screen.width, screen.height))
    });
    place(corner, origin, screen, size)
}

/// Shows `calls` (newest first) in the popup, opening, resizing or closing it as needed.
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
    let size = (WIDTH, height(calls.len()));
    let (x, y) = position(app, corner, size);
    match existing {
        Some(window) => {
            let _ = window.set_size(LogicalSize::new(size.0, size.1));
            let _ = window.set_position(LogicalPosition::new(x, y));
            let _ = app.emit_to(LABEL, "popup-calls-changed", calls);
            if let Err(e) = window.show() {
                tracing::warn!(error = %e, "cannot show the popup");
            }
        }
        None => {
            // The page pulls the calls when it loads: an event sent now would be lost.
            let built = WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App("popup.html".into()))
                .title(crate::i18n::words().incoming_call)
                .inner_size(size.0, size.1)
                .position(x, y)
                .always_on_top(true)
                .visible_on_all_workspaces(true)
                .decorations(false)
                .skip_taskbar(true)
                // GTK sizes a window that is not resizable to the webview's natural height
                // (200 px), whatever we ask: resizable it takes the card's 110 px. Without
                // decorations the user gets no handle to resize it anyway.
                .resizable(true)
                .focused(false)
                .focusable(false)
                .build();
            crate::windows::opened(built, LABEL);
        }
    }
}

/// Destroys the hidden popup after [`KEEP_WARM`] unless it was shown (or hidden) again since.
fn close_later<R: Runtime>(app: AppHandle<R>, change: u64) {
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(KEEP_WARM).await;
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
