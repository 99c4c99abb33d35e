//! The app's webview windows, each opened on demand and destroyed when closed, so an idle app
//! keeps no webview alive.

use tauri::{AppHandle, Manager as _, Runtime, WebviewUrl, WebviewWindow, WebviewWindowBuilder};

use crate::model::views::CallView;

/// The script every page gets before its own: `window.__ISTRA__` with the language the app
/// speaks (decided once, here, for windows, tray and popups alike) and, for the popup, the
/// calls to draw at once.
pub fn page_data(popup_calls: Option<&[CallView]>) -> String {
    let mut data = serde_json::json!({
        "locale": crate::model::i18n::Lang::current().tag(),
        "version": env!("CARGO_PKG_VERSION"),
    });
    if let Some(calls) = popup_calls {
        data["popupCalls"] = serde_json::to_value(calls).unwrap_or_default();
    }
    // JSON is valid JavaScript: the values (caller labels among them) stay data.
    format!("window.__ISTRA__ = Object.freeze({data});")
}

/// Opens (or brings forward) the sign-in window.
pub fn open_signin<R: Runtime>(app: &AppHandle<R>) {
    open(app, "signin", "signin.html", &crate::model::i18n::words().windows.sign_in, (420.0, 520.0));
}

/// Opens (or brings forward) the main window on a tab: `recent`, `dial` or `settings` (or
/// `about`, Settings at its About section).
pub fn open_main<R: Runtime>(app: &AppHandle<R>, tab: &str) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.eval(format!("location.hash = {}", serde_json::Value::from(tab)));
    }
    open(app, "main", &format!("main.html#{tab}"), &crate::model::i18n::words().windows.main, (720.0, 520.0));
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
        .initialization_script(page_data(None))
        .inner_size(size.0, size.1)
        .min_inner_size(360.0, 320.0)
        .center()
        .build();
    opened(built, label);
}

/// Finishes opening a window: a page whose web process ends is loaded again (Linux), a window
/// that could not be built is logged.
pub fn opened<R: Runtime>(built: tauri::Result<WebviewWindow<R>>, label: &str) -> Option<WebviewWindow<R>> {
    match built {
        Ok(window) => {
            #[cfg(target_os = "linux")]
            crate::shell::webkit::reload_when_web_process_ends(&window);
            Some(window)
        }
        Err(e) => {
            tracing::warn!(window = label, error = %e, "cannot open the window");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::views::{CallStateView, sample_call};

    #[test]
    fn the_page_data_holds_the_language_and_the_calls_as_data() {
        let mut call = sample_call("1", CallStateView::Ringing);
        call.label = Some("</script><script>alert(1)</script>\u{2028}".into());
        let script = page_data(Some(&[call]));
        let json = script.strip_prefix("window.__ISTRA__ = Object.freeze(").and_then(|s| s.strip_suffix(");"));
        let data: serde_json::Value = serde_json::from_str(json.expect("one frozen object")).expect("JSON");
        assert!(data["locale"] == "en" || data["locale"] == "fr");
        assert_eq!(data["popupCalls"][0]["label"], "</script><script>alert(1)</script>\u{2028}");
        assert!(page_data(None).contains("\"locale\"") && !page_data(None).contains("popupCalls"));
    }
}
