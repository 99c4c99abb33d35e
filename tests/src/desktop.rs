//! One running app under test, and the desktop around it (selection, keys, D-Bus).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::process::{Child, Command};

use crate::webdriver::WebDriver;

/// The app, started by its own tauri-driver with its own HOME and XDG folders.
#[derive(Debug)]
pub struct App {
    pub driver: WebDriver,
    driver_process: Child,
    /// HOME, config, data, state and cache of this app (all under one folder).
    pub folder: PathBuf,
}

/// An empty folder for an app called `name`, with its HOME and XDG folders.
pub(crate) fn fresh_folder(name: &str) -> PathBuf {
    let base = std::env::var("SESSION_DIR").map(PathBuf::from).unwrap_or_else(|_| std::env::temp_dir());
    let folder = base.join(format!("app-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    for sub in ["home", "config", "data", "state", "cache"] {
        std::fs::create_dir_all(folder.join(sub)).expect("app folders");
    }
    folder
}

/// HOME and the XDG folders under an app's folder.
pub fn folder_env(folder: &Path) -> Vec<(&'static str, PathBuf)> {
    [("HOME", "home"), ("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data")]
        .into_iter()
        .chain([("XDG_STATE_HOME", "state"), ("XDG_CACHE_HOME", "cache")])
        .map(|(var, sub)| (var, folder.join(sub)))
        .collect()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(4444)
}

async fn wait_for_port(port: u16, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

impl App {
    /// Starts the app with `args`; its first window is the current WebDriver window.
    ///
    /// # Panics
    ///
    /// When the driver or the app cannot start (the test cannot go on).
    pub async fn start(name: &str, args: &[&str]) -> App {
        Self::start_in(fresh_folder(name), args, &[]).await
    }

    /// As [`App::start`], with extra environment variables for the app.
    pub async fn start_with_env(name: &str, args: &[&str], env: &[(&str, &str)]) -> App {
        Self::start_in(fresh_folder(name), args, env).await
    }

    /// Ends this app and starts it again with `args` on the same folders (settings, journal).
    pub async fn restart(self, args: &[&str]) -> App {
        let folder = self.folder.clone();
        self.stop().await;
        Self::start_in(folder, args, &[]).await
    }

    /// As [`App::restart`], with extra environment variables for the app.
    pub async fn restart_with_env(self, args: &[&str], env: &[(&str, &str)]) -> App {
        let folder = self.folder.clone();
        self.stop().await;
        Self::start_in(folder, args, env).await
    }

    /// HOME and the XDG folders of this app, for other programs run "as the same user".
    pub fn env(&self) -> Vec<(&'static str, PathBuf)> {
        folder_env(&self.folder)
    }

    async fn start_in(folder: PathBuf, args: &[&str], env: &[(&str, &str)]) -> App {
        let port = free_port();
        let native_port = free_port();
        let driver_process = Command::new("tauri-driver")
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .args(["--native-driver", "/usr/bin/WebKitWebDriver"])
            .envs(folder_env(&folder))
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("tauri-driver starts (scripts/setup.sh --e2e installs it)");
        assert!(wait_for_port(port, Duration::from_secs(10)).await, "tauri-driver listens");
        let binary = crate::app_binary();
        let driver = WebDriver::start(&format!("http://127.0.0.1:{port}"), &binary.to_string_lossy(), args)
            .await
            .expect("a WebDriver session with the app");
        App { driver, driver_process, folder }
    }

    /// Signs in through the sign-in window (which must be the current window).
    pub async fn sign_in(&self, server: &str, login: &str, password: &str) -> Result<(), String> {
        let d = &self.driver;
        let wait = Duration::from_secs(10);
        d.type_into(&d.wait_for("input[name=server]", wait).await?, server).await?;
        d.type_into(&d.wait_for("input[name=login]", wait).await?, login).await?;
        d.type_into(&d.wait_for("input[name=password]", wait).await?, password).await?;
        d.click(&d.wait_for(".signin-form button[type=submit]", wait).await?).await
    }

    /// Waits until the app's status (asked through a command of the current window) satisfies
    /// `done`, or `limit` passes; returns the last status seen.
    pub async fn wait_status(&self, limit: Duration, done: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
        let start = Instant::now();
        loop {
            let status = self.driver.invoke("get_status", serde_json::json!({})).await.unwrap_or_default();
            if done(&status) || start.elapsed() > limit {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the connection is online; returns the last status seen.
    pub async fn wait_online(&self, limit: Duration) -> serde_json::Value {
        self.wait_status(limit, |status| status["state"] == "online").await
    }

    /// Every file under the app's folders that contains `needle`.
    pub fn files_containing(&self, needle: &str) -> Vec<PathBuf> {
        fn walk(dir: &Path, needle: &[u8], found: &mut Vec<PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else { return };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, needle, found);
                } else if std::fs::read(&path).is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle)) {
                    found.push(path);
                }
            }
        }
        let mut found = Vec::new();
        walk(&self.folder, needle.as_bytes(), &mut found);
        found
    }

    /// Ends the session and the app. The app is a tray app that outlives its windows, so
    /// its whole process tree is ended too (otherwise the next start would hand over to it).
    /// The app's own process id.
    pub fn app_pid(&self) -> Option<u32> {
        let root = self.driver_process.id()?;
        process_tree(root).into_iter().find(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|comm| comm.trim() == "istra-tray")
        })
    }

    /// Clicks the tray menu item labelled `label` through dbusmenu, as a tray host would.
    pub async fn click_tray_item(&self, label: &str) -> Result<(), String> {
        let pid = self.app_pid().ok_or("the app is not running")?;
        let (name, path) = tray_menu_of(pid).await.ok_or("the app exports no tray menu")?;
        let dest = format!("--dest={name}");
        // The app rebuilds its menu as its state changes (just after signing in, say): an item
        // id read a moment before may be gone, so the layout is read again and the click tried
        // again, as a user's second look at the menu would.
        let mut tries = 0;
        loop {
            let layout =
                dbus(&[&dest, &path, "com.canonical.dbusmenu.GetLayout", "int32:0", "int32:-1", "array:string:label"])
                    .await?;
            let id = item_id(&layout, label).ok_or_else(|| format!("no tray item {label:?} in {layout}"))?;
            let clicked = dbus(&[
                &dest,
                &path,
                "com.canonical.dbusmenu.Event",
                &format!("int32:{id}"),
                "string:clicked",
                "variant:int32:0",
                "uint32:0",
            ])
            .await;
            match clicked {
                Err(e) if e.contains("does not refer to a menu item") && tries < 5 => {
                    tries += 1;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                other => return other.map(drop),
            }
        }
    }

    pub async fn stop(self) {
        self.driver.quit().await;
        drop(self);
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(pid) = self.driver_process.id() {
            kill_tree(pid);
        }
    }
}

/// Every (pid, parent pid) on the machine.
fn process_parents() -> Vec<(u32, u32)> {
    let mut parents = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
            let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
            // The parent pid is the second field after the parenthesised command name.
            let ppid = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok());
            if let Some(ppid) = ppid {
                parents.push((pid, ppid));
            }
        }
    }
    parents
}

/// `root` and every process below it, parents first.
pub fn process_tree(root: u32) -> Vec<u32> {
    let parents = process_parents();
    let mut tree = vec![root];
    let mut i = 0;
    while let Some(&pid) = tree.get(i) {
        tree.extend(parents.iter().filter(|(_, parent)| *parent == pid).map(|(child, _)| *child));
        i += 1;
    }
    tree
}

/// The names of the processes below `root` (for the app: WebKit's web and network processes).
pub fn helper_processes(root: u32) -> Vec<String> {
    process_tree(root)
        .into_iter()
        .skip(1)
        .filter_map(|child| std::fs::read_to_string(format!("/proc/{child}/comm")).ok())
        .map(|comm| comm.trim().to_owned())
        .collect()
}

/// Waits until no process is left below `root`, for at most `limit`; whether none is.
pub async fn helpers_gone_within(root: u32, limit: Duration) -> bool {
    let start = Instant::now();
    while !helper_processes(root).is_empty() {
        if start.elapsed() > limit {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    true
}

/// One of the tests' helper scripts (`tests/scripts/NAME`).
fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts").join(name)
}

fn accessible_text_script() -> PathBuf {
    script("accessible-text.py")
}

/// What a screen reader finds in the windows of process `pid` (AT-SPI: role, name and text of
/// each node, a line each), read by `tests/scripts/accessible-text.py`.
pub async fn accessible_text(pid: u32) -> String {
    let read =
        Command::new(accessible_text_script()).arg(pid.to_string()).stderr(Stdio::null()).kill_on_drop(true).output();
    match tokio::time::timeout(Duration::from_secs(5), read).await {
        Ok(Ok(out)) => String::from_utf8_lossy(&out.stdout).into_owned(),
        _ => String::new(),
    }
}

/// A screen reader looking every 5 ms for a text in the windows of a process.
#[derive(Debug)]
pub struct AccessibleWatch {
    lines: tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
    _reader: Child,
}

impl AccessibleWatch {
    /// Starts looking for `text` in the windows of process `pid`, for at most `limit`; returns
    /// once the reader is looking.
    ///
    /// # Panics
    ///
    /// When the reader cannot start (`scripts/setup.sh` installs AT-SPI's Python bindings).
    pub async fn start(pid: u32, text: &str, limit: Duration) -> AccessibleWatch {
        use tokio::io::AsyncBufReadExt as _;
        let mut reader = Command::new(accessible_text_script())
            .args([&pid.to_string(), text, &limit.as_secs_f64().to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("the accessibility reader runs");
        let mut lines = tokio::io::BufReader::new(reader.stdout.take().expect("stdout")).lines();
        let ready = lines.next_line().await.ok().flatten();
        assert_eq!(ready.as_deref(), Some("ready"), "the accessibility reader is looking");
        AccessibleWatch { lines, _reader: reader }
    }

    /// When the text showed (within a few milliseconds), or `None` when it did not in time.
    pub async fn found(mut self) -> Option<Instant> {
        let line = self.lines.next_line().await.ok().flatten();
        (line.as_deref() == Some("found")).then(Instant::now)
    }
}

/// Kills `root` and every process below it (children first), and waits until they are gone.
pub(crate) fn kill_tree(root: u32) {
    let tree = process_tree(root);
    for pid in tree.iter().rev() {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .stderr(std::process::Stdio::null())
            .status();
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while tree.iter().any(|pid| Path::new(&format!("/proc/{pid}")).exists()) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sets the X11 PRIMARY selection, as when the user selects text in any program.
pub async fn select_text(text: &str) {
    serve_x11_selection("primary", text).await;
}

/// Puts text on the X11 clipboard, as when the user copies it.
pub async fn copy_text(text: &str) {
    serve_x11_selection("clipboard", text).await;
}

async fn serve_x11_selection(selection: &str, text: &str) {
    use tokio::io::AsyncWriteExt as _;
    let mut xclip = Command::new("xclip")
        .args(["-selection", selection, "-loops", "1", "-quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("xclip runs");
    let mut stdin = xclip.stdin.take().expect("stdin");
    stdin.write_all(text.as_bytes()).await.expect("selection written");
    drop(stdin);
    // xclip serves the selection once (-loops 1) in the background, then exits.
    tokio::spawn(async move {
        let _ = tokio::time::timeout(Duration::from_secs(10), xclip.wait()).await;
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
}

/// The session's tray (`tests/scripts/tray-host.sh`), stopped while this lives: a desktop with
/// no tray, as stock GNOME is. Started again when dropped, whatever the test's end.
#[derive(Debug)]
pub struct NoTray(());

fn tray_host(action: &str) -> bool {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/tray-host.sh");
    std::process::Command::new(script).arg(action).status().is_ok_and(|s| s.success())
}

impl NoTray {
    pub async fn start() -> NoTray {
        let stopped = tokio::task::spawn_blocking(|| tray_host("stop")).await.unwrap_or(false);
        assert!(stopped, "the session's tray stopped");
        NoTray(())
    }
}

impl Drop for NoTray {
    fn drop(&mut self) {
        if !tray_host("start") {
            eprintln!("the session's tray did not start again");
        }
    }
}

/// Presses the `index`th (from 0, in screen order) button named `name` in the windows of
/// process `pid` through AT-SPI, as a screen reader user would; whether there was one.
pub async fn press_button(pid: u32, name: &str, index: usize) -> bool {
    let press = Command::new(accessible_text_script())
        .args([&pid.to_string(), "--press", name, &index.to_string()])
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .status();
    matches!(tokio::time::timeout(Duration::from_secs(5), press).await, Ok(Ok(status)) if status.success())
}

/// Closes the visible window titled exactly `title` as a window manager's close button would
/// (`tests/scripts/close-window.py`); whether there was one.
pub async fn close_window(title: &str) -> bool {
    let Some(id) = visible_window(title).await else { return false };
    Command::new(script("close-window.py")).arg(id).status().await.is_ok_and(|s| s.success())
}

/// The X11 id of the visible window titled exactly `title`, or `None` when there is none.
pub async fn visible_window(title: &str) -> Option<String> {
    let found = Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", &format!("^{title}$")])
        .output()
        .await
        .ok()?;
    String::from_utf8_lossy(&found.stdout).lines().next().map(str::to_owned)
}

/// Waits up to `limit` for a visible window titled exactly `title`; its X11 id.
pub async fn visible_window_within(title: &str, limit: Duration) -> Option<String> {
    let start = Instant::now();
    loop {
        if let Some(id) = visible_window(title).await {
            return Some(id);
        }
        if start.elapsed() > limit {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Where the visible call popup is and how big, in pixels: `(x, y, width, height)`, or `None`
/// when no popup is on screen.
pub async fn popup_geometry() -> Option<(i32, i32, u32, u32)> {
    let out = Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", "^Calls — istra-tray$", "getwindowgeometry"])
        .output()
        .await
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let (x, y) = text.lines().find_map(|l| l.trim().strip_prefix("Position: "))?.split_once(' ')?.0.split_once(',')?;
    let (width, height) = text.lines().find_map(|l| l.trim().strip_prefix("Geometry: "))?.split_once('x')?;
    Some((x.parse().ok()?, y.parse().ok()?, width.trim().parse().ok()?, height.trim().parse().ok()?))
}

/// The visible call popup's size in pixels, or `None` when no popup is on screen.
pub async fn popup_size() -> Option<(u32, u32)> {
    popup_geometry().await.map(|(_, _, width, height)| (width, height))
}

/// Whether the call popup is on screen (a hidden popup does not count).
pub async fn popup_visible() -> bool {
    popup_geometry().await.is_some()
}

/// Waits until the call popup is off screen, for at most `limit`; whether it is.
pub async fn popup_hidden_within(limit: Duration) -> bool {
    let start = Instant::now();
    while popup_visible().await {
        if start.elapsed() > limit {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    true
}

/// Presses keys on the X display, e.g. `ctrl+alt+d`.
pub async fn press(keys: &str) {
    let status = Command::new("xdotool").args(["key", keys]).status().await.expect("xdotool runs");
    assert!(status.success(), "xdotool key {keys}");
}

/// Waits until a notification holding `text` was asked for, or `limit` passes; returns every
/// notification seen so far.
pub async fn wait_for_notification(text: &str, limit: Duration) -> String {
    let start = Instant::now();
    while !notifications_seen().contains(text) && start.elapsed() < limit {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    notifications_seen()
}

/// What the notification daemon was asked to show so far (dbus-monitor's log).
pub fn notifications_seen() -> String {
    std::env::var("SESSION_DIR")
        .ok()
        .and_then(|dir| std::fs::read_to_string(Path::new(&dir).join("notify.log")).ok())
        .unwrap_or_default()
}

/// The password-holding items of the session keyring for the app, as `secret-tool` prints them.
pub async fn keyring_items() -> String {
    let out = Command::new("secret-tool").args(["search", "--all", "--unlock", "service", "istra-tray"]).output().await;
    out.map(|o| format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)))
        .unwrap_or_default()
}

async fn dbus(args: &[&str]) -> Result<String, String> {
    let out = Command::new("dbus-send")
        .args(["--session", "--print-reply", "--reply-timeout=2000"])
        .args(args)
        .output()
        .await
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// The bus name and dbusmenu path of the tray menu that process `pid` exports.
async fn tray_menu_of(pid: u32) -> Option<(String, String)> {
    let names = dbus(&["--dest=org.freedesktop.DBus", "/", "org.freedesktop.DBus.ListNames"]).await.ok()?;
    for name in names
        .lines()
        .filter_map(|l| l.trim().strip_prefix("string \"")?.strip_suffix('"'))
        .filter(|n| n.starts_with(':'))
    {
        let owner = dbus(&[
            "--dest=org.freedesktop.DBus",
            "/",
            "org.freedesktop.DBus.GetConnectionUnixProcessID",
            &format!("string:{name}"),
        ])
        .await;
        if !owner.is_ok_and(|o| o.split_whitespace().last() == Some(&pid.to_string())) {
            continue;
        }
        let base = "/org/ayatana/NotificationItem";
        let Ok(nodes) =
            dbus(&[&format!("--dest={name}"), base, "org.freedesktop.DBus.Introspectable.Introspect"]).await
        else {
            continue;
        };
        let node =
            nodes.lines().find_map(|l| l.trim().strip_prefix("<node name=\"")?.split('"').next().map(str::to_owned));
        if let Some(node) = node {
            return Some((name.to_owned(), format!("{base}/{node}/Menu")));
        }
    }
    None
}

/// The id of the menu item labelled `label` in a `GetLayout` reply as dbus-send prints it.
fn item_id(layout: &str, label: &str) -> Option<i32> {
    let mut last_id = None;
    let wanted = format!("string \"{label}\"");
    for line in layout.lines().map(str::trim) {
        if let Some(id) = line.strip_prefix("int32 ").and_then(|n| n.parse().ok()) {
            last_id = Some(id);
        } else if line.starts_with("variant") && line.ends_with(&wanted) {
            return last_id;
        }
    }
    None
}
