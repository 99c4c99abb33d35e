//! The app's webview windows, each opened on demand and destroyed when closed, so an idle app
//! keeps no webview alive.

use tauri::{AppHandle, Manager as _, Runtime, WebviewUrl, WebviewWindow, WebviewWindowBuilder};

/// Opens (or brings forward) the sign-in window.
pub fn open_signin<R: Runtime>(app: &AppHandle<R>) {
    open(app, "signin", "signin.html", crate::i18n::words().sign_in_title, (420.0, 520.0));
}

/// Opens (or brings forward) the main window on a tab: `recent`, `dial` or `settings`.
pub fn open_main<R: Runtime>(app: &AppHandle<R>, tab: &str) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.eval(format!("location.hash = {}", serde_json::Value::from(tab)));
    }
    open(app, "main", &format!("main.html#{tab}"), crate::i18n::words().main_title, (720.0, 520.0));
}

fn open<R: Runtime>(app: &AppHandle<R>, label: &str, page: &str, title: &str, size: (f64, f64)) {
    if let Some(window) = app.get_webview_window(label) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
        return;
    }
    let built = WebviewWindowBuilder::new(app, label, WebviewUrl::App(page.into()))
        .title(title)
        .inner_size(size.0, size.1)
        .min_inner_size(360.0, 320.0)
        .center()
        .build();
    opened(built, label);
}

/// Finishes opening a window: a page whose web process ends is loaded again (Linux), a window
/// that could not be built is logged.
pub fn opened<R: Runtime>(built: tauri::Result<WebviewWindow<R>>, label: &str) {
    match built {
        #[cfg(target_os = "linux")]
        Ok(window) => crate::webkit::reload_when_web_process_ends(&window),
        #[cfg(not(target_os = "linux"))]
        Ok(_) => {}
        Err(e) => tracing::warn!(window = label, error = %e, "cannot open the window"),
    }
}
