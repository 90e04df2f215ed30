#!/bin/bash
# Benchmark (not a test): for every libFuzzer target of tests/fuzz, first runs each seed of its
# corpus whole (the deep-nesting and very long seeds included), then fuzzes from those seeds for
# FUZZ_RUNS executions (default 1,000,000) with inputs of at most FUZZ_MAX_LEN bytes (default
# 4096, libFuzzer's usual bound; the seeds are cut to it for mutation), one target after the
# other. Prints per target the executions, the wall time, executions per second and the crashes
# found (libFuzzer stops at the first; the input is kept in the work directory and named here).
# Exit status 1 when any target crashed.
# Usage: fuzz_bench.sh [TARGET...]     (default: every target with a corpus/ directory)
#   FUZZ_SECONDS caps each target's fuzzing time (default 0: none; the count is then reported as
#   reached), FUZZ_BUILD names the build directory (build/fuzz, configured and built with the
#   fuzz preset when missing).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
runs=${FUZZ_RUNS:-1000000}
max_len=${FUZZ_MAX_LEN:-4096}
seconds_cap=${FUZZ_SECONDS:-0}
build=${FUZZ_BUILD:-$repo/build/fuzz}
corpora=$repo/tests/fuzz/corpus
if (($# > 0)); then
    targets=("$@")
else
    mapfile -t targets < <(find "$corpora" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
fi
if [[ ! -d $build ]]; then
    (cd "$repo" && cmake --preset fuzz >/dev/null)
fi
cmake --build "$build" --target "${targets[@]}" >/dev/null
work=$(mktemp -d /tmp/dk-fuzz-bench-XXXXXX)
echo "fuzz_bench: $runs executions per target (inputs up to $max_len bytes, time cap ${seconds_cap}s," \
    "0 = none) after every seed whole; work directory $work (kept when a target crashed)"
printf '%-16s %6s %12s %10s %10s %8s\n' target seeds executions seconds exec/s crashes
crashed=0
for target in "${targets[@]}"; do
    bin=$build/tests/fuzz/$target
    [[ -x $bin ]] || { echo "fuzz_bench: $bin is missing" >&2; exit 3; }
    mkdir -p "$work/$target/corpus"
    log=$work/$target/log
    status=0
    seeds=$(find "$corpora/$target" -type f | wc -l)
    # Every seed whole, as they are (-runs=0 executes the corpus and stops).
    ASAN_OPTIONS=detect_leaks=1 "$bin" -runs=0 -rss_limit_mb=2048 \
        -artifact_prefix="$work/$target/" "$corpora/$target" >"$log.seeds" 2>&1 || status=$?
    start=$(date +%s.%N)
    # A copy of the corpus grows in the work directory; the seeds in the tree stay as they are.
    if ((status == 0)); then
        ASAN_OPTIONS=detect_leaks=1 "$bin" -runs="$runs" -max_len="$max_len" \
            -max_total_time="$seconds_cap" -rss_limit_mb=2048 -print_final_stats=1 \
            -artifact_prefix="$work/$target/" "$work/$target/corpus" "$corpora/$target" \
            >"$log" 2>&1 || status=$?
    fi
    end=$(date +%s.%N)
    executions=$(awk '/stat::number_of_executed_units:/ {print $2}' "$log" 2>/dev/null)
    executions=${executions:-0}
    seconds=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f", b - a}')
    rate=$(awk -v n="$executions" -v s="$seconds" 'BEGIN {printf "%d", (s > 0 ? n / s : 0)}')
    crashes=$(find "$work/$target" -maxdepth 1 -type f \
        \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
    if ((status != 0 && crashes == 0)); then crashes=1; fi
    printf '%-16s %6s %12s %10s %10s %8s\n' "$target" "$seeds" "$executions" "$seconds" "$rate" \
        "$crashes"
    if ((crashes > 0)); then
        crashed=1
        echo "  $target: see $log.seeds and $log" >&2
    fi
done
if ((crashed == 0)); then rm -rf "$work"; fi
exit "$crashed"
