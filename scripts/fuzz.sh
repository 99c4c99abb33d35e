#!/usr/bin/env bash
# Fuzzes the parsers of what the server and the user send (fuzz/: cargo-fuzz, libFuzzer, nightly
# toolchain), one target after the other, for minutes: a run outside CI.
#   scripts/fuzz.sh [SECONDS_PER_TARGET (default 120)] [TARGET...]   (default: every target)
# Installs cargo-fuzz if missing, adds the seeds (fuzz/seeds/<target>) to the working corpus
# (fuzz/corpus/<target>, kept between runs, not committed) and prints one line per target:
# executions, exec/s, corpus, peak RSS and the crash found, if any (fuzz/artifacts/<target>/).
# Each run's full output is in fuzz/artifacts/<target>/last-run.log. Exits non-zero if any target
# crashed (a panic, a failed assertion, a timeout or running out of memory).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

all_targets=(frame error_body dial_text contacts)
seconds=120
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then
    seconds=$1
    shift
fi
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")

# Longest input libFuzzer makes, per target: room for big frames and contact files, a selection
# is far longer than anyone selects (the dial rules refuse over 512 characters).
max_len() {
    case $1 in
        frame | contacts) echo $((1024 * 1024)) ;;
        error_body) echo $((256 * 1024)) ;;
        dial_text) echo $((64 * 1024)) ;;
        *) echo "unknown fuzz target: $1 (known: ${all_targets[*]})" >&2 && return 1 ;;
    esac
}
for target in "${targets[@]}"; do max_len "$target" >/dev/null; done

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzzing needs the nightly toolchain: rustup toolchain install nightly" >&2
    exit 1
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

echo "== building the fuzz targets (own workspace and target dir: fuzz/target)"
for target in "${targets[@]}"; do
    cargo +nightly fuzz build "$target"
done

# The value of libFuzzer's `stat::NAME: value` line in a log, or `?`.
stat() {
    local value
    value=$(sed -n "s/^stat::$1: *\([0-9]*\).*/\1/p" "$2" | tail -n 1)
    echo "${value:-?}"
}

crashed=()
summary=()
for target in "${targets[@]}"; do
    corpus="$PWD/fuzz/corpus/$target"
    artifacts="$PWD/fuzz/artifacts/$target"
    log="$artifacts/last-run.log"
    mkdir -p "$corpus" "$artifacts"
    cp -- fuzz/seeds/"$target"/* "$corpus"/
    echo "== $target: ${seconds}s, corpus $(find "$corpus" -type f | wc -l) inputs, log $log"
    rc=0
    cargo +nightly fuzz run "$target" "$corpus" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -max_len="$(max_len "$target")" -timeout=30 \
        -print_final_stats=1 >"$log" 2>&1 || rc=$?

    # The last status line, e.g. "#123456 DONE cov: 812 ft: 3345 corp: 410/92Kb lim: ...".
    corp=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" | tail -n 1 | cut -d' ' -f2)
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    if [[ -n $artifact ]]; then
        outcome="CRASH: $artifact"
    elif [[ $rc -ne 0 ]]; then
        outcome="FAILED (exit $rc, see the log)"
    else
        outcome="no crash"
    fi
    [[ $outcome == "no crash" ]] || crashed+=("$target")
    line=$(printf '%-10s runs %10s  exec/s %6s  corpus %13s (%s files)  peak RSS %5s MB  %s' "$target" \
        "$(stat number_of_executed_units "$log")" "$(stat average_exec_per_sec "$log")" "${corp:-?}" \
        "$(find "$corpus" -type f | wc -l)" "$(stat peak_rss_mb "$log")" "$outcome")
    echo "$line"
    summary+=("$line")
done

echo "== fuzzing, ${seconds}s per target"
printf '%s\n' "${summary[@]}"
if [[ ${#crashed[@]} -gt 0 ]]; then
    echo "crashed: ${crashed[*]} (reproduce: cargo +nightly fuzz run TARGET ARTIFACT)" >&2
    exit 1
fi
