#!/bin/bash
# Benchmark (not a test): months of running. SLOTS key slots (default 100) on a throwaway testbed
# (hundred_slots.sh: one loopback TLS endpoint of its own per slot, current + next TLSA of each on
# the testbed's signing primary), then in one run:
# 1. months_driver: RUNS passes (default 10,000) of the daemon's schedule over every slot with the
#    clock injected, STEP seconds of fake time after each (default 60: the passes then span less
#    than BIND's 14-day signature validity, since every observation validates the RRSIGs at the
#    injected time). Each pass does its real work (DNS observation of both servers, a
#    DANE-verified handshake with every endpoint, store, event log and its pruning, status
#    snapshot, metrics file and listener, scraped all along). RSS, descriptors and threads are
#    sampled every SAMPLE passes; the growth is the last sample against the first one after
#    warm-up (the 10th of the run).
# 2. The real daemon on the same state: its RSS after the first pass, and its wake-ups (voluntary
#    context switches of all its threads, and the syscalls strace sees) over QUIET seconds while
#    nothing is due.
# Run as root: tests/bench/months_bench.sh [NET] [RUNS] [SLOTS] [STEP] [SAMPLE] [QUIET]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
net=${1:-127.58}
runs=${2:-10000}
slots=${3:-100}
step=${4:-60}
sample=${5:-$((runs / 20 > 0 ? runs / 20 : 1))}
quiet=${6:-30}
listen=$net.250.1:9100
driver=${DK_BUILD_DIR:-$repo/build/release}/tests/bench/months_driver
[[ -x $driver && -x ${DK_BUILD_DIR:-$repo/build/release}/src/cli/danekeeper ]] || {
    cmake --preset release >/dev/null && cmake --build "$repo/build/release" --target danekeeper months_driver >/dev/null
}
work=$(mktemp -d /tmp/dk-months-XXXXXX)
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    hundred_slots_down
    rm -rf "$work"
}
trap cleanup EXIT
extra_config=$(printf '[log]\nretention_days = 1\n\n[metrics]\nlisten = "%s"\nfile = "%s"\n' "$listen" "$work/metrics.prom")
# shellcheck source=tests/bench/hundred_slots.sh
source "$repo/tests/bench/hundred_slots.sh"
ms() { date +%s%3N; }
start=$(ms)
hundred_slots_up
echo "set-up: $slots slots adopted and run once in $(($(ms) - start)) ms"

"$driver" "$work/dk.toml" "$runs" "$step" "$sample" 2>"$work/driver.err" > >(tee "$work/samples") &
driver_pid=$!
pids+=("$driver_pid")
scrapes=0
start=$(ms)
while kill -0 "$driver_pid" 2>/dev/null; do
    curl -sf "http://$listen/metrics" -o /dev/null && scrapes=$((scrapes + 1))
    sleep 0.5
done
rc=0
wait "$driver_pid" || rc=$?
pids=()
wall=$(($(ms) - start))
head -5 "$work/driver.err"
echo "passes: $runs over $slots slots in $wall ms (driver exit $rc), $(((runs * step) / 3600)) hours of injected time; $scrapes scrapes of the metrics listener"
events=$(sqlite3 "$work/state/state.db" 'select count(*) from events' 2>/dev/null || echo '?')
echo "event log rows at the end: $events"
python3 - "$work/samples" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]).read().splitlines()[1:]]
base = rows[1] if len(rows) > 2 else rows[0]  # the first sample after the first pass
last = rows[-1]
peak = max(int(r[1]) for r in rows)
print(f"growth from run {base[0]} to run {last[0]}: RSS {int(base[1])} -> {int(last[1])} kB "
      f"({int(last[1]) / int(base[1]):.3f}x, peak {peak} kB), descriptors {base[2]} -> {last[2]}, "
      f"threads {base[3]} -> {last[3]}")
PY

"$dk_bin" --config "$work/dk.toml" daemon >"$work/daemon.log" 2>&1 &
daemon_pid=$!
pids+=("$daemon_pid")
waited=0
until grep -q 'event=daemon.sleeping' "$work/daemon.log"; do
    ((waited++ < 1200)) || { echo "the daemon did not finish its first pass" >&2; exit 1; }
    sleep 0.1
done
switches() { cat /proc/"$daemon_pid"/task/*/status | awk '/^voluntary_ctxt_switches/ {n += $2} END {print n}'; }
before=$(switches)
sleep "$quiet"
after=$(switches)
echo "daemon, $slots slots, after its first pass: RSS $(awk '/VmRSS/ {print $2, $3}' /proc/$daemon_pid/status)" \
    "($(awk '/RssAnon/ {print $2}' /proc/$daemon_pid/status) kB anonymous, $(awk '/RssFile/ {print $2}' /proc/$daemon_pid/status) kB file-backed)," \
    "peak $(awk '/VmHWM/ {print $2, $3}' /proc/$daemon_pid/status), $(ls /proc/$daemon_pid/fd | wc -l) descriptors," \
    "$(awk '/Threads/ {print $2}' /proc/$daemon_pid/status) threads"
echo "daemon idle for $quiet s: $((after - before)) voluntary context switches over all threads"
# strace's own attach interrupts the sleeping calls once; what else it sees is a wake-up.
timeout 10 strace -f -c -p "$daemon_pid" -o "$work/strace" 2>/dev/null || true
echo "strace -f -c over 10 s more (its attach interrupts each sleeping call once):"
if grep -q '^% time' "$work/strace"; then sed -n '/^% time/,$p' "$work/strace"; else echo "  no system call (strace -c wrote no table)"; fi
echo "passes the daemon made: $(grep -c 'event=daemon.sleeping' "$work/daemon.log")"
grep -o 'event=daemon.sleeping.*' "$work/daemon.log"
kill -TERM "$daemon_pid"
wait "$daemon_pid" || true
pids=()
