#!/usr/bin/env bash
# Runs a command inside a throwaway desktop session: Xvfb, a private D-Bus session bus, the
# dunst notification daemon, a tray (a StatusNotifier host), an unlocked gnome-keyring, and
# HOME/XDG folders in a temp dir.
# Used by the end-to-end tests and the benchmarks; usable by hand:
#   scripts/desktop-session.sh ./target/debug/istra-tray --demo
# Inside, $SESSION_DIR holds notify.log (every Notify call seen on D-Bus) and the app folders.
set -euo pipefail

if [ -z "${INSIDE_DESKTOP_SESSION:-}" ]; then
  export INSIDE_DESKTOP_SESSION=1
  SESSION_DIR=$(mktemp -d /tmp/istra-session.XXXXXX)
  export SESSION_DIR
  exec xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "$0" "$@"
fi

# Tools found through HOME (rustup, cargo) keep working after HOME moves.
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
# So does the CardDAV server scripts/setup.sh installs under the user's cache.
if [ -z "${ISTRA_RADICALE:-}" ] && [ -x "$HOME/.cache/istra-tray/radicale-venv/bin/radicale" ]; then
  export ISTRA_RADICALE="$HOME/.cache/istra-tray/radicale-venv/bin/radicale"
fi
export HOME="$SESSION_DIR/home" XDG_CONFIG_HOME="$SESSION_DIR/config" XDG_DATA_HOME="$SESSION_DIR/data" \
  XDG_STATE_HOME="$SESSION_DIR/state" XDG_CACHE_HOME="$SESSION_DIR/cache" XDG_RUNTIME_DIR="$SESSION_DIR/run"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_STATE_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

# An unlocked login keyring: the password the app stores must land somewhere real.
eval "$(echo -n "session-keyring" | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
dunst >"$SESSION_DIR/dunst.log" 2>&1 &
dbus-monitor "interface='org.freedesktop.Notifications',member='Notify'" >"$SESSION_DIR/notify.log" 2>&1 &
# Wait until the notification daemon owns its name.
for _ in $(seq 50); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner \
      string:org.freedesktop.Notifications 2>/dev/null | grep -q "boolean true"; then
    break
  fi
  sleep 0.1
done
# A tray, as on most desktops (the app opens its main window where none shows).
"$(dirname "$0")/../tests/scripts/tray-host.sh" start
"$@"
