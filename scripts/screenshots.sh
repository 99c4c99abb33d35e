#!/usr/bin/env bash
# Screenshots of what a user sees, to look at before calling a visible change done (not
# committed), in English and French, light and dark: the demo's call popup while the first call
# rings and while it is answered; the tray's icon in the session's tray bar; the main window's
# History, Dial and Settings tabs at its default size and at 480 px wide (Settings further down
# too); the sign-in window of a
# first start, then its welcome once signed in (to the simulator, the keys typed as a user
# would). Writes target/screenshots/<what>-<lang>-<theme>[-<tab>][-<moment or width>].png.
#   scripts/screenshots.sh [APP_BINARY]   (default: target/debug/istra-tray, built with the demo feature)
set -euo pipefail
cd "$(dirname "$0")/.."
app="${1:-$PWD/target/debug/istra-tray}"
out="$PWD/target/screenshots"
if [ -z "${INSIDE_DESKTOP_SESSION:-}" ]; then
  ./scripts/setup.sh
  [ -n "${1:-}" ] || cargo build --locked -p istra-tray --features demo
  cargo build --locked -p mycrm-sim
  mkdir -p "$out"
  exec ./scripts/desktop-session.sh "$0" "$app"
fi

# The app's command line with LANG and the GTK theme, in the home of the shots
# ($SESSION_DIR/shot), in the array app_command.
app_with() { # LANG THEME
  local gtk_theme=Adwaita
  [ "$2" = dark ] && gtk_theme=Adwaita:dark
  app_command=(env LANG="$1" LANGUAGE= LC_ALL= GTK_THEME="$gtk_theme" HOME="$SESSION_DIR/shot"
    XDG_CONFIG_HOME="$SESSION_DIR/shot/config" XDG_DATA_HOME="$SESSION_DIR/shot/data"
    XDG_STATE_HOME="$SESSION_DIR/shot/state" "$app")
}

# A second start of the app (it hands its arguments to the running one and ends).
run_app() { # LANG THEME ARGS...
  app_with "$1" "$2"
  shift 2
  "${app_command[@]}" "$@" >/dev/null 2>&1 || true
}

# Starts the app in a fresh home; its pid in $pid. SETTINGS (JSON) is its settings file.
start() { # LANG THEME [SETTINGS] -- ARGS...
  local lang=$1 theme=$2 settings=""
  shift 2
  if [ "${1:-}" != "--" ]; then settings=${1:-}; fi
  [ $# -gt 0 ] && shift
  [ "${1:-}" = "--" ] && shift
  rm -rf "$SESSION_DIR/shot" && mkdir -p "$SESSION_DIR/shot/config/istra-tray"
  [ -z "$settings" ] || echo "$settings" >"$SESSION_DIR/shot/config/istra-tray/settings.json"
  app_with "$lang" "$theme"
  # The app itself in the background (env execs it): $pid is the app's.
  "${app_command[@]}" "$@" >/dev/null 2>&1 &
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

# The only window of a start without settings, the sign-in window (waits up to 10 s), found by
# its class: under a locale the C library lacks, X's legacy window name cannot hold the title's
# dash.
signin_window() {
  local id=""
  for _ in $(seq 100); do
    id=$(xdotool search --onlyvisible --class istra-tray 2>/dev/null | head -1 || true)
    [ -n "$id" ] && break
    sleep 0.1
  done
  echo "$id"
}

shoot() { # LANG THEME
  local lang=$1 theme=$2 short=${1%%_*} main tray
  start "$lang" "$theme" -- --demo --show
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
    # Away from the popup's corner: without a compositor, a window the popup lies over is
    # captured with a black hole where the popup was.
    xdotool windowmove "$main" 0 0 && sleep 0.5
    import -display "$DISPLAY" -window "$main" "$out/main-$short-$theme.png" || true
    xdotool windowsize "$main" 480 640 && sleep 1
    import -display "$DISPLAY" -window "$main" "$out/main-$short-$theme-480.png" || true
    # The other tabs, opened as a second start opens them.
    for tab in dial settings; do
      run_app "$lang" "$theme" --show="$tab" && sleep 1
      import -display "$DISPLAY" -window "$main" "$out/main-$short-$theme-$tab-480.png" || true
    done
    xdotool windowsize "$main" 720 520 && sleep 1
    for tab in dial settings; do
      run_app "$lang" "$theme" --show="$tab" && sleep 1
      import -display "$DISPLAY" -window "$main" "$out/main-$short-$theme-$tab.png" || true
    done
    # Further down Settings, as the mouse wheel takes it: caller lookup, call hooks, call notes.
    eval "$(xdotool getwindowgeometry --shell "$main")"
    for part in lookup hooks notes; do
      xdotool mousemove $((X + WIDTH - 40)) $((Y + HEIGHT / 2)) click --repeat 14 --delay 30 5 && sleep 0.7
      import -display "$DISPLAY" -window "$main" "$out/main-$short-$theme-settings-$part.png" || true
    done
  fi
  stop
  # A first start: no settings, the sign-in window.
  start "$lang" "$theme" --
  local signin
  signin=$(signin_window)
  sleep 1.5
  if [ -n "$signin" ]; then
    import -display "$DISPLAY" -window "$signin" "$out/signin-$short-$theme.png" || true
  fi
  stop
  # Signing in to the simulator (server and login kept from last time, the password typed),
  # then the welcome. The password the last shot remembered is forgotten first, or the app
  # signs in by itself.
  secret-tool clear service istra-tray 2>/dev/null || true
  start "$lang" "$theme" "{\"server\":\"$sim_url\",\"login\":\"alice\"}" --
  signin=$(signin_window)
  sleep 1.5
  if [ -n "$signin" ]; then
    # No window manager: the keyboard goes to the window under the pointer.
    eval "$(xdotool getwindowgeometry --shell "$signin")"
    xdotool mousemove $((X + WIDTH / 2)) $((Y + 10))
    xdotool key Tab Tab Tab && xdotool type secret && xdotool key Return
    sleep 2
    import -display "$DISPLAY" -window "$signin" "$out/welcome-$short-$theme.png" || true
  fi
  stop
}

# The simulator the welcome's sign-in goes to: one user, one terminal (no terminal to choose).
sim_log="$SESSION_DIR/sim.log"
./target/debug/mycrm-sim --port 0 --terminal 5985841581756135023 >"$sim_log" 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null || true' EXIT
sim_url=""
for _ in $(seq 100); do
  sim_url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$sim_log" | head -n1)
  [ -n "$sim_url" ] && break
  sleep 0.1
done

for lang in en_US.UTF-8 fr_FR.UTF-8; do
  for theme in light dark; do
    shoot "$lang" "$theme"
  done
done
ls "$out"
