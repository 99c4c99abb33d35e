//! The dial key through the desktop's GlobalShortcuts portal, where the session is Wayland and
//! the desktop offers it (KDE Plasma ≥ 5.27, GNOME ≥ 48, Hyprland): an X11 grab under Xwayland
//! fires only while an X11 window has the focus, so there the desktop must hold the key.
//!
//! The app names itself to the portal with the id of its desktop file ([`APP_ID`]), binds its
//! one shortcut once (the portal remembers it for the app: a later start lists it and binds
//! nothing, so KDE does not ask the user again) and hears it pressed for as long as it runs.

use std::sync::Arc;

use ashpd::desktop::global_shortcuts::{
    BindShortcutsOptions, ConfigureShortcutsOptions, GlobalShortcuts, ListShortcutsOptions, NewShortcut, Shortcut,
};
use ashpd::desktop::{CreateSessionOptions, Session};
use futures_util::StreamExt as _;
use tokio::time::Instant;

use crate::model::intent::{Intent, Intents, Source};
use crate::model::settings::portal_trigger;

/// The app's id for the desktop: the name of the desktop file the packages install
/// (`com.istra_tray.IstraTray.desktop`).
pub const APP_ID: &str = "com.istra_tray.IstraTray";
/// The shortcut's id, the same at every start.
const SHORTCUT: &str = "dial-selection";

/// Whether this is a Wayland session, where the desktop, not the app, holds global keys.
pub fn wayland_session() -> bool {
    std::env::var("XDG_SESSION_TYPE").is_ok_and(|kind| kind.eq_ignore_ascii_case("wayland"))
}

/// The dial shortcut as the portal holds it, for as long as the app runs.
#[derive(Debug)]
pub struct Held {
    portal: GlobalShortcuts,
    session: Session<GlobalShortcuts>,
    /// The key the desktop gave when it was bound or listed ("" when the user left it unset).
    pub given: String,
}

impl Held {
    /// Whether the desktop has its own dialog to change the key (portal version 2).
    pub fn configurable(&self) -> bool {
        self.portal.version() >= 2
    }

    /// Opens the desktop's own dialog to change the key; the new key arrives through `changed`
    /// (see [`hold`]).
    ///
    /// # Errors
    ///
    /// The portal has no such dialog (version 1), or refused.
    pub async fn configure(&self) -> Result<(), ashpd::Error> {
        self.portal.configure_shortcuts(&self.session, None, ConfigureShortcutsOptions::default()).await
    }
}

/// Holds the dial shortcut through the portal (`preferred` is the user's accelerator, offered
/// when it is bound the first time), sends a dial of the selection at each press and tells
/// `changed` the key the user gives it later in the desktop's settings, until the app ends.
///
/// # Errors
///
/// No portal, or no GlobalShortcuts in it, or the desktop refused: the app then says how to
/// add a shortcut of the desktop's own.
pub async fn hold(
    preferred: &str,
    description: &str,
    intents: Intents,
    changed: impl Fn(String) + Send + 'static,
) -> Result<Arc<Held>, ashpd::Error> {
    let bus = zbus::Connection::session().await?;
    // Portals from 1.19 learn who a host app is this way, before any other call; older ones
    // (Debian 12 has 1.16) do not have it and identify the app by its systemd unit.
    if let Ok(id) = ashpd::AppID::try_from(APP_ID) {
        if let Err(e) = ashpd::register_host_app_with_connection(bus.clone(), id).await {
            tracing::debug!(error = %e, "the portal has no host app registry");
        }
    }
    let portal = GlobalShortcuts::with_connection(bus).await?;
    let session = portal.create_session(CreateSessionOptions::default()).await?;
    let mut pressed = portal.receive_activated().await?;
    let mut rebound = portal.receive_shortcuts_changed().await?;
    let listed = portal.list_shortcuts(&session, ListShortcutsOptions::default()).await?.response()?;
    let given = match ours(listed.shortcuts()) {
        Some(shortcut) => shortcut.trigger_description().to_owned(),
        None => {
            let trigger = portal_trigger(preferred);
            let wanted = NewShortcut::new(SHORTCUT, description)
                .preferred_trigger((!trigger.is_empty()).then_some(trigger.as_str()));
            let bound =
                portal.bind_shortcuts(&session, &[wanted], None, BindShortcutsOptions::default()).await?.response()?;
            ours(bound.shortcuts()).map(|s| s.trigger_description().to_owned()).unwrap_or_default()
        }
    };
    tracing::info!(key = %given, "the dial key is held by the desktop's portal");
    let held = Arc::new(Held { portal, session, given });
    // The session lives as long as this task (which holds it): the app's life.
    let listening = Arc::clone(&held);
    tokio::spawn(async move {
        let _held = listening;
        loop {
            tokio::select! {
                press = pressed.next() => match press {
                    Some(press) if press.shortcut_id() == SHORTCUT => {
                        intents.send(Intent::Dial { source: Source::Selection, asked: Instant::now() });
                    }
                    Some(_) => {}
                    None => break,
                },
                change = rebound.next() => match change {
                    Some(change) => {
                        if let Some(shortcut) = ours(change.shortcuts()) {
                            tracing::info!(key = %shortcut.trigger_description(), "the desktop gave the dial key anew");
                            changed(shortcut.trigger_description().to_owned());
                        }
                    }
                    None => break,
                },
            }
        }
        tracing::warn!("the portal stopped sending the dial key");
    });
    Ok(held)
}

fn ours(shortcuts: &[Shortcut]) -> Option<&Shortcut> {
    shortcuts.iter().find(|s| s.id() == SHORTCUT)
}
