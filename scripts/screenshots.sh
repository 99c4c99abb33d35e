#!/usr/bin/env bash
# Screenshots of what a user sees, to look at before calling a visible change done (not
# committed): the demo's call popup in English and French, light and dark, while the first call
# rings and while it is answered. Writes target/screenshots/popup-<lang>-<theme>-<moment>.png.
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

shoot() { # LANG THEME
  local lang=$1 theme=$2 gtk_theme=Adwaita pid
  [ "$theme" = dark ] && gtk_theme=Adwaita:dark
  rm -rf "$SESSION_DIR/shot" && mkdir -p "$SESSION_DIR/shot"
  LANG=$lang LANGUAGE= LC_ALL= GTK_THEME=$gtk_theme HOME="$SESSION_DIR/shot" \
    XDG_CONFIG_HOME="$SESSION_DIR/shot/config" XDG_DATA_HOME="$SESSION_DIR/shot/data" \
    XDG_STATE_HOME="$SESSION_DIR/shot/state" "$app" --demo >/dev/null 2>&1 &
  pid=$!
  # The demo's first call rings 3 s after the app listens, and is answered a few seconds later.
  sleep 5.5
  import -display "$DISPLAY" -window root -crop 372x200+908+600 "$out/popup-${lang%%_*}-$theme-ringing.png"
  sleep 4
  import -display "$DISPLAY" -window root -crop 372x200+908+600 "$out/popup-${lang%%_*}-$theme-later.png"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

for lang in en_US.UTF-8 fr_FR.UTF-8; do
  for theme in light dark; do
    shoot "$lang" "$theme"
  done
done
ls "$out"
