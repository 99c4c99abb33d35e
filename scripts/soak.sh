#!/usr/bin/env bash
# Soak test (README "Benchmarks"): a million call events through the release app against the
# simulator, with reconnects, printing memory and file descriptors as it goes. Runs in a
# throwaway desktop session. SOAK_EVENTS (default 1000000) and SOAK_RATE (events/s, default
# 4000) tune it.
exec "$(dirname "$0")/bench-app.sh" soak
