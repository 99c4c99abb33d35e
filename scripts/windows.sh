#!/usr/bin/env bash
# The Windows build under Wine, from the Linux test harness, against the simulator on loopback.
# Installs what it lacks first, only where missing; safe to rerun.
#   1. links mycrm.exe and istra-tray.exe for x86_64-pc-windows-gnu (MinGW) into target/cross,
#      with WebView2Loader.dll beside the app as its installer ships it;
#   2. builds bcryptprimitives.dll beside them: Wine 8 lacks that DLL, whose ProcessPrng Rust's
#      standard library calls at start (scripts/windows/bcryptprimitives.c);
#   3. makes a throwaway Wine prefix in target/wine;
#   4. runs `cargo test -p mycrm --test cli --test tls` natively with MYCRM_CLI=mycrm.exe and
#      MYCRM_CLI_RUNNER=wine, so every command the tests start is the .exe under Wine, talking
#      to the simulator on loopback (no display needed). The library tests of tls.rs run
#      natively, as usual;
#   5. builds the installer's hooks (src-tauri/windows/hooks.nsh) into a silent installer with
#      makensis (scripts/windows/hooks-test.nsi), runs it and reads the registry back;
#   6. runs the app's Wine tests (tests/tests/wine.rs: without WebView2 a message box and exit
#      status 3 after reading %APPDATA% and logging under %LOCALAPPDATA%; a phone link run as the
#      installer registered it dialled by the running app; Dial selection copying from Wine's
#      Notepad through Wine's clipboard and input, the clipboard put back) on an X display (Xvfb);
#   7. runs the uninstaller's hooks and checks they removed what the installer's wrote.
# Prints the build times, the time mycrm.exe and istra-tray.exe take from start to online, and
# the test counts. A test failing for a known gap of Wine (listed below, with why) is reported
# but does not fail the script; any other failure does.
# Usage: scripts/windows.sh [extra arguments for the mycrm test binaries, e.g. a test name]
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

install_missing_packages windows gcc-mingw-w64-x86-64 wine wine64 nsis xvfb xdotool xclip
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

step "link istra-tray.exe ($triple)"
t=$(now)
CARGO_TARGET_DIR="$cross_dir" nice -n 19 cargo build --locked -p istra-tray --target "$triple"
app_build_time=$(since "$t")
# A MinGW build loads WebView2's loader from a DLL, which its installer puts beside the .exe.
loader=$(ls -t "$out"/build/webview2-com-sys-*/out/x64/WebView2Loader.dll | head -n 1)
cp "$loader" "$out/"
app="$out/istra-tray.exe"
echo "built in $app_build_time: $app"

step "the installer's hooks under Wine"
for part in install uninstall; do
  flag=()
  [ "$part" = uninstall ] && flag=(-DUNINSTALL)
  makensis -V2 "${flag[@]}" -DOUT="$out" -DHOOKS="$root/src-tauri/windows/hooks.nsh" scripts/windows/hooks-test.nsi
done
# The value of NAME (empty: the key's default) under KEY in Wine's registry, or nothing.
reg_value() {
  local how=(/ve)
  [ -n "$2" ] && how=(/v "$2")
  wine reg query "$1" "${how[@]}" 2>/dev/null | sed -n 's/^ *[^ ].*REG_SZ *//p' | tr -d '\r'
}
# Fails the script unless NAME under KEY is WANTED.
expect_reg() {
  local got
  got=$(reg_value "$1" "$2")
  if [ "$got" != "$3" ]; then
    echo "windows: FAILED: $1 ${2:-(default)} is '$got', not '$3'" >&2
    exit 1
  fi
  echo "  $1 ${2:-(default)} = $got"
}
wine "$out/hooks-install.exe" "/D=$(winepath -w "$out")"
dir_w=$(winepath -w "$out")
for scheme in tel callto sip; do
  expect_reg "HKCU\\Software\\Classes\\istra-tray.$scheme" "" "URL:$scheme link (istra-tray)"
  expect_reg "HKCU\\Software\\Classes\\istra-tray.$scheme" "URL Protocol" ""
  expect_reg "HKCU\\Software\\Classes\\istra-tray.$scheme\\shell\\open\\command" "" "\"$dir_w\\istra-tray.exe\" \"%1\""
  expect_reg "HKCU\\Software\\istra-tray\\Capabilities\\URLAssociations" "$scheme" "istra-tray.$scheme"
done
expect_reg "HKCU\\Software\\istra-tray\\Capabilities" ApplicationName istra-tray
expect_reg "HKCU\\Software\\RegisteredApplications" istra-tray "Software\\istra-tray\\Capabilities"

step "the app under Wine, on an X display"
if [ -z "${DISPLAY_FOR_WINE:-}" ]; then
  for n in $(seq 90 99); do [ -e "/tmp/.X11-unix/X$n" ] || break; done
  Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >"$log_dir/xvfb.log" 2>&1 &
  xvfb=$!
  trap 'kill $xvfb 2>/dev/null || true; wineserver -k 2>/dev/null || true' EXIT
  for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
  DISPLAY_FOR_WINE=":$n"
fi
# Wine's desktop process takes its display driver when it starts: start it again on this display.
wineserver -k 2>/dev/null || true
wineserver -w
export DISPLAY="$DISPLAY_FOR_WINE"
wineserver -p 2>/dev/null || true
app_results="$log_dir/app-tests.log"
set +e
ISTRA_TRAY_EXE="$app" nice -n 19 cargo test --locked -p istra-tray-e2e --test wine -- \
  --ignored --test-threads=1 --nocapture 2>&1 | tee "$app_results"
app_status=${PIPESTATUS[0]}
set -e

step "the uninstaller's hooks under Wine"
wine "$out/hooks-uninstall.exe"
for key in 'HKCU\Software\istra-tray' 'HKCU\Software\Classes\istra-tray.tel' 'HKCU\Software\Classes\istra-tray.sip'; do
  if wine reg query "$key" >/dev/null 2>&1; then
    echo "windows: FAILED: $key is still there after the uninstaller's hooks" >&2
    exit 1
  fi
done
if [ -n "$(reg_value 'HKCU\Software\RegisteredApplications' istra-tray)" ]; then
  echo "windows: FAILED: the RegisteredApplications entry is still there" >&2
  exit 1
fi
echo "  the hooks' keys are gone"

echo
echo "windows: build of istra-tray.exe: $app_build_time"
grep -h -o 'istra-tray.exe online [0-9]* ms after start\|message box shown [0-9]* ms after start' "$app_results" |
  sed 's/^/windows: /' || true
echo "windows: app tests: $(grep -o '^test result: .*' "$app_results" | tail -n 1)"
if [ "$app_status" -ne 0 ]; then
  echo "windows: FAILED: the app under Wine (cargo test exit status $app_status)" >&2
  exit "$app_status"
fi
echo "windows: ok (known Wine gaps aside)"
