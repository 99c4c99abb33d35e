//! WebKitGTK's processes (Linux): what they leave behind, and what to do when they end.
//!
//! - Once any webview has existed, WebKitGTK keeps its network process for the rest of the
//!   app's life (Tauri keeps the web context for that reason), about 34 MiB for an app that
//!   may then sit idle in the tray all day. When no window has existed for a second, the app
//!   ends that process; WebKit starts a new one with the next window (it is the same cost the
//!   first popup after start pays).
//! - A window's web process may end under it (a crash, the kernel's out-of-memory killer, which
//!   favours a big idle process such as a popup kept warm): the page would stay blank, and a
//!   ringing call unseen. The page is loaded again at once, in a new web process; it pulls what
//!   it shows (the popup its calls) when it loads.

use std::time::{Duration, Instant};

use tauri::{AppHandle, Manager as _, Runtime, WebviewWindow};

/// A page whose web process ended this many times within [`RELOAD_WINDOW`] is left alone (it
/// would end again: reloading it forever would only burn the CPU).
const MAX_RELOADS: usize = 3;
const RELOAD_WINDOW: Duration = Duration::from_secs(60);

/// Reloads `window`'s page whenever its web process ends unexpectedly.
pub fn reload_when_web_process_ends<R: Runtime>(window: &WebviewWindow<R>) {
    let label = window.label().to_owned();
    let hooked = window.with_webview(move |webview| {
        use webkit2gtk::WebViewExt as _;
        let reloads = std::cell::RefCell::new(Vec::<Instant>::new());
        webview.inner().connect_web_process_terminated(move |view, reason| {
            let mut reloads = reloads.borrow_mut();
            let now = Instant::now();
            reloads.retain(|at| now.duration_since(*at) < RELOAD_WINDOW);
            if reloads.len() >= MAX_RELOADS {
                tracing::error!(window = %label, ?reason, "the window's web process keeps ending: not reloaded");
                return;
            }
            reloads.push(now);
            tracing::warn!(window = %label, ?reason, "the window's web process ended: reloading its page");
            view.reload();
        });
    });
    if let Err(e) = hooked {
        tracing::warn!(error = %e, "cannot watch the window's web process");
    }
}

/// How long the app must have had no window before the network process is ended.
const SETTLE: Duration = Duration::from_secs(1);

/// WebKit's network process as the kernel names it (`comm` keeps 15 bytes).
const NETWORK_PROCESS: &str = "WebKitNetworkPr";

/// Called when a window was destroyed: ends WebKit's network process if no window is left
/// a moment later.
pub fn window_destroyed<R: Runtime>(app: &AppHandle<R>) {
    // WebKit ends a WebDriver session when its network process ends: under automation
    // (tauri-driver sets this for the app it drives) the process is kept.
    if std::env::var("TAURI_WEBVIEW_AUTOMATION").as_deref() == Ok("true") {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SETTLE).await;
        // Windows are created on the main thread: checking there means no window can be on
        // its way while the process is ended.
        let main = app.clone();
        let _ = main.run_on_main_thread(move || {
            if app.webview_windows().is_empty() {
                end_network_processes();
            }
        });
    });
}

fn end_network_processes() {
    let parent = std::process::id();
    for pid in children_named(std::path::Path::new("/proc"), parent, NETWORK_PROCESS) {
        match end(pid) {
            Ok(()) => tracing::debug!(pid, "ended WebKit's network process: no window left"),
            Err(e) => tracing::debug!(pid, error = %e, "cannot end WebKit's network process"),
        }
    }
}

fn end(pid: u32) -> std::io::Result<()> {
    use rustix::process::{Pid, Signal, kill_process};
    let pid = i32::try_from(pid).ok().and_then(Pid::from_raw).ok_or(std::io::ErrorKind::InvalidInput)?;
    kill_process(pid, Signal::TERM).map_err(std::io::Error::from)
}

/// The processes under `proc` whose parent is `parent` and whose name is `name`.
fn children_named(proc: &std::path::Path, parent: u32, name: &str) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir(proc) else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(proc.join(pid.to_string()).join("stat"))
                .ok()
                .and_then(|stat| parse_stat(&stat).map(|(ppid, comm)| ppid == parent && comm == name))
                .unwrap_or(false)
        })
        .collect()
}

/// The parent and the name in a `/proc/PID/stat` line (`pid (name) state ppid …`); the name
/// may hold spaces and parentheses, so it ends at the last `)`.
fn parse_stat(stat: &str) -> Option<(u32, &str)> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat.get(open + 1..close)?;
    let mut rest = stat.get(close + 1..)?.split_whitespace();
    let _state = rest.next()?;
    Some((rest.next()?.parse().ok()?, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_lines_give_the_parent_and_the_name() {
        assert_eq!(parse_stat("4242 (WebKitNetworkPr) S 4200 4200 4200 0 -1"), Some((4200, "WebKitNetworkPr")));
        assert_eq!(parse_stat("7 (a) b (c)) R 1 7 7"), Some((1, "a) b (c)")));
        assert_eq!(parse_stat("garbage"), None);
        assert_eq!(parse_stat("7 (x) S"), None);
    }

    #[test]
    fn only_the_named_children_of_the_parent_are_found() {
        let proc = std::env::temp_dir().join(format!("istra-proc-{}", std::process::id()));
        let entries = [
            ("10", "10 (WebKitNetworkPr) S 1 10 10"),
            ("11", "11 (WebKitNetworkPr) S 2 11 11"),
            ("12", "12 (WebKitWebProces) S 1 12 12"),
            ("self", "13 (WebKitNetworkPr) S 1 13 13"),
        ];
        for (dir, stat) in entries {
            std::fs::create_dir_all(proc.join(dir)).expect("folder");
            std::fs::write(proc.join(dir).join("stat"), stat).expect("stat");
        }
        std::fs::create_dir_all(proc.join("14")).expect("a process that is gone");
        assert_eq!(children_named(&proc, 1, NETWORK_PROCESS), vec![10]);
        assert!(children_named(&proc.join("missing"), 1, NETWORK_PROCESS).is_empty());
        std::fs::remove_dir_all(&proc).expect("cleanup");
    }
}
