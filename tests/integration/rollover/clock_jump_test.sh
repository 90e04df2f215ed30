#!/bin/bash
# The switch to a new key waits for the record to age in every cache, counted by the wall clock
# AND the monotonic clock. Here the real binary runs under libfaketime with its wall clock
# jumped right after the next key's record was published (FAKETIME_TIMESTAMP_FILE, rewritten
# mid-test; FAKETIME_DONT_FAKE_MONOTONIC=1 leaves CLOCK_BOOTTIME real):
#  - a day forward: no run deploys before the real wait has passed, and then one would;
#  - 40 minutes back: the wait is not shortened, and it ends when the real wait has passed (the
#    monotonic count on one boot proves it), not 40 minutes later.
# An independent DANE sender probes every endpoint throughout: zero failures.
# Usage: clock_jump_test.sh ENV_FILE DANEKEEPER_BIN SANITIZED(0|1)
set -euo pipefail
env_file=$1 dk_bin=$2 sanitized=${3:-0}
if [[ $sanitized == 1 ]]; then
    # libfaketime is an LD_PRELOAD library; the sanitizer runtime must come first and refuses it.
    echo "SKIP: libfaketime cannot be preloaded into a sanitizer build"
    exit 77
fi
libfaketime=""
for candidate in /usr/lib/*/faketime/libfaketime.so.1; do
    [[ -e $candidate ]] && libfaketime=$candidate
done
if [[ -z $libfaketime ]]; then
    echo "FAIL: libfaketime not installed (the faketime package, tests/install-deps.sh)"
    exit 1
fi
# shellcheck source=/dev/null
source "$env_file"
repo=$(cd "$(dirname "$0")/../../.." && pwd)
# shellcheck source=/dev/null
source "$repo/tests/integration/helpers.sh"
restore_testbed || true
work=$(mktemp -d /tmp/dk-clockjump-XXXXXX)
chmod 700 "$work"
mkdir -p "$work/served"
observer_pid=""
cleanup() {
    [[ -n $observer_pid ]] && kill "$observer_pid" 2>/dev/null && wait "$observer_pid" 2>/dev/null
    restore_testbed || true
    rm -rf "$work"
}
trap cleanup EXIT

# A switch wait long enough to see (2 x TTL (5 s) + 30 s) and short enough for the suite.
"$repo/examples/render-testbed-config.sh" "$env_file" "$work/state" "$work/served" |
    sed 's/^margin_seconds = .*/margin_seconds = 30/' >"$work/dk.toml"
offset_file=$work/faketime-offset
echo "+0" >"$offset_file"
dk_shifted() {  # the binary with its wall clock at the offset in $offset_file, monotonic real
    LD_PRELOAD=$libfaketime FAKETIME_TIMESTAMP_FILE=$offset_file FAKETIME_NO_CACHE=1 \
        FAKETIME_DONT_FAKE_MONOTONIC=1 "$dk_bin" --config "$work/dk.toml" "$@"
}
field() { dk status --json 2>/dev/null | python3 -c "import json,sys; s=json.load(sys.stdin)[0]; print(s$1)"; }

echo "== libfaketime moves the wall clock of the binary, not its monotonic clock"
echo "+1d" >"$offset_file"
shifted=$(LD_PRELOAD=$libfaketime FAKETIME_TIMESTAMP_FILE=$offset_file FAKETIME_NO_CACHE=1 \
    FAKETIME_DONT_FAKE_MONOTONIC=1 date +%s)
echo "+0" >"$offset_file"
expect "wall clock a day ahead" 1 "$(((shifted - $(date +%s) + 60) / 86400))"

echo "== both MX serve one key; adopt; publish current + next"
cp "$TB_MX1_KEY" "$work/served/mx-key.pem"
cat "$TB_MX1_FULLCHAIN" >"$work/served/mx-chain.pem"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$TB_MX1_CHAIN"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$TB_MX1_CHAIN"
dk adopt mx
dk run --once >>"$work/runs.log" 2>&1
wait_until_resolver_serves "_25._tcp.$TB_MX1_HOST" "_25._tcp.$TB_MX2_HOST" "_465._tcp.$TB_MX1_HOST" || true
: >"$work/observer.log"
"$(dirname "$0")/observer.sh" "$env_file" "$work/observer.log" &
observer_pid=$!

# jump_case OFFSET: with next published (t1) and its certificate issued in real time, run the
# binary with its wall clock at OFFSET until the real wait has passed.
jump_case() {
    local offset=$1 t1 switch needed key_before out
    dk rollover start mx
    dk run --once >>"$work/runs.log" 2>&1  # t1 (if not yet), certificate, then the wait
    t1=$(field "['next']['published_at']")
    switch=$(field "['switch_not_before']")
    needed=$((switch - t1))
    expect "next not deployed before the jump" False "$(field "['next_deployed']")"
    if (($(date +%s) >= t1 + needed - 20)); then
        bad "setup took too long: the wait of ${needed}s since t1 is nearly over"
        return
    fi
    echo "== wall clock $offset, ${needed}s of wait from t1 $t1"
    echo "$offset" >"$offset_file"
    key_before=$(sha256sum <"$work/served/mx-key.pem")
    local current_before
    current_before=$(field "['current']['id']")
    local runs=0 early=0
    while (($(date +%s) < t1 + needed - 3)); do
        out=$(dk_shifted run --once 2>&1) || true
        echo "$out" >>"$work/runs.log"
        runs=$((runs + 1))
        if [[ $(field "['next_deployed']") != False ]]; then early=1; fi
        if ! grep -q "monotonic time to go" <<<"$out"; then
            bad "run at offset $offset did not wait on the monotonic clock: $(tail -n 2 <<<"$out")"
            break
        fi
        sleep 2
    done
    expect "no deployment in $runs runs before the real wait passed ($offset)" 0 "$early"
    expect "served key unchanged ($offset)" "$key_before" "$(sha256sum <"$work/served/mx-key.pem")"
    expect "current key unchanged ($offset)" "$current_before" "$(field "['current']['id']")"
    while (($(date +%s) <= t1 + needed + 1)); do sleep 1; done
    out=$(dk_shifted run --once --dry-run 2>&1) || true
    if grep -q "deploy the next key" <<<"$out"; then
        ok "once the real wait passed, the next key is deployed ($offset)"
    else
        bad "the real wait passed but the plan at offset $offset is: $(tail -n 2 <<<"$out")"
    fi
    echo "+0" >"$offset_file"
    echo "== the rollover finishes in real time"
    local before after
    before=$(field "['current']['id']")
    for _ in $(seq 1 60); do
        dk run --once >>"$work/runs.log" 2>&1 || true
        after=$(field "['current']['id']")
        if [[ $after != "$before" && $(field "['previous']") == None ]]; then
            ok "rolled from $before to $after"
            return
        fi
        sleep 1
    done
    bad "the rollover did not finish"
    tail -n 20 "$work/runs.log"
}

jump_case "+1d"
# Back by less than the hour BIND dates its signatures' inception back: further, the binary
# rightly sees signatures not yet valid and waits for that instead.
jump_case "-40m"

sleep 6  # the observer keeps probing past the last TTL
kill "$observer_pid" 2>/dev/null
wait "$observer_pid" 2>/dev/null || true
observer_pid=""
probes=$(wc -l <"$work/observer.log")
sender_failures=$(grep -c '^FAIL' "$work/observer.log" || true)
expect "independent sender failures in $probes probes" 0 "$sender_failures"
grep '^FAIL' "$work/observer.log" | head -n 5 || true
[[ $probes -gt 20 ]] || bad "too few sender probes ($probes)"
exit $((${failures:-0} > 0))
