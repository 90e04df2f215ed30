#!/bin/bash
# Benchmark (not a test): how fast the CLI answers on a state of SLOTS key slots (default 100;
# hundred_slots.sh: adopted, run once, endpoints and TLSA records real on a throwaway testbed)
# whose event log holds HISTORY rows (default 50,000: the rows the set-up wrote, copied back in
# time a day at a time, as months of history would leave them). In one run, for `version` (the
# floor: process start, dynamic linking, no work), `status`, `status --json`, `status --nagios`
# and `rollover check b0` (its DNS observation on both servers and its probe included): the mean
# wall time and CPU time (task-clock) over RUNS calls (perf stat), then where the time goes in
# `status` (perf record over the same calls: the share of each shared object).
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

measure() {  # LABEL ARGS...: mean wall and task-clock over $runs calls
    local label=$1
    shift
    perf stat -r "$runs" -x, -e task-clock -o "$work/perf.csv" "$dk_bin" --config "$work/dk.toml" "$@" >/dev/null 2>&1 || true
    printf '%-22s cpu %7.2f ms' "$label" "$(awk -F, '$3 == "task-clock" {print $1}' "$work/perf.csv")"
    local start end
    start=$(date +%s%N)
    for ((i = 0; i < runs; i++)); do "$dk_bin" --config "$work/dk.toml" "$@" >/dev/null 2>&1 || true; done
    end=$(date +%s%N)
    echo "   wall $(python3 -c "print(f'{($end - $start) / 1e6 / $runs:7.2f}')") ms"
}
measure "version" version
measure "status" status
measure "status --json" status --json
measure "status --nagios" status --nagios
measure "rollover check b0" rollover check b0
echo "load average while measured: $(cut -d' ' -f1-3 /proc/loadavg)"
perf record -q -o "$work/perf.data" -F 4999 -g -- bash -c \
    "for i in \$(seq $runs); do '$dk_bin' --config '$work/dk.toml' status >/dev/null; done" 2>/dev/null
echo "status, where the CPU time goes (share of samples per object):"
perf report -i "$work/perf.data" --comm danekeeper --sort dso --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -8
