#!/usr/bin/env bash
# Installs what building, running and testing need, only where it is missing. Safe to rerun.
#   system packages (Debian/Ubuntu): WebKitGTK, appindicator, Xvfb, D-Bus tools, dunst,
#     gnome-keyring, WebKitWebDriver, xdotool, xclip, ImageMagick, xdg-utils (links, screen pop),
#     libgtk-layer-shell-dev (the popup as a Wayland layer surface on sway, Hyprland, KDE),
#     sway and wl-clipboard (a headless Wayland compositor for the Wayland selection test),
#     grim (screenshots of that compositor: where the popup shows on Wayland) and GTK's Python
#     bindings (a user's window on it),
#     AT-SPI with its Python bindings (tests read the popup as a screen reader does),
#     gtk-sni-tray-standalone (a real StatusNotifier tray for the test session),
#     gnome-settings-daemon-common (GNOME's keyboard shortcut schemas, written by a test),
#     slapd and ldap-utils (a real LDAP directory for the caller lookup tests), python3-venv
#   Radicale from PyPI (the CardDAV server of the address book tests), under ~/.cache
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
  webkit2gtk-driver imagemagick xdotool xclip x11-utils xdg-utils libgtk-layer-shell-dev sway wl-clipboard grim \
  at-spi2-core python3-gi gir1.2-atspi-2.0 gir1.2-gtk-3.0 haskell-gtk-sni-tray-utils gnome-settings-daemon-common nodejs npm slapd ldap-utils python3-venv

# Radicale (PyPI), the CardDAV server of the address book tests, in a virtual environment under
# the user's cache (found there by the tests and scripts/desktop-session.sh, or via ISTRA_RADICALE).
radicale_venv="$HOME/.cache/istra-tray/radicale-venv"
if [ -z "${ISTRA_RADICALE:-}" ] && [ ! -x "$radicale_venv/bin/radicale" ]; then
  echo "setup: installing Radicale into $radicale_venv" >&2
  python3 -m venv "$radicale_venv"
  "$radicale_venv/bin/pip" install --quiet --disable-pip-version-check "radicale>=3.2,<4"
fi

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
