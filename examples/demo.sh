#!/bin/bash
# danekeeper's main job in a throwaway loopback sandbox: a complete, safe key rollover.
#   - installs what is missing (Debian 12, as root), builds in release mode
#   - brings up the testbed: BIND signing primary, Knot secondary, Unbound validating resolver,
#     two Postfix MX (mx1: 25 and 465, mx2: 25), Pebble
#   - adopts the key the MX serve, publishes current + next TLSA, waits out the TTLs, issues a
#     certificate for the next key, deploys it, proves every endpoint presents it and validates,
#     and only then retires the old record, while an independent DANE sender probes throughout
#   - tears everything down, whatever happens
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Installing what is missing"
tests/install-deps.sh

say "Building (release; a few minutes on 2 cores)"
cmake --preset release >/dev/null
# Ninja's "[n/N]" lines become a progress line every tenth; compiler errors are shown whole.
cmake --build build/release -j "$(nproc)" 2>&1 | awk '
    /^\[[0-9]+\/[0-9]+\]/ {
        split(substr($1, 2, length($1) - 2), part, "/")
        percent = int(100 * part[1] / part[2])
        if (percent >= shown + 10 || part[1] == part[2]) {
            shown = percent - percent % 10
            printf "  building: %3d%% (%d of %d steps)\n", percent, part[1], part[2]
            fflush()
        }
        next
    }
    /error|FAILED|Error/ { print; fflush() }'
dk_bin=$repo/build/release/src/cli/danekeeper
"$dk_bin" --version

work=$(mktemp -d /tmp/danekeeper-demo-XXXXXX)
chmod 755 "$work"  # Postfix's daemons (user postfix) must reach the testbed below it
tb=$work/testbed
observer_pid=""
teardown() {
    local rc=$?
    [[ -n $observer_pid ]] && kill "$observer_pid" 2>/dev/null && wait "$observer_pid" 2>/dev/null
    say "Tearing the sandbox down"
    tests/testbed/testbed.sh down "$tb" || rc=1
    rm -rf "$work"
    exit $rc
}
trap teardown EXIT

say "Starting the loopback sandbox"
tests/testbed/testbed.sh up "$tb" --net 127.54
# shellcheck source=/dev/null
source "$tb/testbed.env"

mkdir -p "$work/served"
examples/render-testbed-config.sh "$tb/testbed.env" "$work/state" "$work/served" >"$work/danekeeper.toml"
dk() { "$dk_bin" --config "$work/danekeeper.toml" "$@" 2> >(grep -E 'event=(dns.updated|dns.propagated|deploy.done|certificate.issued|key.generated|engine.alert)' >&2); }

say "The configuration"
cat "$work/danekeeper.toml"
dk config check

say "Today: mx1 and mx2 serve one key (the slot 'mx'), no TLSA records yet"
cp "$TB_MX1_KEY" "$work/served/mx-key.pem"
cp "$TB_MX1_FULLCHAIN" "$work/served/mx-chain.pem"
tests/testbed/testbed.sh mx-use "$tb" mx2 "$TB_MX1_CHAIN"

say "danekeeper adopt mx: take over the served key as the current key"
dk adopt mx

say "danekeeper run: publish current + next TLSA (one guarded UPDATE), prove them everywhere"
dk run --once
dig @"$TB_SECONDARY_ADDR" _25._tcp.mx1.example.test TLSA +norec +short +nosplit | sed 's/^/  secondary serves: /'

say "An independent DANE sender starts probing every endpoint (dig via the validating resolver + openssl)"
: >"$work/observer.log"
tests/integration/rollover/observer.sh "$tb/testbed.env" "$work/observer.log" &
observer_pid=$!
sleep 2

say "danekeeper rollover check mx: is switching now safe?"
dk rollover check mx || true

say "danekeeper rollover start mx, then the engine does each step when it is safe"
dk rollover start mx
before=$(dk status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["current"]["id"])')
for _ in $(seq 1 60); do
    dk run --once || true
    state=$(dk status --json)
    now=$(python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["current"]["id"])' <<<"$state")
    done_previous=$(python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["previous"] is None)' <<<"$state")
    [[ $now != "$before" && $done_previous == True ]] && break
    sleep 1
done

say "Where we are now"
dk status
dig @"$TB_SECONDARY_ADDR" _25._tcp.mx1.example.test TLSA +norec +short +nosplit | sed 's/^/  secondary serves: /'

sleep 6  # the sender keeps probing past the last TTL
kill "$observer_pid" 2>/dev/null
wait "$observer_pid" 2>/dev/null || true
observer_pid=""
probes=$(wc -l <"$work/observer.log")
failures=$(grep -c '^FAIL' "$work/observer.log" || true)
say "The independent sender: $probes DANE-validated probes, $failures failures"
if [[ $now == "$before" || $failures -ne 0 ]]; then
    echo "demo: the rollover did not complete cleanly" >&2
    exit 1
fi
echo "Rolled from $before to $now without a single failed DANE validation."
