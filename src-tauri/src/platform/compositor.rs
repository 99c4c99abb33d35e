//! Which way the app's windows reach a Wayland desktop, decided once before GTK starts.
//!
//! A GTK window cannot place itself or stay on top on Wayland: the compositor puts it where it
//! likes (sway tiles it full screen and focuses it). Where the compositor offers the layer-shell
//! protocol (wlroots compositors such as sway or Hyprland, and KDE), the popup becomes a layer
//! surface in its corner, above windows, never focused; elsewhere (GNOME's Mutter has no
//! layer-shell) the whole app runs through Xwayland, where Mutter honours an X11 window's position
//! and keep-above. The choice is made from the environment and one bounded registry roundtrip,
//! with no thread, so the caller may still change the environment.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use wayland_client::protocol::{wl_callback, wl_registry};
use wayland_client::{Connection, Dispatch, QueueHandle};

/// The layer-shell global's interface name.
const LAYER_SHELL: &str = "zwlr_layer_shell_v1";

/// How long the compositor has to list its globals (it answers in about a millisecond).
pub const PROBE_LIMIT: Duration = Duration::from_millis(500);

/// How the app's windows reach the desktop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// No Wayland session (`WAYLAND_DISPLAY` unset): X11, as always.
    X11Session,
    /// Native Wayland; the popup is a layer surface.
    LayerShell,
    /// The compositor has no layer-shell: the whole app through Xwayland (`GDK_BACKEND=x11`).
    Xwayland,
    /// The user set `GDK_BACKEND`: kept; `layer_shell` tells whether the popup may be a layer
    /// surface should GDK pick Wayland.
    UsersBackend { backend: String, layer_shell: Option<bool> },
    /// Native Wayland with no way to place the popup (no layer-shell and no X display), or the
    /// compositor did not answer (`reason`).
    WaylandUnplaced { reason: String },
}

impl Choice {
    /// Whether the popup should be made a layer surface (GDK on Wayland, layer-shell offered).
    pub fn popup_as_layer(&self) -> bool {
        match self {
            Choice::LayerShell => true,
            Choice::UsersBackend { backend, layer_shell } => {
                *layer_shell == Some(true) && backend.split(',').next().is_some_and(|b| b.trim() == "wayland")
            }
            _ => false,
        }
    }

    /// What the log says about it.
    fn describe(&self) -> String {
        match self {
            Choice::X11Session => "X11 session".into(),
            Choice::LayerShell => "native Wayland; the popup is a layer surface (zwlr_layer_shell_v1)".into(),
            Choice::Xwayland => "the compositor has no layer-shell: the app runs through Xwayland (GDK_BACKEND=x11), \
                                 where the popup keeps its corner and stays on top"
                .into(),
            Choice::UsersBackend { backend, layer_shell } => {
                format!("GDK_BACKEND={backend} set by the user, kept (compositor's layer-shell: {layer_shell:?})")
            }
            Choice::WaylandUnplaced { reason } => {
                format!("native Wayland, the popup goes where the compositor puts it: {reason}")
            }
        }
    }
}

/// What the environment says, and (only when it matters) what the compositor offers.
#[derive(Debug, Default)]
pub struct Surroundings {
    pub wayland_display: bool,
    /// `WAYLAND_SOCKET`: an inherited connection, which a probe would use up.
    pub wayland_socket: bool,
    pub x_display: bool,
    pub gdk_backend: Option<String>,
}

/// Decides from `surroundings`, asking `probe` whether the compositor offers layer-shell only
/// on a Wayland session.
pub fn choose(surroundings: &Surroundings, probe: impl FnOnce() -> Result<bool, String>) -> Choice {
    if !surroundings.wayland_display && !surroundings.wayland_socket {
        return Choice::X11Session;
    }
    if surroundings.wayland_socket {
        // GDK takes this connection itself; it cannot be asked twice.
        return match &surroundings.gdk_backend {
            Some(backend) => Choice::UsersBackend { backend: backend.clone(), layer_shell: None },
            None => Choice::WaylandUnplaced { reason: "inherited connection (WAYLAND_SOCKET), not probed".into() },
        };
    }
    let offered = probe();
    if let Some(backend) = &surroundings.gdk_backend {
        return Choice::UsersBackend { backend: backend.clone(), layer_shell: offered.ok() };
    }
    match offered {
        Ok(true) => Choice::LayerShell,
        Ok(false) if surroundings.x_display => Choice::Xwayland,
        Ok(false) => Choice::WaylandUnplaced { reason: "no layer-shell and no X display".into() },
        Err(reason) => Choice::WaylandUnplaced { reason },
    }
}

static CHOSEN: OnceLock<(Choice, Duration)> = OnceLock::new();

/// Records the choice (and how long deciding took) for [`popup_as_layer`] and [`log_choice`].
pub fn record(choice: Choice, took: Duration) {
    let _ = CHOSEN.set((choice, took));
}

/// Whether the popup is to be a layer surface: false unless a Wayland session with layer-shell
/// was found at start (so nothing changes on X11).
pub fn popup_as_layer() -> bool {
    CHOSEN.get().is_some_and(|(choice, _)| choice.popup_as_layer())
}

/// Whether `GDK_BACKEND` was set by the app (for Xwayland), not by the user: programs the app
/// starts do not inherit it.
pub fn backend_set_by_us() -> bool {
    CHOSEN.get().is_some_and(|(choice, _)| *choice == Choice::Xwayland)
}

/// Logs the choice made at start, once logging is set up.
pub fn log_choice() {
    if let Some((choice, took)) = CHOSEN.get() {
        if *choice != Choice::X11Session {
            tracing::info!(took_ms = took.as_secs_f64() * 1000.0, "display: {}", choice.describe());
        }
    }
}

/// The globals the compositor lists, until the roundtrip's callback says the list is complete.
#[derive(Debug, Default)]
struct Globals {
    layer_shell: bool,
    done: bool,
}

impl Dispatch<wl_registry::WlRegistry, ()> for Globals {
    fn event(
        state: &mut Self,
        _: &wl_registry::WlRegistry,
        event: wl_registry::Event,
        (): &(),
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
        if let wl_registry::Event::Global { interface, .. } = event {
            state.layer_shell |= interface == LAYER_SHELL;
        }
    }
}

impl Dispatch<wl_callback::WlCallback, ()> for Globals {
    fn event(
        state: &mut Self,
        _: &wl_callback::WlCallback,
        event: wl_callback::Event,
        (): &(),
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
        if let wl_callback::Event::Done { .. } = event {
            state.done = true;
        }
    }
}

/// Whether the compositor at `WAYLAND_DISPLAY` offers layer-shell: its registry read in one
/// roundtrip, waiting at most `limit` for the answer. The connection is closed on return.
///
/// # Errors
///
/// A sentence when the compositor cannot be reached or does not answer in time.
pub fn offers_layer_shell(limit: Duration) -> Result<bool, String> {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let start = Instant::now();
    let connection = Connection::connect_to_env().map_err(|e| format!("cannot reach the compositor: {e}"))?;
    let mut queue = connection.new_event_queue::<Globals>();
    let handle = queue.handle();
    let display = connection.display();
    let _registry = display.get_registry(&handle, ());
    let _done = display.sync(&handle, ());
    connection.flush().map_err(|e| format!("cannot talk to the compositor: {e}"))?;
    let mut globals = Globals::default();
    loop {
        queue.dispatch_pending(&mut globals).map_err(|e| format!("the compositor's answer: {e}"))?;
        if globals.done {
            return Ok(globals.layer_shell);
        }
        let left = limit.checked_sub(start.elapsed()).filter(|left| !left.is_zero());
        let Some(left) = left else { return Err(format!("the compositor did not answer in {limit:?}")) };
        let Some(guard) = queue.prepare_read() else { continue };
        let timeout = Timespec::try_from(left).map_err(|e| e.to_string())?;
        let fd = guard.connection_fd();
        let mut fds = [PollFd::new(&fd, PollFlags::IN)];
        match poll(&mut fds, Some(&timeout)) {
            Ok(0) => return Err(format!("the compositor did not answer in {limit:?}")),
            Ok(_) => {
                guard.read().map_err(|e| format!("the compositor's answer: {e}"))?;
            }
            Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(format!("cannot wait for the compositor: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wayland(x_display: bool, gdk_backend: Option<&str>) -> Surroundings {
        Surroundings {
            wayland_display: true,
            wayland_socket: false,
            x_display,
            gdk_backend: gdk_backend.map(str::to_owned),
        }
    }

    #[test]
    fn an_x11_session_asks_no_compositor() {
        let choice = choose(&Surroundings { x_display: true, ..Surroundings::default() }, || panic!("no probe"));
        assert_eq!(choice, Choice::X11Session);
        assert!(!choice.popup_as_layer());
    }

    #[test]
    fn layer_shell_keeps_the_app_on_wayland_and_gnome_goes_through_xwayland() {
        let sway = choose(&wayland(true, None), || Ok(true));
        assert_eq!(sway, Choice::LayerShell);
        assert!(sway.popup_as_layer());
        assert_eq!(choose(&wayland(true, None), || Ok(false)), Choice::Xwayland, "GNOME");
        assert!(matches!(choose(&wayland(false, None), || Ok(false)), Choice::WaylandUnplaced { .. }));
        assert!(matches!(choose(&wayland(true, None), || Err("gone".into())), Choice::WaylandUnplaced { .. }));
    }

    #[test]
    fn the_users_gdk_backend_is_kept() {
        let x11 = choose(&wayland(true, Some("x11")), || Ok(true));
        assert!(matches!(&x11, Choice::UsersBackend { backend, .. } if backend == "x11"));
        assert!(!x11.popup_as_layer(), "on X11 the popup is an X11 window");
        assert!(choose(&wayland(true, Some("wayland,x11")), || Ok(true)).popup_as_layer());
        assert!(!choose(&wayland(true, Some("wayland")), || Ok(false)).popup_as_layer());
    }
}
