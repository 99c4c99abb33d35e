//! WebKitGTK's processes (Linux): what they leave behind, and what to do when they end.
//!
//! - Once any webview has existed, WebKitGTK keeps its network process for the rest of the
//!   app's life (Tauri keeps the web context for that reason), about 34 MiB for an app that
//!   may then sit idle in the tray all day. When no window has existed for a second, the app
//!   ends that process; WebKit starts a new one with the next window.
//! - The first webview also leaves WebKit's, JavaScriptCore's and the EGL stack's code (Mesa
//!   with LLVM, which WebKit sets up in the app's own process) in the app's memory for good,
//!   ~60 MiB. Two seconds later, still with no window, those libraries' pages are handed back
//!   to the kernel (`MADV_PAGEOUT`): the memory is freed, and the next window reads the pages
//!   in again from the files (or the page cache) as it needs them.
//! - A window's web process may end under it (a crash, the kernel's out-of-memory killer): the
//!   page would stay blank. The page is loaded again at once, in a new web process; it pulls
//!   what it shows when it loads.

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

/// Logs how long `window`'s page took, from `created` (when the window was asked for) to the
/// moment its content was committed and to the end of its load: where a cold popup's time goes.
pub fn log_page_load<R: Runtime>(window: &WebviewWindow<R>, created: Instant) {
    let label = window.label().to_owned();
    let built_ms = created.elapsed().as_secs_f64() * 1000.0;
    let hooked = window.with_webview(move |webview| {
        use webkit2gtk::{LoadEvent, WebViewExt as _};
        webview.inner().connect_load_changed(move |_, event| {
            let since_ms = created.elapsed().as_secs_f64() * 1000.0;
            match event {
                LoadEvent::Committed => tracing::info!(window = %label, built_ms, since_ms, "page committed"),
                LoadEvent::Finished => tracing::info!(window = %label, built_ms, since_ms, "page loaded"),
                _ => {}
            }
        });
    });
    if let Err(e) = hooked {
        tracing::debug!(error = %e, "cannot watch the page's load");
    }
}

/// How long the app must have had no window before the network process is ended.
const SETTLE: Duration = Duration::from_secs(1);

/// WebKit's network process as the kernel names it (`comm` keeps 15 bytes).
const NETWORK_PROCESS: &str = "WebKitNetworkPr";

/// How long after the network process is ended the web libraries are paged out: by then the
/// closed windows' web processes are gone too (pages they still map would be skipped).
const PAGE_OUT_AFTER: Duration = Duration::from_secs(2);

/// Called when a window was destroyed: if no window is left a moment later, ends WebKit's
/// network process, then hands the web libraries' pages back to the kernel.
pub fn window_destroyed<R: Runtime>(app: &AppHandle<R>) {
    // WebKit ends a WebDriver session when its network process ends: under automation
    // (tauri-driver sets this for the app it drives) the process is kept.
    if std::env::var("TAURI_WEBVIEW_AUTOMATION").as_deref() == Ok("true") {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SETTLE).await;
        if with_no_window(&app, end_network_processes).await {
            tokio::time::sleep(PAGE_OUT_AFTER).await;
            with_no_window(&app, page_out_web_libraries).await;
        }
    });
}

/// Runs `f` on the main thread if the app has no window there; whether it ran. Windows are
/// created on the main thread: checking there means none can be on its way while `f` runs.
async fn with_no_window<R: Runtime>(app: &AppHandle<R>, f: fn()) -> bool {
    let (sent, ran) = tokio::sync::oneshot::channel();
    let handle = app.clone();
    let asked = app.run_on_main_thread(move || {
        let none = handle.webview_windows().is_empty();
        if none {
            f();
        }
        let _ = sent.send(none);
    });
    asked.is_ok() && ran.await.unwrap_or(false)
}

/// The libraries only webviews run: WebKit, JavaScriptCore, and the EGL stack WebKit sets up in
/// the app's process (Mesa's EGL and drivers, LLVM and its solver).
const WEB_LIBRARIES: &[&str] =
    &["libwebkit2gtk-", "libjavascriptcoregtk-", "libEGL_mesa.", "_dri.so", "libgallium", "libLLVM", "libz3."];

/// The ranges (start, length) of the lines of `maps` (`/proc/self/maps`) that map one of the
/// [`WEB_LIBRARIES`].
fn web_library_ranges(maps: &str) -> Vec<(usize, usize)> {
    maps.lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let range = fields.next()?;
            let file = fields.nth(4)?;
            let name = file.rsplit('/').next()?;
            if !file.starts_with('/') || !WEB_LIBRARIES.iter().any(|lib| name.contains(lib)) {
                return None;
            }
            let (start, end) = range.split_once('-')?;
            let start = usize::from_str_radix(start, 16).ok()?;
            let end = usize::from_str_radix(end, 16).ok()?;
            Some((start, end.checked_sub(start).filter(|len| *len > 0)?))
        })
        .collect()
}

fn page_out_web_libraries() {
    let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else { return };
    let (mut pages_out, mut bytes) = (0, 0);
    for (start, len) in web_library_ranges(&maps) {
        match page_out(start, len) {
            Ok(()) => (pages_out, bytes) = (pages_out + 1, bytes + len),
            Err(e) => tracing::debug!(start, len, error = %e, "cannot page out a web library"),
        }
    }
    tracing::debug!(mappings = pages_out, mib = bytes >> 20, "web libraries paged out: no window left");
}

/// Asks the kernel to take `len` bytes of mappings at `start` out of memory (`MADV_PAGEOUT`).
#[allow(unsafe_code)]
fn page_out(start: usize, len: usize) -> rustix::io::Result<()> {
    let addr = std::ptr::without_provenance_mut::<std::ffi::c_void>(start);
    // SAFETY: MADV_PAGEOUT only moves pages out of memory; their contents come back unchanged
    // at the next access (read again from the library file, or from swap for pages the loader
    // changed), so nothing the program can see changes, and no Rust reference is involved. The
    // range is a whole line of /proc/self/maps; one unmapped since fails with ENOMEM.
    unsafe { rustix::mm::madvise(addr, len, rustix::mm::Advice::LinuxPageOut) }
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
    fn only_the_web_libraries_mappings_are_paged_out() {
        let maps = "\
7f0000000000-7f0000400000 r-xp 00000000 08:01 42 /usr/lib/x86_64-linux-gnu/libwebkit2gtk-4.1.so.0.19.9
7f0000400000-7f0000500000 r--p 00400000 08:01 42 /usr/lib/x86_64-linux-gnu/libwebkit2gtk-4.1.so.0.19.9
7f0001000000-7f0001100000 r-xp 00000000 08:01 43 /usr/lib/x86_64-linux-gnu/libgtk-3.so.0.2406.32
7f0002000000-7f0002001000 r-xp 00000000 08:01 44 /usr/lib/x86_64-linux-gnu/dri/swrast_dri.so
7f0003000000-7f0003001000 rw-p 00000000 00:00 0
7f0005000000-7f0005002000 r--p 00000000 08:01 46 /usr/lib/x86_64-linux-gnu/libLLVM-15.so.1
zz-7f0006000000 r--p 00000000 08:01 47 /usr/lib/libz3.so.4
";
        assert_eq!(
            web_library_ranges(maps),
            vec![
                (0x7f00_0000_0000, 0x40_0000),
                (0x7f00_0040_0000, 0x10_0000),
                (0x7f00_0200_0000, 0x1000),
                (0x7f00_0500_0000, 0x2000)
            ],
            "WebKit and the EGL stack only: not GTK, not anonymous memory, not a bad line"
        );
    }

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
