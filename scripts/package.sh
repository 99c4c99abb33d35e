#!/usr/bin/env bash
# Builds the Linux installers with the Tauri bundler: a .deb (and an AppImage with
# `--appimage`: the bundler downloads linuxdeploy for it, so that needs the internet).
# Output: target/release/bundle/deb/*.deb (and …/appimage/*.AppImage).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
bundles=deb
[ "${1:-}" = "--appimage" ] && bundles=deb,appimage
ui/node_modules/.bin/tauri build --bundles "$bundles" -- --locked
ls -l target/release/bundle/*/ 2>/dev/null
