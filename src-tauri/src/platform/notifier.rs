//! Native notifications (freedesktop notifications on Linux) for calls and short toasts.
//!
//! One alert per call: a ringing call gets a notification only when popups are off (the
//! controller decides), and that notification goes when the call moves on: closed once the
//! call is answered, replaced in place by "Missed call" when nobody answered. Notifications name
//! the app's desktop entry and a call category, so desktops group and rank them. Caller labels
//! come from outside: where the notification server reads markup, they are escaped so they show
//! as the characters they are.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, Mutex, MutexGuard, PoisonError};

#[cfg(all(unix, not(target_os = "macos")))]
use notify_rust::Hint;
use notify_rust::{Notification, Timeout, Urgency};

use crate::model::i18n::words;
use crate::model::settings::PopupCorner;
use crate::model::views::CallView;

const APP_NAME: &str = "istra-tray";
/// The desktop file the app is installed with (`istra-tray.desktop`).
#[cfg(all(unix, not(target_os = "macos")))]
const DESKTOP_ENTRY: &str = "istra-tray";
const CALL_BACK: &str = "call-back";
/// At most this many missed-call notifications wait for their "Call back" button at once, each
/// on a thread of its own; past that, a missed call is notified without the button.
const MAX_WAITING_FOR_ACTION: usize = 8;

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

/// The screen corner the desktop's notifications show in, once [`learn_desktop`] has asked.
static CORNER: std::sync::OnceLock<Option<PopupCorner>> = std::sync::OnceLock::new();

/// The corner notifications of a server called `name` show in by default: KDE Plasma's at the
/// bottom right, GNOME Shell's at the top centre (no corner), and those of dunst, XFCE, mako,
/// Cinnamon, MATE and most others at the top right.
pub fn corner_of_server(name: &str) -> Option<PopupCorner> {
    let name = name.to_ascii_lowercase();
    if name.contains("plasma") || name.contains("kde") {
        Some(PopupCorner::BottomRight)
    } else if name.contains("gnome") {
        None
    } else {
        Some(PopupCorner::TopRight)
    }
}

/// Learns where the desktop shows notifications (the notification server's name, on D-Bus):
/// blocks, so it runs once at start off the async threads.
pub fn learn_desktop() {
    #[cfg(all(unix, not(target_os = "macos")))]
    let corner = match notify_rust::get_server_information() {
        Ok(server) => corner_of_server(&server.name),
        Err(e) => {
            tracing::debug!(error = %e, "no notification server to ask");
            None
        }
    };
    // Windows shows toasts at the bottom right; macOS at the top right.
    #[cfg(windows)]
    let corner = Some(PopupCorner::BottomRight);
    #[cfg(target_os = "macos")]
    let corner = Some(PopupCorner::TopRight);
    let _ = CORNER.set(corner);
}

/// The corner the desktop's notifications show in, when known.
pub fn corner() -> Option<PopupCorner> {
    CORNER.get().copied().flatten()
}

/// Makes untrusted text safe for a notification body.
pub fn body_text(text: &str, markup: bool) -> String {
    let clean: String = text.chars().filter(|c| !c.is_control() || *c == '\n').take(500).collect();
    if !markup {
        return clean;
    }
    clean.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The call's lines, as the popup shows them (who, number, queue).
fn call_body(call: &CallView, markup: bool) -> String {
    let lines = &call.lines;
    let shown = [Some(&lines.title), lines.label.as_ref(), lines.number.as_ref(), lines.queue.as_ref()];
    body_text(&shown.into_iter().flatten().map(String::as_str).collect::<Vec<_>>().join("\n"), markup)
}

#[cfg(not(windows))]
type Shown = notify_rust::NotificationHandle;
#[cfg(windows)]
type Shown = ();

/// The notification id a shown notification can be replaced by.
#[cfg(all(unix, not(target_os = "macos")))]
fn id_of(shown: &Shown) -> Option<u32> {
    Some(shown.id())
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn id_of(_: &Shown) -> Option<u32> {
    None
}

/// The ringing calls' notifications, by call id, until the call moves on.
fn ringing() -> MutexGuard<'static, HashMap<String, Shown>> {
    static RINGING: LazyLock<Mutex<HashMap<String, Shown>>> = LazyLock::new(Mutex::default);
    RINGING.lock().unwrap_or_else(PoisonError::into_inner)
}

fn show(notification: &Notification) -> Option<Shown> {
    match notification.show() {
        Ok(handle) => Some(handle),
        Err(e) => {
            tracing::warn!(error = %e, "notification not shown");
            None
        }
    }
}

/// A notification about a call, in the app's name and `category`.
fn about_call(call: &CallView, summary: &str, category: &str, urgency: Urgency) -> Notification {
    let mut notification = Notification::new();
    notification.appname(APP_NAME).summary(summary).body(&call_body(call, capabilities().markup)).urgency(urgency);
    with_hints(&mut notification, Some(category));
    notification
}

/// Names the app's desktop entry and the notification's `category` where notifications carry
/// hints (freedesktop servers), so desktops group and rank them under the app; Windows and
/// macOS know the app already.
fn with_hints<'n>(notification: &'n mut Notification, category: Option<&str>) -> &'n mut Notification {
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        notification.hint(Hint::DesktopEntry(DESKTOP_ENTRY.to_owned()));
        if let Some(category) = category {
            notification.hint(Hint::Category(category.to_owned()));
        }
    }
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    let _ = category;
    notification
}

/// "Incoming call" with the caller's lines; it stays until the call moves on ([`settled`] or
/// [`missed`]). Blocks on D-Bus: call it off the async threads.
pub fn incoming(call: &CallView) {
    let mut notification = about_call(call, &words().call.incoming_call, "call.incoming", Urgency::Critical);
    notification.icon("call-start").timeout(Timeout::Never);
    if let Some(shown) = show(&notification) {
        ringing().insert(call.id.clone(), shown);
    }
}

/// The call stopped ringing (answered, or gone without a missed-call notification): its
/// "Incoming call" notification, if any, is closed. Blocks on D-Bus.
pub fn settled(call_id: &str) {
    let shown = ringing().remove(call_id);
    #[cfg(not(windows))]
    if let Some(shown) = shown {
        shown.close();
    }
    #[cfg(windows)]
    let _ = shown;
}

/// "Missed call", in place of the call's "Incoming call" notification if it had one, with a
/// "Call back" button where the desktop supports actions; `call_back` runs when it is
/// pressed. Blocks on D-Bus.
pub fn missed(call: &CallView, call_back: impl FnOnce() + Send + 'static) {
    static WAITING: AtomicUsize = AtomicUsize::new(0);
    let caps = capabilities();
    let mut notification = about_call(call, &words().call.missed_call, "call.missed", Urgency::Normal);
    notification.icon("call-missed");
    if let Some(id) = ringing().remove(&call.id).as_ref().and_then(id_of) {
        notification.id(id);
    }
    let wait = caps.actions
        && call.has_number
        && WAITING
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| (n < MAX_WAITING_FOR_ACTION).then_some(n + 1))
            .is_ok();
    if wait {
        notification.action(CALL_BACK, &words().call.call_back);
    }
    let shown = show(&notification);
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    let _ = (shown, call_back, wait);
    #[cfg(all(unix, not(target_os = "macos")))]
    if wait {
        let Some(handle) = shown else {
            WAITING.fetch_sub(1, Ordering::SeqCst);
            return;
        };
        // Waiting for the action blocks until the notification closes: give it its own thread.
        let spawned = std::thread::Builder::new().name("missed-call-action".into()).spawn(move || {
            handle.wait_for_action(|action| {
                if action == CALL_BACK {
                    call_back();
                }
            });
            WAITING.fetch_sub(1, Ordering::SeqCst);
        });
        if let Err(e) = spawned {
            WAITING.fetch_sub(1, Ordering::SeqCst);
            tracing::warn!(error = %e, "cannot wait for the notification's action");
        }
    }
}

/// A short message (dial feedback, a failure to report). Showing a notification waits on
/// D-Bus, so it is sent from a blocking task and the caller never waits.
pub fn toast(summary: impl Into<String>, body: impl Into<String>) {
    let (summary, body) = (summary.into(), body.into());
    tauri::async_runtime::spawn_blocking(move || {
        show(with_hints(
            Notification::new()
                .appname(APP_NAME)
                .summary(&summary)
                .body(&body_text(&body, capabilities().markup))
                .timeout(Timeout::Milliseconds(4_000)),
            None,
        ));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::views::{CallStateView, sample_call};

    #[test]
    fn the_popup_keeps_out_of_the_notifications_corner() {
        let popup = |server: &str| PopupCorner::Auto.resolved(corner_of_server(server));
        assert_eq!(popup("dunst"), PopupCorner::BottomRight);
        assert_eq!(popup("Plasma"), PopupCorner::TopRight);
        assert_eq!(popup("gnome-shell"), PopupCorner::TopRight);
        assert_eq!(PopupCorner::Auto.resolved(None), PopupCorner::TopRight, "not known yet");
        assert_eq!(PopupCorner::TopLeft.resolved(Some(PopupCorner::TopRight)), PopupCorner::TopLeft, "a choice stays");
    }

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

    #[test]
    fn a_call_notification_says_what_the_popup_says() {
        let mut call = sample_call("1", CallStateView::Ringing);
        call.acd = Some("0900000171".into());
        call.label = Some("Support".into());
        let call = call.described(0);
        assert_eq!(
            call_body(&call, false),
            format!("{}\n{}", call.lines.title, call.lines.queue.clone().unwrap_or_default())
        );
    }
}
