#!/bin/bash
# danekeeper's main job in a throwaway loopback sandbox: safe key rollovers of an ECDSA and an RSA
# key served side by side, with one MX on "another machine" reached over SSH.
#   - installs what is missing (Debian 12, as root), builds in release mode
#   - brings up the testbed: BIND signing primary, Knot secondary, Unbound validating resolver,
#     two Postfix MX (mx1: 25 and 465, mx2: 25), an sshd standing for mx2's machine, Pebble
#   - two slots over the same endpoints, mx-ecdsa and mx-rsa: both MX serve both chains (each
#     client gets the one its signature algorithms pick); mx1 from local files, mx2 from the files
#     danekeeper writes over SSH on the remote host (examples/testbed-dual-ssh.toml)
#   - adopts the keys the MX serve, publishes current + next TLSA of each slot, then rolls the RSA
#     slot, the ECDSA slot, and both at once: each time it waits out the TTLs, issues a certificate
#     for the next key, deploys it (mx1 locally, mx2 over SSH), proves every endpoint presents it
#     and validates, and only then retires the old record; two independent DANE senders probe
#     throughout, one offering only RSA and one only ECDSA
#   - passes only with zero failed probes; tears everything down, whatever happens
# DEMO_NET=127.NN picks the sandbox's loopback addresses (default 127.54).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
net=${DEMO_NET:-127.54}

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

# Outside the checkout (which may sit in a 0700 /root): Postfix's and the remote host's users must
# reach the testbed below it.
work=$(mktemp -d /tmp/danekeeper-demo-XXXXXX)
chmod 755 "$work"
tb=$work/testbed
senders=()
teardown() {
    local rc=$? pid
    for pid in "${senders[@]}"; do
        { kill "$pid" && wait "$pid"; } 2>/dev/null || true
    done
    say "Tearing the sandbox down"
    if [[ -d $tb ]]; then
        tests/testbed/testbed.sh down "$tb" || rc=1
    fi
    rm -rf "$work"
    exit $rc
}
trap teardown EXIT
trap 'exit 130' INT TERM

started=$SECONDS
say "Starting the loopback sandbox on $net.x"
tests/testbed/testbed.sh up "$tb" --net "$net"
# shellcheck source=/dev/null
source "$tb/testbed.env"

mkdir -p "$work/served"
chmod 700 "$work/served"
examples/render-testbed-config.sh "$tb/testbed.env" "$work/state" "$work/served" \
    examples/testbed-dual-ssh.toml >"$work/danekeeper.toml"
events='event=(dns.updated|dns.propagated|deploy.done|deploy.host_done|deploy.host_failed|certificate.stored|key.generated|engine.alert)'
dk() { "$dk_bin" --config "$work/danekeeper.toml" "$@" 2> >(grep -E "$events" >&2); }
# One engine run over both slots: each step it takes (or waits for), without the idle slot's
# "nothing due" lines.
engine_run() { dk run --once | { grep -v 'wait: all endpoints match; nothing due' || true; }; }

say "The configuration (examples/testbed-dual-ssh.toml filled in)"
cat "$work/danekeeper.toml"
dk config check

say "Today: mx1 and mx2 each serve an ECDSA and an RSA key; no TLSA records yet"
install -m 600 "$TB_MX1_KEY" "$work/served/ecdsa-key.pem"
install -m 600 "$TB_MX1_FULLCHAIN" "$work/served/ecdsa-chain.pem"
install -m 600 "$TB_MX1_RSA_KEY" "$work/served/rsa-key.pem"
install -m 600 "$TB_MX1_RSA_FULLCHAIN" "$work/served/rsa-chain.pem"
for family in ecdsa rsa; do
    cat "$work/served/$family-key.pem" "$work/served/$family-chain.pem" >"$work/served/$family.pem"
    chmod 600 "$work/served/$family.pem"
done
echo "  mx1 (this machine): smtpd_tls_chain_files = ecdsa.pem, rsa.pem (in $work/served)"
tests/testbed/testbed.sh mx-use-pair "$tb" mx1 "$work/served/ecdsa.pem" "$work/served/rsa.pem"
# mx2's files on the remote host, one key + chain pair per slot, as danekeeper will write them.
remote_files=()
for slot in mx-ecdsa:ecdsa mx-rsa:rsa; do
    install -o "$TB_REMOTE_USER" -g "$TB_REMOTE_USER" -m 0640 \
        "$work/served/${slot#*:}-key.pem" "$TB_REMOTE_TLS_DIR/${slot%%:*}.key.pem"
    install -o "$TB_REMOTE_USER" -g "$TB_REMOTE_USER" -m 0644 \
        "$work/served/${slot#*:}-chain.pem" "$TB_REMOTE_TLS_DIR/${slot%%:*}.chain.pem"
    remote_files+=("$TB_REMOTE_TLS_DIR/${slot%%:*}.key.pem" "$TB_REMOTE_TLS_DIR/${slot%%:*}.chain.pem")
done
chain_files=$(printf '%s, ' "${remote_files[@]}")
chain_files=${chain_files%, }
echo "  mx2 (\"another machine\", $TB_REMOTE_SSH_TARGET port $TB_REMOTE_SSH_PORT): smtpd_tls_chain_files ="
printf '      %s\n' "${remote_files[@]}"
postconf -c "$TB_DIR/mx2/etc" -e "smtpd_tls_chain_files = $chain_files"
postfix -c "$TB_DIR/mx2/etc" reload 2>/dev/null

# field SLOT PYTHON-SUBSCRIPT: a field of the slot's `status --json`.
field() {
    "$dk_bin" --config "$work/danekeeper.toml" status --json 2>/dev/null | python3 -c "
import json, sys
s = [x for x in json.load(sys.stdin) if x['slot'] == '$1'][0]
print(s$2)"
}
steady() {  # steady SLOT: no previous key, the next key published everywhere
    [[ $(field "$1" ".get('previous') is None and bool((s.get('next') or {}).get('published_at'))") == True ]]
}
tlsa_at_secondary() {
    dig @"$TB_SECONDARY_ADDR" _25._tcp.mx1.example.test TLSA +norec +short +nosplit | sed 's/^/  secondary serves: /'
}

say "danekeeper adopt: each slot takes over the key the MX serve as its current key, and makes its next key"
dk adopt mx-ecdsa
dk adopt mx-rsa

say "danekeeper run: publish current + next TLSA of each slot (guarded UPDATEs), prove them everywhere"
for _ in $(seq 1 20); do
    engine_run || true
    steady mx-ecdsa && steady mx-rsa && break
    sleep 1
done
if ! steady mx-ecdsa || ! steady mx-rsa; then
    echo "demo: the slots did not publish their records" >&2
    exit 1
fi
echo "  four records at each owner: current + next of the ECDSA slot, current + next of the RSA slot"
tlsa_at_secondary

say "Two independent DANE senders start probing every endpoint: one offers only RSA, one only ECDSA"
echo "  (dig through the validating resolver + openssl s_client -sigalgs ... -dane_tlsa_rrdata)"
for family in rsa ecdsa; do
    : >"$work/sender-$family.log"
    tests/integration/rollover/observer.sh "$tb/testbed.env" "$work/sender-$family.log" --family "$family" &
    senders+=($!)
done
sleep 2

say "danekeeper rollover check: is switching now safe?"
for slot in mx-rsa mx-ecdsa; do
    printf '  %-9s %s\n' "$slot:" "$(dk rollover check "$slot" || true)"
done

rolled=0
# roll SLOT...: start a rollover of each SLOT, run the engine until each has a new current key and
# is steady again; the other slot must keep its key.
roll() {
    local slot others=() done_all t0=$SECONDS
    declare -A before
    for slot in mx-ecdsa mx-rsa; do
        [[ " $* " == *" $slot "* ]] || others+=("$slot")
        before[$slot]=$(field "$slot" "['current']['id']")
    done
    dk rollover start "$@"
    for _ in $(seq 1 90); do
        engine_run || true
        done_all=1
        for slot in "$@"; do
            [[ $(field "$slot" "['current']['id']") != "${before[$slot]}" ]] && steady "$slot" || done_all=0
        done
        [[ $done_all == 1 ]] && break
        sleep 1
    done
    for slot in "$@"; do
        now=$(field "$slot" "['current']['id']")
        if [[ $now == "${before[$slot]}" ]] || ! steady "$slot"; then
            echo "demo: $slot did not roll over" >&2
            return 1
        fi
        echo "  $slot: rolled from ${before[$slot]} to $now in $((SECONDS - t0)) s"
        rolled=$((rolled + 1))
    done
    for slot in "${others[@]}"; do
        now=$(field "$slot" "['current']['id']")
        [[ $now == "${before[$slot]}" ]] || { echo "demo: $slot changed its key too" >&2; return 1; }
        echo "  $slot: kept its key ${before[$slot]}"
    done
}

say "Rollover 1 of 3: the RSA slot (danekeeper rollover start mx-rsa, then the engine does each step when it is safe)"
roll mx-rsa
say "Rollover 2 of 3: the ECDSA slot"
roll mx-ecdsa
say "Rollover 3 of 3: both slots at once (danekeeper rollover start mx-rsa mx-ecdsa)"
roll mx-rsa mx-ecdsa

say "Where we are now"
dk status
tlsa_at_secondary
echo "  mx2's files on the remote host:"
stat -c '    %A %U:%G %n' "$TB_REMOTE_TLS_DIR"/*

sleep 6  # the senders keep probing past the last TTL
for pid in "${senders[@]}"; do
    { kill "$pid" && wait "$pid"; } 2>/dev/null || true
done
senders=()
say "The independent senders"
total_failures=0
for family in rsa ecdsa; do
    probes=$(wc -l <"$work/sender-$family.log")
    failures=$(grep -c '^FAIL' "$work/sender-$family.log" || true)
    printf '  sender offering only %-6s %4d probes, %d failures\n' "$family:" "$probes" "$failures"
    { grep '^FAIL' "$work/sender-$family.log" || true; } | head -n 5 | sed 's/^/    /'
    [[ $probes -gt 0 ]] || failures=$((failures + 1))
    total_failures=$((total_failures + failures))
done
if [[ $total_failures -ne 0 || $rolled -ne 4 ]]; then
    echo "demo: the rollovers did not complete cleanly" >&2
    exit 1
fi
echo "4 key rollovers (RSA, ECDSA, both at once), mx2 deployed over SSH, $((SECONDS - started)) s from an empty sandbox:"
echo "not a single failed DANE validation, for either key family."
