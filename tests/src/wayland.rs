//! A headless Wayland compositor (sway) beside the X display, for the tests that read the
//! Wayland primary selection (wlr-data-control, as the app's clipboard library does) and those
//! that look for the popup on it (screenshots through grim, focus through swaymsg); and a bare
//! compositor without layer-shell, as GNOME's.

use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// sway refuses to run as root (it could not drop root), so a root test runs it as `nobody`.
const NOBODY: u32 = 65534;

/// A headless sway with its own runtime folder, ended (with the selection's owner) on drop.
#[derive(Debug)]
pub struct Sway {
    process: Child,
    folder: PathBuf,
    socket: PathBuf,
    /// The `wl-copy` serving the primary selection, if one was set.
    selection_owner: Option<Child>,
    /// From the start of the process until its socket accepted connections.
    pub started_in: Duration,
}

impl Sway {
    /// Starts sway with the headless backend and software rendering (no GPU, no input devices,
    /// no Xwayland) and waits until its socket accepts connections.
    ///
    /// # Panics
    ///
    /// When sway is missing (`scripts/setup.sh` installs it) or does not come up in 10 s.
    pub async fn start() -> Sway {
        let folder = std::env::temp_dir().join(format!("istra-sway-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).expect("sway's folder");
        std::fs::write(folder.join("config"), "xwayland disable\n").expect("sway's config");
        let log = std::fs::File::create(folder.join("sway.log")).expect("sway's log");
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o700)).expect("private folder");
        let mut command = Command::new("sway");
        // A process's /proc entry belongs to its effective user.
        if std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0) {
            std::os::unix::fs::chown(&folder, Some(NOBODY), Some(NOBODY)).expect("folder for nobody");
            command.uid(NOBODY).gid(NOBODY);
        }
        let start = Instant::now();
        let process = command
            .arg("-c")
            .arg(folder.join("config"))
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("DISPLAY")
            .env("XDG_RUNTIME_DIR", &folder)
            .env("HOME", &folder)
            .env("WLR_BACKENDS", "headless")
            .env("WLR_RENDERER", "pixman")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("sway runs (scripts/setup.sh installs it)");
        let mut sway =
            Sway { process, socket: PathBuf::new(), folder, selection_owner: None, started_in: Duration::ZERO };
        while start.elapsed() < Duration::from_secs(10) {
            if let Some(socket) = listening_socket(&sway.folder) {
                sway.socket = socket;
                sway.started_in = start.elapsed();
                return sway;
            }
            if let Ok(Some(status)) = sway.process.try_wait() {
                panic!("sway ended ({status}): {}", sway.log());
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("sway did not come up in 10 s: {}", sway.log());
    }

    /// What clients put in `WAYLAND_DISPLAY`: the socket's absolute path.
    pub fn display(&self) -> &Path {
        &self.socket
    }

    /// What sway printed so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.folder.join("sway.log")).unwrap_or_default()
    }

    /// Sets the Wayland primary selection to `text` (served by `wl-copy` until the next one or
    /// the end), and waits until a Wayland client reads it back.
    pub async fn select_text(&mut self, text: &str) {
        self.end_selection_owner();
        let owner = Command::new("wl-copy")
            .args(["--primary", "--foreground", "--", text])
            .env("WAYLAND_DISPLAY", &self.socket)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("wl-copy runs (scripts/setup.sh installs wl-clipboard)");
        self.selection_owner = Some(owner);
        let start = Instant::now();
        let mut seen = None;
        while start.elapsed() < Duration::from_secs(5) {
            seen = self.selection().await;
            if seen.as_deref() == Some(text) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the Wayland primary selection reads {seen:?}, not {text:?}: {}", self.log());
    }

    /// The Wayland primary selection as `wl-paste` reads it, or `None` when there is none.
    pub async fn selection(&self) -> Option<String> {
        let paste = tokio::process::Command::new("wl-paste")
            .args(["--primary", "--no-newline"])
            .env("WAYLAND_DISPLAY", &self.socket)
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output();
        let output = tokio::time::timeout(Duration::from_secs(2), paste).await.ok()?.ok()?;
        output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// What sway answers to `swaymsg -t KIND` (`get_tree`, `get_seats`, …), as JSON.
    ///
    /// # Panics
    ///
    /// When swaymsg cannot ask sway (it comes with sway).
    pub async fn ask(&self, kind: &str) -> serde_json::Value {
        let socket = std::fs::read_dir(&self.folder)
            .ok()
            .and_then(|entries| {
                entries.flatten().map(|entry| entry.path()).find(|path| {
                    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                    name.starts_with("sway-ipc.") && name.ends_with(".sock")
                })
            })
            .expect("sway's IPC socket");
        let output = tokio::process::Command::new("swaymsg")
            .arg("-s")
            .arg(&socket)
            .args(["-r", "-t", kind])
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output()
            .await
            .expect("swaymsg runs");
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("swaymsg -t {kind}: {e}"))
    }

    /// Opens a plain GTK window titled `title` on sway (as a user's application would be), and
    /// waits until sway shows it focused. It closes when the returned process is dropped.
    ///
    /// # Panics
    ///
    /// When the window does not show in 10 s (Python with GTK comes with `python3-gi`).
    pub async fn open_window(&self, title: &str) -> tokio::process::Child {
        let script = "import sys, gi\n\
                      gi.require_version('Gtk', '3.0')\n\
                      from gi.repository import Gtk\n\
                      w = Gtk.Window(title=sys.argv[1])\n\
                      w.connect('destroy', Gtk.main_quit)\n\
                      w.show_all()\n\
                      Gtk.main()\n";
        let window = tokio::process::Command::new("/usr/bin/python3")
            .args(["-c", script, title])
            .env("WAYLAND_DISPLAY", &self.socket)
            .env("GDK_BACKEND", "wayland")
            .env("XDG_RUNTIME_DIR", &self.folder)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("python3 runs");
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if focused_name(&self.ask("get_tree").await).as_deref() == Some(title) {
                return window;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the window {title:?} did not show on sway: {}", self.log());
    }

    /// The name (title) of the window sway has focused, if any.
    pub async fn focused_window(&self) -> Option<String> {
        focused_name(&self.ask("get_tree").await)
    }

    /// The whole output as sway's screen-copy gives it to `grim`.
    ///
    /// # Panics
    ///
    /// When grim is missing (`scripts/setup.sh` installs it) or fails.
    pub async fn screenshot(&self) -> Screenshot {
        let output = tokio::process::Command::new("grim")
            .args(["-t", "ppm", "-"])
            .env("WAYLAND_DISPLAY", &self.socket)
            .env("XDG_RUNTIME_DIR", &self.folder)
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output()
            .await
            .expect("grim runs (scripts/setup.sh installs it)");
        assert!(output.status.success(), "grim: {}", String::from_utf8_lossy(&output.stderr));
        Screenshot::from_ppm(&output.stdout).expect("grim's PPM")
    }

    fn end_selection_owner(&mut self) {
        if let Some(mut owner) = self.selection_owner.take() {
            let _ = owner.kill();
            let _ = owner.wait();
        }
    }
}

impl Drop for Sway {
    fn drop(&mut self) {
        self.end_selection_owner();
        let _ = self.process.kill();
        let _ = self.process.wait();
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

/// The `wayland-N` socket in `folder` once it accepts connections.
fn listening_socket(folder: &Path) -> Option<PathBuf> {
    std::fs::read_dir(folder).ok()?.flatten().map(|entry| entry.path()).find(|path| {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        name.starts_with("wayland-")
            && !name.ends_with(".lock")
            && std::os::unix::net::UnixStream::connect(path).is_ok()
    })
}

/// The `name` of the focused node in sway's tree.
fn focused_name(node: &serde_json::Value) -> Option<String> {
    if node["focused"] == true {
        return node["name"].as_str().map(str::to_owned);
    }
    ["nodes", "floating_nodes"].iter().filter_map(|key| node[key].as_array()).flatten().find_map(focused_name)
}

/// A screenshot: RGB pixels, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screenshot {
    pub width: usize,
    pub height: usize,
    pixels: Vec<[u8; 3]>,
}

impl Screenshot {
    /// Reads a binary PPM (P6, 8 bits per channel), as `grim -t ppm` writes.
    fn from_ppm(bytes: &[u8]) -> Option<Screenshot> {
        // Header: "P6", width, height, maxval, each after whitespace, then one whitespace.
        let mut fields = Vec::new();
        let mut at = 0;
        while fields.len() < 4 {
            while bytes.get(at)?.is_ascii_whitespace() {
                at += 1;
            }
            let start = at;
            while !bytes.get(at)?.is_ascii_whitespace() {
                at += 1;
            }
            fields.push(std::str::from_utf8(&bytes[start..at]).ok()?);
        }
        let (width, height): (usize, usize) = (fields[1].parse().ok()?, fields[2].parse().ok()?);
        if fields[0] != "P6" || fields[3] != "255" {
            return None;
        }
        let data = bytes.get(at + 1..at + 1 + width * height * 3)?;
        let pixels = data.chunks_exact(3).map(|p| [p[0], p[1], p[2]]).collect();
        Some(Screenshot { width, height, pixels })
    }

    /// The pixel at (`x`, `y`).
    pub fn pixel(&self, x: usize, y: usize) -> [u8; 3] {
        self.pixels[y * self.width + x]
    }

    /// The smallest rectangle `(x, y, width, height)` holding every pixel that differs from
    /// `before` (a screenshot of the same size), or `None` when nothing changed.
    pub fn changed_since(&self, before: &Screenshot) -> Option<(usize, usize, usize, usize)> {
        assert_eq!((self.width, self.height), (before.width, before.height), "the same output");
        let (mut left, mut top, mut right, mut bottom) = (usize::MAX, usize::MAX, 0, 0);
        for y in 0..self.height {
            for x in 0..self.width {
                if self.pixel(x, y) != before.pixel(x, y) {
                    (left, top) = (left.min(x), top.min(y));
                    (right, bottom) = (right.max(x), bottom.max(y));
                }
            }
        }
        (left != usize::MAX).then(|| (left, top, right - left + 1, bottom - top + 1))
    }
}

/// A Wayland compositor that offers no layer-shell, as GNOME's Mutter: it only lists its
/// globals (`wl_compositor`, `wl_shm`, `xdg_wm_base`, `wl_seat`) to a client that asks, and
/// answers its roundtrips. Enough for an app deciding how to reach the desktop; nothing can be
/// drawn on it.
#[derive(Debug)]
pub struct BareCompositor {
    folder: PathBuf,
    socket: PathBuf,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    server: Option<std::thread::JoinHandle<()>>,
}

impl BareCompositor {
    /// Listens on a socket of its own.
    ///
    /// # Panics
    ///
    /// When the socket cannot be made.
    pub fn start() -> BareCompositor {
        let folder = std::env::temp_dir().join(format!("istra-bare-wayland-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).expect("the compositor's folder");
        let socket = folder.join("wayland-0");
        let listener = std::os::unix::net::UnixListener::bind(&socket).expect("the compositor's socket");
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = stop.clone();
        let server = std::thread::spawn(move || {
            for client in listener.incoming() {
                if stopped.load(std::sync::atomic::Ordering::SeqCst) {
                    return;
                }
                if let Ok(client) = client {
                    std::thread::spawn(move || answer_roundtrips(client));
                }
            }
        });
        BareCompositor { folder, socket, stop, server: Some(server) }
    }

    /// What clients put in `WAYLAND_DISPLAY`.
    pub fn display(&self) -> &Path {
        &self.socket
    }
}

impl Drop for BareCompositor {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = std::os::unix::net::UnixStream::connect(&self.socket);
        if let Some(server) = self.server.take() {
            let _ = server.join();
        }
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

/// Serves one client until it hangs up: the registry's globals on `wl_display.get_registry`,
/// `wl_callback.done` on `wl_display.sync`; other requests go unanswered.
fn answer_roundtrips(mut client: std::os::unix::net::UnixStream) -> std::io::Result<()> {
    use std::io::{Read as _, Write as _};
    const GLOBALS: [(&str, u32); 4] = [("wl_compositor", 5), ("wl_shm", 1), ("xdg_wm_base", 4), ("wl_seat", 7)];
    fn message(object: u32, opcode: u16, args: &[u8]) -> Vec<u8> {
        let size = u32::try_from(8 + args.len()).unwrap_or(u32::MAX);
        let mut bytes = Vec::with_capacity(8 + args.len());
        bytes.extend(object.to_ne_bytes());
        bytes.extend(((size << 16) | u32::from(opcode)).to_ne_bytes());
        bytes.extend(args);
        bytes
    }
    loop {
        let mut header = [0u8; 8];
        client.read_exact(&mut header)?;
        let object = u32::from_ne_bytes([header[0], header[1], header[2], header[3]]);
        let word = u32::from_ne_bytes([header[4], header[5], header[6], header[7]]);
        let (size, opcode) = ((word >> 16) as usize, word & 0xffff);
        let mut body = vec![0u8; size.saturating_sub(8)];
        client.read_exact(&mut body)?;
        let new_id = body.get(..4).map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]));
        match (object, opcode, new_id) {
            // wl_display.get_registry(registry): one wl_registry.global per global.
            (1, 1, Some(registry)) => {
                for (name, (interface, version)) in (1u32..).zip(GLOBALS) {
                    let mut args = name.to_ne_bytes().to_vec();
                    let text = u32::try_from(interface.len() + 1).unwrap_or(0);
                    args.extend(text.to_ne_bytes());
                    args.extend(interface.as_bytes());
                    args.resize(args.len() + 4 - interface.len() % 4, 0);
                    args.extend(version.to_ne_bytes());
                    client.write_all(&message(registry, 0, &args))?;
                }
            }
            // wl_display.sync(callback): wl_callback.done, then the id is free.
            (1, 0, Some(callback)) => {
                client.write_all(&message(callback, 0, &0u32.to_ne_bytes()))?;
                client.write_all(&message(1, 1, &callback.to_ne_bytes()))?;
            }
            _ => {}
        }
    }
}
