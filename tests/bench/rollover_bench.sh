#!/bin/bash
# Benchmark (not a test): a planned rollover on a throwaway testbed, driven by the daemon, from
# the request to retirement, against its safety floor (measured propagation + 2 x TTLmax + margin),
# then the idle daemon's peak RSS and wake-ups. Run as root: tests/bench/rollover_bench.sh [NET]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
net=${1:-127.57}
dk_bin=$repo/build/release/src/cli/danekeeper
[[ -x $dk_bin ]] || { cmake --preset release >/dev/null && cmake --build "$repo/build/release" >/dev/null; }
work=$(mktemp -d /tmp/dk-bench-XXXXXX)
chmod 755 "$work"
daemon_pid=""
trap '[[ -n $daemon_pid ]] && kill "$daemon_pid" 2>/dev/null; "$repo/tests/testbed/testbed.sh" down "$work/tb" >/dev/null; rm -rf "$work"' EXIT
"$repo/tests/testbed/testbed.sh" up "$work/tb" --net "$net" 2>/dev/null
# shellcheck source=/dev/null
source "$work/tb/testbed.env"
mkdir -p "$work/served"
"$repo/examples/render-testbed-config.sh" "$work/tb/testbed.env" "$work/state" "$work/served" |
    sed 's/^renew_before_days = 30/renew_before_days = 1/' >"$work/dk.toml"
cp "$TB_MX1_KEY" "$work/served/mx-key.pem"
cp "$TB_MX1_FULLCHAIN" "$work/served/mx-chain.pem"
# As in production, the MTA already reads the file danekeeper writes: point both MX at it.
cat "$TB_MX1_KEY" "$TB_MX1_FULLCHAIN" >"$work/served/mx-combined.pem"
"$repo/tests/testbed/testbed.sh" mx-use "$work/tb" mx1 "$work/served/mx-combined.pem"
"$repo/tests/testbed/testbed.sh" mx-use "$work/tb" mx2 "$work/served/mx-combined.pem"
dk() { "$dk_bin" --config "$work/dk.toml" "$@"; }
dk adopt mx >/dev/null
field() { dk status --json | python3 -c "import json,sys; s=json.load(sys.stdin)[0]; print(s$1)"; }
first=$(field "['current']['id']")
ms() { date +%s%3N; }

start=$(ms)
dk rollover start mx >/dev/null
"$dk_bin" --config "$work/dk.toml" daemon >"$work/daemon.log" 2>&1 &
daemon_pid=$!
until [[ $(field "['current']['id']") != "$first" && $(field "['previous']") == None ]]; do sleep 0.05; done
wall=$(($(ms) - start))
propagation=$(grep -m1 -o 'event=dns.propagated owners=[0-9]* ms=[0-9]*' "$work/daemon.log" | sed 's/.*ms=//')
ttl_max=5 margin=2
floor=$((propagation + 2 * ttl_max * 1000 + margin * 1000))
echo "planned rollover: wall ${wall} ms from request to retirement"
echo "safety floor: propagation ${propagation} ms + 2 x TTLmax ${ttl_max} s + margin ${margin} s = ${floor} ms"
python3 -c "print(f'ratio wall/floor: {$wall / $floor:.3f}')"
grep "^\[" "$work/daemon.log" | cut -c1-110

sleep 5  # let it settle into steady state
before=$(awk '/voluntary_ctxt_switches/ && !/non/ {print $2}' "/proc/$daemon_pid/status")
sleep 30
after=$(awk '/voluntary_ctxt_switches/ && !/non/ {print $2}' "/proc/$daemon_pid/status")
echo "idle daemon: peak RSS $(awk '/VmHWM/ {print $2, $3}' "/proc/$daemon_pid/status"), $((after - before)) voluntary wake-ups in 30 s"
kill -TERM "$daemon_pid"
wait "$daemon_pid" || true
daemon_pid=""
