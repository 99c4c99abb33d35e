#!/usr/bin/env bash
# Runs istra-tray in demo mode against its built-in simulator. Installs what the machine lacks,
# builds, and starts the app. Without a display (a server, CI) it runs inside a virtual one
# (Xvfb) and saves a screenshot every 10 s to /tmp/istra-tray-demo.png.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cargo build -p istra-tray --features demo
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec ./target/debug/istra-tray --demo "$@"
fi
echo "run-demo: no display; running in a virtual one, screenshots in /tmp/istra-tray-demo.png (Ctrl+C stops)" >&2
exec ./scripts/desktop-session.sh bash -c '
  ./target/debug/istra-tray --demo "$@" & app=$!
  trap "kill $app 2>/dev/null" EXIT INT TERM
  while kill -0 $app 2>/dev/null; do sleep 10; import -window root /tmp/istra-tray-demo.png 2>/dev/null || true; done
' run-demo "$@"
