//! The desktop portal's GlobalShortcuts, as a test double on the session bus
//! (`tests/scripts/portal-double.py`): what KDE, GNOME ≥ 48 and Hyprland offer apps on Wayland.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};

const NAME: &str = "org.freedesktop.portal.Desktop";
const PATH: &str = "/org/freedesktop/portal/desktop";

/// The portal double, ended on drop.
#[derive(Debug)]
pub struct PortalDouble(Child);

impl PortalDouble {
    /// Starts the double and waits until it owns the portal's bus name.
    ///
    /// # Panics
    ///
    /// When it does not come up in 10 s (python3-gi missing: `scripts/setup.sh` installs it).
    pub async fn start() -> PortalDouble {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/portal-double.py");
        let mut child = Command::new("/usr/bin/python3")
            .arg(script)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the portal double runs");
        let stdout = child.stdout.take().expect("its output");
        let ready = tokio::time::timeout(Duration::from_secs(10), BufReader::new(stdout).lines().next_line()).await;
        assert!(matches!(ready, Ok(Ok(Some(ref line))) if line == "ready"), "the portal double is ready: {ready:?}");
        PortalDouble(child)
    }

    async fn control(&self, method: &str, args: &[&str]) -> String {
        let out = Command::new("gdbus")
            .args(["call", "--session", "--dest", NAME, "--object-path", PATH, "--method"])
            .arg(format!("test.Control.{method}"))
            .args(args)
            .output()
            .await
            .expect("gdbus runs");
        assert!(out.status.success(), "{method}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The user presses the shortcut `id` (the desktop tells every session that holds it).
    pub async fn press(&self, id: &str) {
        self.control("Press", &[id]).await;
    }

    /// The key the desktop gives at the next binds, whatever the app prefers.
    pub async fn give_trigger(&self, trigger: &str) {
        self.control("GiveTrigger", &[trigger]).await;
    }

    /// What the desktop holds: `{"apps": {app id: {"shortcuts": {...}, "binds": n}}, "sessions": n}`.
    pub async fn state(&self) -> serde_json::Value {
        let reply = self.control("State", &[]).await;
        // gdbus prints `('{"apps": …}',)`.
        let json = reply.trim().trim_start_matches("('").trim_end_matches("',)");
        serde_json::from_str(json).expect("the double's state is JSON")
    }
}

impl Drop for PortalDouble {
    fn drop(&mut self) {
        let _ = self.0.start_kill();
    }
}
