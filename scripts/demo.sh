#!/usr/bin/env bash
# Demo: starts the simulator with its demo scenario and watches it with `mycrm listen`, so
# call events scroll by within seconds. Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cargo build --release -p mycrm -p mycrm-sim

log=$(mktemp)
./target/release/mycrm-sim --port 0 --scenario demo >"$log" &
sim=$!
trap 'kill $sim 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do
  grep -q "listening on" "$log" && break
  sleep 0.1
done
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$log" | head -n1)
[ -n "$url" ] || { echo "demo: the simulator did not start" >&2; exit 1; }
echo "demo: simulator at $url (user alice); events follow, Ctrl+C to stop" >&2
MYCRM_PASSWORD=secret ./target/release/mycrm --server "$url" --login alice listen
