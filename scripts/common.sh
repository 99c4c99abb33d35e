# Sourced by the scripts that install things: shared helpers (bash).

# Puts cargo on PATH, or stops with a clear message when Rust is missing.
#   need_cargo WHO
need_cargo() {
  command -v cargo >/dev/null 2>&1 && return 0
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    echo "$1: cargo is missing; install Rust (https://rustup.rs) first" >&2
    exit 1
  fi
}

# Installs the Debian/Ubuntu packages named that are not installed yet (nodejs and npm count
# as installed when their commands exist, whatever installed them).
#   install_missing_packages WHO PACKAGE...
install_missing_packages() {
  local who=$1 p sudo=""
  shift
  local missing=()
  for p in "$@"; do
    if [ "$p" = nodejs ] || [ "$p" = npm ]; then
      command -v "${p/nodejs/node}" >/dev/null 2>&1 && continue
    fi
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "$who: installing ${missing[*]}" >&2
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
