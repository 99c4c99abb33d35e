#!/usr/bin/env bash
# Measures the app's figures (README "Benchmarks"): builds the release app and runs
# tests/src/bin/bench_app.rs (or the binary named as the first argument, e.g. soak) inside a
# throwaway desktop session. IDLE_SECS (default 60) sets the idle-CPU window.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-bench_app}"
./scripts/setup.sh --e2e
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --release --locked -p istra-tray
cargo build --release --locked -p istra-tray-e2e --bin "$bin"
export ISTRA_TRAY_BINARY="$PWD/target/release/istra-tray"
exec ./scripts/desktop-session.sh "./target/release/$bin"
