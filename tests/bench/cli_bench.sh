#!/bin/bash
# Benchmark (not a test): how fast the CLI answers on a state of SLOTS key slots (default 100;
# hundred_slots.sh: adopted, run once, endpoints and TLSA records real on a throwaway testbed)
# whose event log holds HISTORY rows (default 50,000: the rows the set-up wrote, copied back in
# time a day at a time, as months of history would leave them). In one run, for `version` (the
# floor: process start, dynamic linking, no work), `status`, `status --json`, `status --nagios`
# and `rollover check b0` (its DNS observation on both servers and its probe included): the mean
# wall time and CPU time (task-clock) over RUNS calls (perf stat), then where the time goes in
# `status` (perf record over the same calls: the share of each shared object, the kernel's and
# the dynamic loader's included). The floor: an empty program linked to the binary's shared
# libraries (its NEEDED list), the least CPU time of 60 starts.
# DK_COMPARE_BIN=OTHER_BINARY measures that one too, on the same state, and gives the ratios.
# Run as root: tests/bench/cli_bench.sh [NET] [SLOTS] [HISTORY] [RUNS]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
net=${1:-127.59}
slots=${2:-100}
history=${3:-50000}
runs=${4:-50}
[[ -x ${DK_BUILD_DIR:-$repo/build/release}/src/cli/danekeeper ]] || {
    cmake --preset release >/dev/null && cmake --build "$repo/build/release" --target danekeeper >/dev/null
}
work=$(mktemp -d /tmp/dk-cli-XXXXXX)
trap 'hundred_slots_down; rm -rf "$work"' EXIT
# shellcheck source=tests/bench/hundred_slots.sh
source "$repo/tests/bench/hundred_slots.sh"
hundred_slots_up
db=$work/state/state.db
rows=$(sqlite3 "$db" 'select count(*) from events')
for ((day = 1; $(sqlite3 "$db" 'select count(*) from events') < history; day++)); do
    sqlite3 "$db" "insert into events (at, slot, kind, details, zone, owner, serial, rrset_before, rrset_after)
        select at - $day * 86400, slot, kind, details, zone, owner, serial, rrset_before, rrset_after
        from events where id <= $rows"
done
echo "state: $slots slots, $(sqlite3 "$db" 'select count(*) from events') events ($rows from the set-up), $(du -k "$db" | cut -f1) kB database"

measure() {  # BINARY LABEL ARGS...: mean CPU (task-clock) and wall time over $runs calls, in ms
    local bin=$1 label=$2
    shift 2
    perf stat -r "$runs" -x, -e task-clock -o "$work/perf.csv" "$bin" --config "$work/dk.toml" "$@" >/dev/null 2>&1 || true
    local cpu start end
    cpu=$(awk -F, '$3 == "task-clock" {print $1}' "$work/perf.csv")
    start=$(date +%s%N)
    for ((i = 0; i < runs; i++)); do "$bin" --config "$work/dk.toml" "$@" >/dev/null 2>&1 || true; done
    end=$(date +%s%N)
    echo "$label $cpu $(((end - start) / runs / 1000))"
}
verbs=("version" "status" "status --json" "status --nagios" "rollover check b0")
for verb in "${verbs[@]}"; do
    # shellcheck disable=SC2086
    measure "$dk_bin" "$verb" $verb >>"$work/this"
    # shellcheck disable=SC2086
    [[ -z ${DK_COMPARE_BIN:-} ]] || measure "$DK_COMPARE_BIN" "$verb" $verb >>"$work/other"
done
python3 - "$work/this" "$work/other" "${DK_COMPARE_BIN:-}" <<'PY'
import os, sys
def rows(path):
    out = {}
    if os.path.exists(path):
        for line in open(path):
            *label, cpu, wall_us = line.split()
            out[" ".join(label)] = (float(cpu), int(wall_us) / 1000)
    return out
this, other = rows(sys.argv[1]), rows(sys.argv[2])
print(f"{'':<20} {'cpu ms':>8} {'wall ms':>8}" + (f"   {sys.argv[3]}: cpu ms, wall ms, cpu ratio" if other else ""))
for label, (cpu, wall) in this.items():
    line = f"{label:<20} {cpu:8.2f} {wall:8.2f}"
    if label in other:
        o = other[label]
        line += f"   {o[0]:8.2f} {o[1]:8.2f}  {cpu / o[0]:.2f}x"
    print(line)
PY
echo "load average while measured: $(cut -d' ' -f1-3 /proc/loadavg)"

floor() {  # BINARY: the least task-clock (ms) of 60 starts of an empty program with its libraries
    local libs
    libs=$(readelf -d "$1" | sed -n 's/.*Shared library: \[\(.*\)\]/-l:\1/p' | grep -vx -e '-l:libc.so.6')
    echo 'int main() { return 0; }' >"$work/floor.cc"
    # shellcheck disable=SC2086
    g++ -O2 "$work/floor.cc" -o "$work/floor" -Wl,--no-as-needed $libs
    for ((i = 0; i < 60; i++)); do
        perf stat -x, -e task-clock "$work/floor" 2>&1 | awk -F, '$3 == "task-clock" {print $1}'
    done | sort -n | head -1
}
echo "floor, an empty program linked to the same libraries: $(floor "$dk_bin") ms" \
    "($(readelf -d "$dk_bin" | grep -c NEEDED) NEEDED, $(($(ldd "$dk_bin" | wc -l) - 2)) libraries loaded)"
[[ -z ${DK_COMPARE_BIN:-} ]] || echo "floor of $DK_COMPARE_BIN: $(floor "$DK_COMPARE_BIN") ms" \
    "($(readelf -d "$DK_COMPARE_BIN" | grep -c NEEDED) NEEDED, $(($(ldd "$DK_COMPARE_BIN" | wc -l) - 2)) libraries loaded)"

perf record -q -o "$work/perf.data" -F 4999 -g -- bash -c \
    "for i in \$(seq $runs); do '$dk_bin' --config '$work/dk.toml' status >/dev/null; done" 2>/dev/null
echo "status, where the CPU time goes (share of its samples per object):"
# perf report's --comm filter drops the kernel's and ld.so's samples: sort by comm instead.
perf report -i "$work/perf.data" --no-children --sort comm,dso -g none --stdio 2>/dev/null |
    awk '$2 == "danekeeper" {share[$3] = $1 + 0; total += $1} END {
        for (dso in share) printf "  %5.1f%%  %s\n", 100 * share[dso] / total, dso }' | sort -rn | head -10
