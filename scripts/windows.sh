#!/usr/bin/env bash
# Runs the `mycrm` command's contract tests (crates/mycrm/tests cli.rs and the command part of
# tls.rs) against the Windows build of `mycrm`, under Wine, from the Linux test harness.
# Installs what it lacks first, only where missing; safe to rerun.
#   1. links mycrm.exe for x86_64-pc-windows-gnu (MinGW) into target/cross;
#   2. builds bcryptprimitives.dll beside it: Wine 8 lacks that DLL, whose ProcessPrng Rust's
#      standard library calls at start (scripts/windows/bcryptprimitives.c);
#   3. makes a throwaway Wine prefix in target/wine (no display needed);
#   4. runs `cargo test -p mycrm --test cli --test tls` natively with MYCRM_CLI=mycrm.exe and
#      MYCRM_CLI_RUNNER=wine, so every command the tests start is the .exe under Wine, talking
#      to the simulator on loopback. The library tests of tls.rs run natively, as usual.
# Prints the build time, the time mycrm.exe takes from start to online, and the test counts.
# A test failing for a known gap of Wine (listed below, with why) is reported but does not fail
# the script; any other failure does.
# Usage: scripts/windows.sh [extra arguments for the test binaries, e.g. a test name]
# CARGO_TARGET_DIR (of the Windows build) defaults to target/cross; WINEPREFIX to target/wine.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# shellcheck source=scripts/common.sh
. scripts/common.sh
need_cargo windows

triple=x86_64-pc-windows-gnu
cross_dir="${CARGO_TARGET_DIR:-$root/target/cross}"
out="$cross_dir/$triple/debug"
exe="$out/mycrm.exe"
log_dir="$root/target/windows"
mkdir -p "$cross_dir" "$log_dir"

step() { echo "== $*"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

install_missing_packages windows gcc-mingw-w64-x86-64 wine wine64
rustup target list --installed | grep -qx "$triple" || rustup target add "$triple"

step "link mycrm.exe ($triple, $cross_dir)"
t=$(now)
CARGO_TARGET_DIR="$cross_dir" nice -n 19 cargo build --locked -p mycrm --bin mycrm --target "$triple"
build_time=$(since "$t")
echo "built in $build_time: $exe"

dll="$out/bcryptprimitives.dll"
src=scripts/windows/bcryptprimitives.c
if [ ! -f "$dll" ] || [ "$src" -nt "$dll" ]; then
  step "build $dll"
  x86_64-w64-mingw32-gcc -Wall -Wextra -Werror -O2 -shared -s -o "$dll.new" "$src" -ladvapi32
  mv "$dll.new" "$dll"
fi

# Wine: a prefix of its own, quiet, without the Mono and Gecko installers wineboot would
# otherwise offer (they need a display and the network); no X display is needed.
export WINEPREFIX="${WINEPREFIX:-$root/target/wine}" WINEDEBUG=-all WINEARCH=win64
export WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  step "create the Wine prefix $WINEPREFIX"
  t=$(now)
  wineboot -i >"$log_dir/wineboot.log" 2>&1
  wineserver -w
  echo "prefix made in $(since "$t")"
fi
# One wineserver for the whole run, stopped when the script ends (it fails when one already
# serves this prefix: fine). Without it the first test's wine would start one, which inherits
# that test's output pipes: the test would then wait for the server to exit.
wineserver -p 2>/dev/null || true
trap 'wineserver -k 2>/dev/null || true' EXIT

step "smoke: mycrm.exe --version under Wine"
t=$(now)
wine "$exe" --version
echo "(mycrm.exe --version under Wine: $(since "$t"))"

# Tests that fail under Wine for a reason outside mycrm, each with the reason. They still run;
# their failure is reported, and only a failure not listed here fails this script.
declare -A wine_gaps=(
  [the_command_takes_the_extra_ca_file]="Wine 8's crypt32 refuses the CERT_CHAIN_ENGINE_CONFIG that
    rustls-platform-verifier passes to CertCreateCertificateChainEngine for the extra CA (cbSize 96,
    with the Windows 8 field dwExclusiveFlags; Wine accepts 88 or less): E_INVALIDARG, printed as
    'the trusted certificates cannot be loaded: ... Invalid parameter'. The half without the extra
    CA (refused as not trusted, exit 1) passes first."
)

step "cargo test -p mycrm --test cli --test tls, with mycrm.exe under Wine"
results="$log_dir/tests.log"
set +e
MYCRM_CLI="$exe" MYCRM_CLI_RUNNER=wine nice -n 19 cargo test --locked --no-fail-fast -p mycrm \
  --test cli --test tls -- --show-output "$@" 2>&1 | tee "$results"
status=${PIPESTATUS[0]}
set -e

count() { awk -v f="$1" '/^test result:/ { n += $f } END { print n + 0 }' "$results"; }
passed=$(count 4)
failed=$(count 6)
ignored=$(count 8)
online=$(grep -o 'online [0-9]* ms after start' "$results" | head -n 1 || true)
mapfile -t failures < <(sed -n 's/^test \(.*\) \.\.\. FAILED$/\1/p' "$results")

echo
echo "windows: build of mycrm.exe: $build_time"
echo "windows: mycrm.exe listen under Wine: ${online:-no figure (that test did not pass)}"
echo "windows: tests: $((passed + failed)) ran, $passed passed, $failed failed, $ignored ignored" \
  "(cli: all drive mycrm.exe; tls: the_command_takes_the_extra_ca_file drives it, the rest test the library natively)"
unexpected=0
for name in "${failures[@]}"; do
  if [ -n "${wine_gaps[$name]:-}" ]; then
    echo "windows: FAILED under Wine, known gap: $name: $(tr -s '\n ' ' ' <<<"${wine_gaps[$name]}")"
  else
    echo "windows: FAILED: $name"
    unexpected=1
  fi
done
for name in "${!wine_gaps[@]}"; do
  if ! printf '%s\n' "${failures[@]}" | grep -qx "$name" && grep -q "^test $name \.\.\. ok$" "$results"; then
    echo "windows: $name now passes under Wine: take it off the known gaps"
  fi
done
if [ "$status" -ne 0 ] && { [ "$unexpected" -ne 0 ] || [ "$passed" -eq 0 ]; }; then
  echo "windows: FAILED (cargo test exit status $status)" >&2
  exit "$status"
fi
echo "windows: ok (known Wine gaps aside)"
