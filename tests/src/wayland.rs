//! A headless Wayland compositor (sway) beside the X display, for the tests that read the
//! Wayland primary selection (wlr-data-control, as the app's clipboard library does).

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
