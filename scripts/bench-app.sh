#!/usr/bin/env bash
# Measures the app's figures (README "Benchmarks"): builds the release app and runs
# tests/src/bin/bench_app.rs inside a throwaway desktop session. IDLE_SECS (default 60) sets
# the idle-CPU window.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --e2e
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --release --locked -p istra-tray
cargo build --release --locked -p istra-tray-e2e --bin bench_app
export ISTRA_TRAY_BINARY="$PWD/target/release/istra-tray"
exec ./scripts/desktop-session.sh ./target/release/bench_app
