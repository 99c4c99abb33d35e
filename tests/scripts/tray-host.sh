#!/usr/bin/env bash
# Starts or stops the session's tray: gtk-sni-tray-standalone, a real StatusNotifier host with
# its own watcher (the D-Bus side of the trays of KDE, GNOME's AppIndicator extension, waybar…),
# shown as a bar at the bottom of the screen. The desktop session starts it; the test of a
# desktop without a tray stops it and starts it again.
#   tests/scripts/tray-host.sh start|stop     (waits until the host is registered, or gone)
set -euo pipefail

registered() {
  dbus-send --session --print-reply --reply-timeout=1000 --dest=org.kde.StatusNotifierWatcher /StatusNotifierWatcher \
    org.freedesktop.DBus.Properties.Get string:org.kde.StatusNotifierWatcher \
    string:IsStatusNotifierHostRegistered 2>/dev/null | grep -q "boolean true"
}

case "${1:-}" in
  start)
    setsid gtk-sni-tray-standalone --watcher --bottom --no-strut --size 32 >>"${SESSION_DIR:-/tmp}/tray.log" 2>&1 </dev/null &
    for _ in $(seq 100); do
      registered && exit 0
      sleep 0.1
    done
    echo "tray-host: the tray did not register" >&2
    exit 1
    ;;
  stop)
    pkill -f gtk-sni-tray-standalone || true
    for _ in $(seq 100); do
      registered || exit 0
      sleep 0.1
    done
    echo "tray-host: the tray is still registered" >&2
    exit 1
    ;;
  *)
    echo "usage: tray-host.sh start|stop" >&2
    exit 2
    ;;
esac
