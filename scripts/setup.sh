#!/usr/bin/env bash
# Installs what building, running and testing need, only where it is missing. Safe to rerun.
#   system packages (Debian/Ubuntu): WebKitGTK, appindicator, Xvfb, D-Bus tools, dunst,
#     gnome-keyring, WebKitWebDriver, xdotool, xclip, ImageMagick, xdg-utils (links, screen pop),
#     sway and wl-clipboard (a headless Wayland compositor for the Wayland selection test),
#     AT-SPI with its Python bindings (tests read the popup as a screen reader does)
#   npm packages of ui/, and ui/dist (the pages the app embeds)
#   tauri-driver (with --e2e)
set -euo pipefail
cd "$(dirname "$0")/.."

want_e2e=0
[ "${1:-}" = "--e2e" ] && want_e2e=1

# shellcheck source=scripts/common.sh
. scripts/common.sh
need_cargo setup
install_missing_packages setup libwebkit2gtk-4.1-dev build-essential curl file libxdo-dev libssl-dev \
  libayatana-appindicator3-dev librsvg2-dev xvfb xauth dbus-x11 dunst gnome-keyring libsecret-tools \
  webkit2gtk-driver imagemagick xdotool xclip x11-utils xdg-utils sway wl-clipboard at-spi2-core python3-gi \
  gir1.2-atspi-2.0 nodejs npm

# The UI: npm packages when the lock file changed, then the pages the app embeds.
stamp=ui/node_modules/.installed-lock
if [ ! -f "$stamp" ] || ! cmp -s ui/package-lock.json "$stamp"; then
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
  cp ui/package-lock.json "$stamp"
fi
if [ ! -f ui/dist/popup.html ] || [ -n "$(find ui/src ui/*.html -newer ui/dist/popup.html -print -quit)" ]; then
  (cd ui && npm run --silent build >/dev/null)
fi

if [ "$want_e2e" = 1 ] && ! command -v tauri-driver >/dev/null 2>&1; then
  cargo install tauri-driver --locked --quiet
fi
