#!/usr/bin/env bash
# Screenshots of what a user sees, to look at before calling a visible change done (not
# committed), in English and French, light and dark: the demo's call popup while the first call
# rings and while it is answered; the tray's icon in the session's tray bar; the main window at
# its default size and at 480 px wide; the sign-in window of a first start. Writes
# target/screenshots/<what>-<lang>-<theme>[-<moment or width>].png.
#   scripts/screenshots.sh [APP_BINARY]   (default: target/debug/istra-tray, built with the demo feature)
set -euo pipefail
cd "$(dirname "$0")/.."
app="${1:-$PWD/target/debug/istra-tray}"
out="$PWD/target/screenshots"
if [ -z "${INSIDE_DESKTOP_SESSION:-}" ]; then
  ./scripts/setup.sh
  [ -n "${1:-}" ] || cargo build --locked -p istra-tray --features demo
  mkdir -p "$out"
  exec ./scripts/desktop-session.sh "$0" "$app"
fi

# Starts the app in a fresh home with LANG and the GTK theme; its pid in $pid.
start() { # LANG THEME ARGS...
  local lang=$1 theme=$2 gtk_theme=Adwaita
  shift 2
  [ "$theme" = dark ] && gtk_theme=Adwaita:dark
  rm -rf "$SESSION_DIR/shot" && mkdir -p "$SESSION_DIR/shot"
  LANG=$lang LANGUAGE= LC_ALL= GTK_THEME=$gtk_theme HOME="$SESSION_DIR/shot" \
    XDG_CONFIG_HOME="$SESSION_DIR/shot/config" XDG_DATA_HOME="$SESSION_DIR/shot/data" \
    XDG_STATE_HOME="$SESSION_DIR/shot/state" "$app" "$@" >/dev/null 2>&1 &
  pid=$!
}

stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# The app's window titled TITLE, as an X window id (waits up to 10 s).
window_of() { # TITLE
  local id=""
  for _ in $(seq 100); do
    id=$(xdotool search --onlyvisible --name "^$1\$" 2>/dev/null | head -1) && [ -n "$id" ] && break
    sleep 0.1
  done
  echo "$id"
}

shoot() { # LANG THEME
  local lang=$1 theme=$2 short=${1%%_*} main tray
  start "$lang" "$theme" --demo --show
  # The demo's first call rings 3 s after the app listens, and is answered a few seconds later.
  sleep 5.5
  import -display "$DISPLAY" -window root -crop 372x200+908+600 "$out/popup-$short-$theme-ringing.png"
  # The session's tray (no window manager places it: its window sits at the top left).
  tray=$(xdotool search --onlyvisible --class gtk-sni-tray-standalone 2>/dev/null | head -1 || true)
  if [ -n "$tray" ]; then
    import -display "$DISPLAY" -window "$tray" "$out/tray-$short-$theme.png" || true
  fi
  sleep 4
  import -display "$DISPLAY" -window root -crop 372x200+908+600 "$out/popup-$short-$theme-later.png"
  main=$(window_of istra-tray)
  if [ -n "$main" ]; then
    import -display "$DISPLAY" -window "$main" "$out/main-$short-$theme.png" || true
    xdotool windowsize "$main" 480 640 && sleep 1
    import -display "$DISPLAY" -window "$main" "$out/main-$short-$theme-480.png" || true
  fi
  stop
  # A first start: no settings, the sign-in window.
  start "$lang" "$theme"
  local signin
  # The only window of a first start (found by its class: under a locale the C library lacks,
  # X's legacy window name cannot hold the title's dash).
  for _ in $(seq 100); do
    signin=$(xdotool search --onlyvisible --class istra-tray 2>/dev/null | head -1 || true)
    [ -n "$signin" ] && break
    sleep 0.1
  done
  sleep 1.5
  if [ -n "$signin" ]; then
    import -display "$DISPLAY" -window "$signin" "$out/signin-$short-$theme.png" || true
  fi
  stop
}

for lang in en_US.UTF-8 fr_FR.UTF-8; do
  for theme in light dark; do
    shoot "$lang" "$theme"
  done
done
ls "$out"
