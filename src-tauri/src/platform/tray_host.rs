//! Whether this desktop shows the tray icon at all. Stock GNOME (Fedora, Debian) has no tray
//! without the AppIndicator extension: there the app must not sit signed in and invisible.
//!
//! On Linux a tray icon shows when a StatusNotifier host is registered with the watcher on the
//! session bus (KDE, the AppIndicator extension, waybar, XFCE's plugin…), or when an X11
//! system tray (XEmbed) owns `_NET_SYSTEM_TRAY_S<screen>` (the fallback libayatana uses).
//! Elsewhere the OS always has one.

/// How long the checks may take: a bus that does not answer counts as no tray.
#[cfg(target_os = "linux")]
const LIMIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Whether a tray shows the app's icon on this desktop.
#[cfg(target_os = "linux")]
pub async fn shown() -> bool {
    let host = tokio::time::timeout(LIMIT, status_notifier_host()).await.unwrap_or(false);
    host || tokio::task::spawn_blocking(xembed_tray).await.unwrap_or(false)
}

#[cfg(not(target_os = "linux"))]
pub async fn shown() -> bool {
    true
}

#[cfg(target_os = "linux")]
async fn status_notifier_host() -> bool {
    let Ok(bus) = zbus::Connection::session().await else { return false };
    let watcher = zbus::Proxy::new(
        &bus,
        "org.kde.StatusNotifierWatcher",
        "/StatusNotifierWatcher",
        "org.kde.StatusNotifierWatcher",
    )
    .await;
    match watcher {
        Ok(watcher) => watcher.get_property::<bool>("IsStatusNotifierHostRegistered").await.unwrap_or(false),
        Err(_) => false,
    }
}

#[cfg(target_os = "linux")]
fn xembed_tray() -> bool {
    use x11rb::connection::Connection as _;
    use x11rb::protocol::xproto::ConnectionExt as _;
    let Ok((x, screen)) = x11rb::connect(None) else { return false };
    let name = format!("_NET_SYSTEM_TRAY_S{screen}");
    let atom = x.intern_atom(true, name.as_bytes()).ok().and_then(|cookie| cookie.reply().ok()).map(|r| r.atom);
    let owner = atom
        .filter(|atom| *atom != x11rb::NONE)
        .and_then(|atom| x.get_selection_owner(atom).ok()?.reply().ok())
        .map(|r| r.owner);
    let _ = x.flush();
    owner.is_some_and(|owner| owner != x11rb::NONE)
}
