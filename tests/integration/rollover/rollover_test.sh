#!/bin/bash
# A full planned rollover of mx1 + mx2 (ports 25 and 465) on the real testbed, while an
# independent DANE sender (observer.sh: dig through the validating resolver + openssl) probes
# every endpoint the whole time. Then the same again with danekeeper SIGKILLed at random points
# of every run and restarted. Passes only with zero observer failures and both rollovers done.
# The zone is the signing primary's (PRIMARY: bind, the default, knot or pdns; helpers.sh
# env_for_primary): the same test against each primary the testbed runs.
# Usage: rollover_test.sh ENV_FILE DANEKEEPER_BIN [PRIMARY]
set -euo pipefail
dk_bin=$2 primary=${3:-bind}
repo=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d /tmp/dk-rollover-XXXXXX)
chmod 700 "$work"
mkdir -p "$work/served"
# shellcheck source=../helpers.sh
source "$repo/tests/integration/helpers.sh"
env_for_primary "$1" "$primary" "$work/testbed.env" || { rm -rf "$work"; exit 2; }
env_file=$work/testbed.env
# shellcheck source=/dev/null
source "$env_file"
echo "== primary: $primary ($TB_ZONE at $TB_PRIMARY)"
observer_pid=""
cleanup() {
    [[ -n $observer_pid ]] && kill "$observer_pid" 2>/dev/null && wait "$observer_pid" 2>/dev/null
    [[ -n ${daemon_pid:-} ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
    restore_testbed || true
    rm -rf "$work"
}
restore_testbed || true
trap cleanup EXIT

render_config "$env_file" "$work/state" "$work/served" >"$work/dk.toml"

echo "== both MX serve one key (mx1's), as a slot's endpoints do"
cp "$TB_MX1_KEY" "$work/served/mx-key.pem"
cat "$TB_MX1_FULLCHAIN" >"$work/served/mx-chain.pem"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$TB_MX1_CHAIN"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$TB_MX1_CHAIN"

echo "== adopt and publish current + next"
dk adopt mx
dk run --once
first_key=$(status_field "['current']['id']")

rollover() {  # rollover KILL(0|1): request a rollover and drive it to the end
    local kill_runs=$1 before after step
    before=$(status_field "['current']['id']")
    dk rollover start mx
    for step in $(seq 1 120); do
        if [[ $kill_runs == 1 && $step -le 40 ]]; then
            dk run --once >>"$work/runs.log" 2>&1 &
            local pid=$!
            sleep "0.$((RANDOM % 10))$((RANDOM % 10))"
            kill -KILL "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        else
            dk run --once >>"$work/runs.log" 2>&1 || true
        fi
        after=$(status_field "['current']['id']")
        if [[ $after != "$before" && $(status_field "['previous']") == None && $(status_field "['next']['published_at']") != None ]]; then
            echo "rolled from $before to $after after $step runs"
            return 0
        fi
        sleep 0.5
    done
    echo "FAIL: rollover did not finish"
    tail -n 30 "$work/runs.log"
    return 1
}

echo "== independent observer starts"
wait_until_resolver_serves "_25._tcp.$TB_MX1_HOST" "_25._tcp.$TB_MX2_HOST" "_465._tcp.$TB_MX1_HOST" || true
: >"$work/observer.log"
"$(dirname "$0")/observer.sh" "$env_file" "$work/observer.log" &
observer_pid=$!
sleep 2

echo "== planned rollover"
rollover 0
echo "== planned rollover with danekeeper SIGKILLed at random points"
rollover 1

echo "== the daemon: rollover start wakes it (SIGHUP), SIGTERM stops it"
"$dk_bin" --config "$work/dk.toml" daemon >"$work/daemon.log" 2>&1 &
daemon_pid=$!
sleep 3
before=$(status_field "['current']['id']")
dk rollover start mx
wait_until_rolled "$before" 60 || true
echo "daemon rolled from $before to $after; peak RSS $(awk '/VmHWM/ {print $2, $3}' "/proc/$daemon_pid/status")"
kill -TERM "$daemon_pid"
daemon_rc=0
wait "$daemon_pid" || daemon_rc=$?
daemon_pid=""
if [[ $after == "$before" || $daemon_rc -ne 0 ]]; then
    echo "FAIL: the daemon did not roll over or did not stop cleanly (exit $daemon_rc)"
    tail -n 20 "$work/daemon.log"
    exit 1
fi
sleep 6  # the observer keeps probing past the last TTL

kill "$observer_pid" 2>/dev/null
wait "$observer_pid" 2>/dev/null || true
observer_pid=""
probes=$(wc -l <"$work/observer.log")
failures=$(grep -c '^FAIL' "$work/observer.log" || true)
last_key=$(status_field "['current']['id']")
echo "observer: $probes probes, $failures failures; key $first_key -> $last_key"
if [[ $failures -ne 0 ]]; then
    grep '^FAIL' "$work/observer.log" | head -n 10
    exit 1
fi
[[ $probes -gt 30 && $first_key != "$last_key" ]]
