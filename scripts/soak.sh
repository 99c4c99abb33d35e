#!/usr/bin/env bash
# Soak test (README "Benchmarks"): a million call events through the release app against the
# simulator, with reconnects, printing memory and file descriptors as it goes. Runs in a
# throwaway desktop session. SOAK_EVENTS (default 1000000) and SOAK_RATE (events/s, default
# 4000) tune it.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --e2e
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --release --locked -p istra-tray
cargo build --release --locked -p istra-tray-e2e --bin soak
export ISTRA_TRAY_BINARY="$PWD/target/release/istra-tray"
exec ./scripts/desktop-session.sh ./target/release/soak
