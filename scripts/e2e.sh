#!/usr/bin/env bash
# End-to-end tests: builds the app, then runs tests/ inside a throwaway desktop session
# (Xvfb, D-Bus, dunst, gnome-keyring), driving the real binary over WebDriver.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --e2e
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --locked -p istra-tray --features demo
cargo test --locked -p istra-tray-e2e --no-run
exec ./scripts/desktop-session.sh cargo test --locked -p istra-tray-e2e -- --test-threads=1 "$@"
