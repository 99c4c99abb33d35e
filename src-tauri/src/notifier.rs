//! Native notifications (freedesktop notifications on Linux) for incoming and missed calls and
//! short toasts. Caller labels come from outside: where the notification server reads markup,
//! they are escaped so they show as the characters they are.

use notify_rust::{Notification, Timeout};

use crate::i18n::{fill, words};
use crate::views::CallView;

const APP_NAME: &str = "istra-tray";
const CALL_BACK: &str = "call-back";

/// What the notification server can do, asked once.
struct Capabilities {
    markup: bool,
    actions: bool,
}

#[cfg(all(unix, not(target_os = "macos")))]
fn capabilities() -> &'static Capabilities {
    static CAPS: std::sync::OnceLock<Capabilities> = std::sync::OnceLock::new();
    CAPS.get_or_init(|| {
        let caps = notify_rust::get_capabilities().unwrap_or_default();
        Capabilities { markup: caps.iter().any(|c| c == "body-markup"), actions: caps.iter().any(|c| c == "actions") }
    })
}

/// Windows and macOS notifications show plain text and, through notify-rust, no buttons.
#[cfg(not(all(unix, not(target_os = "macos"))))]
fn capabilities() -> &'static Capabilities {
    &Capabilities { markup: false, actions: false }
}

/// Makes untrusted text safe for a notification body.
pub fn body_text(text: &str, markup: bool) -> String {
    let clean: String = text.chars().filter(|c| !c.is_control() || *c == '\n').take(500).collect();
    if !markup {
        return clean;
    }
    clean.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn call_body(call: &CallView, markup: bool) -> String {
    let mut lines = vec![call.title().to_owned()];
    if call.name.is_some() || call.label.is_some() {
        if let Some(number) = call.number_display.as_deref().or(call.number.as_deref()) {
            lines.push(number.to_owned());
        }
    }
    if let Some(acd) = &call.acd {
        lines.push(fill(words().via, &[acd]));
    }
    body_text(&lines.join("\n"), markup)
}

#[cfg(not(windows))]
type Shown = notify_rust::NotificationHandle;
#[cfg(windows)]
type Shown = ();

fn show(notification: &Notification) -> Option<Shown> {
    match notification.show() {
        Ok(handle) => Some(handle),
        Err(e) => {
            tracing::warn!(error = %e, "notification not shown");
            None
        }
    }
}

/// "Incoming call" with the caller's label and number.
pub fn incoming(call: &CallView) {
    let caps = capabilities();
    show(
        Notification::new()
            .appname(APP_NAME)
            .summary(words().incoming_call)
            .body(&call_body(call, caps.markup))
            .icon("call-start")
            .timeout(Timeout::Milliseconds(15_000)),
    );
}

/// "Missed call", with a "Call back" button where the desktop supports actions;
/// `call_back` runs when it is pressed.
pub fn missed(call: &CallView, call_back: impl FnOnce() + Send + 'static) {
    let caps = capabilities();
    let mut notification = Notification::new();
    notification.appname(APP_NAME).summary(words().missed_call).body(&call_body(call, caps.markup)).icon("call-missed");
    if caps.actions && call.callback_number().is_some() {
        notification.action(CALL_BACK, words().call_back);
    }
    let Some(handle) = show(&notification) else { return };
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    let _ = (handle, call_back);
    #[cfg(all(unix, not(target_os = "macos")))]
    if caps.actions {
        // Waiting for the action blocks until the notification closes: give it its own thread.
        let spawned = std::thread::Builder::new().name("missed-call-action".into()).spawn(move || {
            handle.wait_for_action(|action| {
                if action == CALL_BACK {
                    call_back();
                }
            });
        });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "cannot wait for the notification's action");
        }
    }
}

/// A short message (dial feedback, a failure to report). Showing a notification waits on
/// D-Bus, so it is sent from a blocking task and the caller never waits.
pub fn toast(summary: impl Into<String>, body: impl Into<String>) {
    let (summary, body) = (summary.into(), body.into());
    tauri::async_runtime::spawn_blocking(move || {
        show(
            Notification::new()
                .appname(APP_NAME)
                .summary(&summary)
                .body(&body_text(&body, capabilities().markup))
                .timeout(Timeout::Milliseconds(4_000)),
        );
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_labels_is_escaped_for_markup_servers() {
        assert_eq!(body_text("<img src=x onerror=alert(1)> & co", true), "&lt;img src=x onerror=alert(1)&gt; &amp; co");
        assert_eq!(body_text("<b>ACME</b>", false), "<b>ACME</b>");
    }

    #[test]
    fn control_characters_are_dropped_and_long_labels_cut() {
        assert_eq!(body_text("A\u{0007}B\nC\u{001b}", false), "AB\nC");
        assert_eq!(body_text(&"x".repeat(10_000), false).len(), 500);
    }
}
