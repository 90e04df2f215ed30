#!/bin/bash
# A full planned TLSA rollover of mx1 + mx2 in signed.test, where danekeeper signs the zone file
# itself (publisher = "signed-file") and the second Knot serves it, while the independent DANE
# sender (tests/integration/rollover/observer.sh, pointed at signed.test) probes every endpoint.
# Then the same with danekeeper SIGKILLed at random points of its runs. Passes only with zero
# observer failures, both rollovers done, and the signed file verified by ldns-verify-zone.
# Usage: rollover_test.sh ENV_FILE DANEKEEPER_BIN
set -euo pipefail
env_file=$1 dk_bin=$2
# shellcheck source=/dev/null
source "$env_file"
repo=$(cd "$(dirname "$0")/../../.." && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/dk-signed-rollover-XXXXXX)
chmod 700 "$work"
mkdir -p "$work/served"
observer_pid=""
cp "$TB_SIGNED_FILE" "$work/signed-before"
cleanup() {
    [[ -n $observer_pid ]] && kill "$observer_pid" 2>/dev/null && wait "$observer_pid" 2>/dev/null
    # Put the testbed back as other tests expect it: the MX keys and the first signed file.
    "$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$TB_MX1_CHAIN" || true
    "$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$TB_MX2_CHAIN" || true
    cp "$work/signed-before" "$TB_SIGNED_FILE" && knotc -c "$TB_SIGNED_KNOT_CONF" -b zone-reload "$TB_SIGNED_ZONE" >/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

args=(-e "s|@STATE_DIR@|$work/state|g" -e "s|@SERVED_DIR@|$work/served|g" -e "s|@REPO@|$repo|g")
while IFS='=' read -r key value; do
    [[ $key == TB_* ]] && args+=(-e "s|@${key}@|${value}|g")
done <"$env_file"
sed "${args[@]}" "$here/signed.toml.in" >"$work/dk.toml"
# The observer takes its hosts from an env file: the same testbed, the signed.test names.
sed -e "s|^TB_MX1_HOST=.*|TB_MX1_HOST=$TB_SIGNED_MX1_HOST|" \
    -e "s|^TB_MX2_HOST=.*|TB_MX2_HOST=$TB_SIGNED_MX2_HOST|" "$env_file" >"$work/observer.env"
# shellcheck source=../helpers.sh
source "$repo/tests/integration/helpers.sh"
dk config check

echo "== both MX serve one key (mx1's), as a slot's endpoints do"
cp "$TB_MX1_KEY" "$work/served/mx-key.pem"
cat "$TB_MX1_FULLCHAIN" >"$work/served/mx-chain.pem"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$TB_MX1_CHAIN"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$TB_MX1_CHAIN"

echo "== adopt and publish current + next (signing the zone file)"
dk adopt mx
dk run --once
first_key=$(status_field "['current']['id']")
ldns-verify-zone "$TB_SIGNED_FILE"

rollover() {  # rollover KILL(0|1): request a rollover and drive it to the end
    local kill_runs=$1 before after step
    before=$(status_field "['current']['id']")
    dk rollover start mx
    for step in $(seq 1 120); do
        if [[ $kill_runs == 1 && $step -le 30 ]]; then
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
: >"$work/observer.log"
"$repo/tests/integration/rollover/observer.sh" "$work/observer.env" "$work/observer.log" &
observer_pid=$!
sleep 2

echo "== planned rollover"
rollover 0
echo "== planned rollover with danekeeper SIGKILLed at random points"
rollover 1
sleep 6  # the observer keeps probing past the last TTL

kill "$observer_pid" 2>/dev/null
wait "$observer_pid" 2>/dev/null || true
observer_pid=""
probes=$(wc -l <"$work/observer.log")
failures=$(grep -c '^FAIL' "$work/observer.log" || true)
last_key=$(status_field "['current']['id']")
echo "observer: $probes probes, $failures failures; key $first_key -> $last_key"
ldns-verify-zone "$TB_SIGNED_FILE"
grep -q "NSEC3PARAM" "$TB_SIGNED_FILE"
if [[ $failures -ne 0 ]]; then
    grep '^FAIL' "$work/observer.log" | head -n 10
    exit 1
fi
[[ $probes -gt 30 && $first_key != "$last_key" ]]
