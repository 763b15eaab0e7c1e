#!/usr/bin/env bash
# Records a perf profile of one measurement window of judicial-bench.
#
# usage: profile-window.sh OUT.perf "MARKER" [fp|dwarf] -- SCENARIO [judicial-bench flags]
#   MARKER: a progress line judicial-bench prints on stderr when the window
#   starts (for example "route window 1/3" or "writes over gRPC, 64 writers").
#   Recording starts 1.5 s after it (past the default 1 s warm-up) and lasts
#   3 s, so run the scenario with --duration 6s or more.
#
# Build the profiled binary with line tables and frame pointers first
# (a separate target directory keeps the normal build untouched):
#   CARGO_PROFILE_RELEASE_DEBUG=line-tables-only RUSTFLAGS="-C force-frame-pointers=yes" \
#     cargo build --release -p judicial-bench --target-dir target/profiling
# `fp` (the default) unwinds with frame pointers: cheap, but glibc's malloc
# has none, so allocation time shows up unattributed. `dwarf` attributes it
# to its callers, at a much higher recording cost.
set -euo pipefail
out=$1 marker=$2 mode=${3:-fp}
shift 3
[[ ${1:-} == -- ]] && shift
bin=${JUDICIAL_BENCH_BIN:-target/profiling/release/judicial-bench}
log=$(mktemp)
"$bin" "$@" > "$out.stdout" 2> "$log" &
pid=$!
until grep -q -- "$marker" "$log"; do
    kill -0 "$pid" 2> /dev/null || { echo "judicial-bench ended before \"$marker\"" >&2; exit 1; }
    sleep 0.05
done
sleep 1.5
if [[ $mode == dwarf ]]; then
    perf record -F 499 --call-graph dwarf,32768 -p "$pid" -o "$out" -- sleep 3 2> /dev/null
else
    perf record -F 1999 --call-graph fp -p "$pid" -o "$out" -- sleep 3 2> /dev/null
fi
wait "$pid"
rm -f "$log"
echo "profile in $out, the run's report in $out.stdout"
