#!/bin/bash
# Two slots, rsa-2048 and ecdsa-p256, on the same endpoints (mx1:25, mx2:25, mx1:465): both MX
# serve both chains (Postfix `smtpd_tls_chain_files = ec.pem, rsa.pem`). Both slots publish;
# the daemon rolls the RSA slot, then the ECDSA slot, then both at once, while two independent
# senders probe every endpoint throughout, one offering only RSA and one only ECDSA (openssl
# s_client -sigalgs, TLSA from the validating resolver): zero failures, and a rollover of one slot
# leaves the other's key alone. Then `audit` and `check` judge every chain: an RSA chain that its
# records do not match fails both, while the ECDSA chain still matches.
# Usage: dual_algorithm_test.sh ENV_FILE DANEKEEPER_BIN
set -uo pipefail
env_file=$1 dk_bin=$2
# shellcheck source=/dev/null
source "$env_file"
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
# shellcheck source=/dev/null
source "$repo/tests/integration/helpers.sh"
testbed=$repo/tests/testbed/testbed.sh
work=$(mktemp -d /tmp/dk-dual-XXXXXX)
chmod 700 "$work"
mkdir -p "$work/served"
senders=()
daemon_pid=""
cleanup() {
    local pid
    for pid in "${senders[@]}" $daemon_pid; do
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
    restore_testbed "$repo"
    rm -rf "$work"
}
trap cleanup EXIT

# The testbed's configuration with its one slot replaced by an ECDSA and an RSA slot.
"$repo/examples/render-testbed-config.sh" "$env_file" "$work/state" "$work/served" |
    sed '/^\[\[key\]\]/,$d' >"$work/dk.toml"
reloads="[[\"$testbed\", \"mx-use-pair\", \"$TB_DIR\", \"mx1\", \"$work/served/ec-combined.pem\", \"$work/served/rsa-combined.pem\"],
          [\"$testbed\", \"mx-use-pair\", \"$TB_DIR\", \"mx2\", \"$work/served/ec-combined.pem\", \"$work/served/rsa-combined.pem\"]]"
for slot in ec:ecdsa-p256 rsa:rsa-2048; do
    name=${slot%%:*} algorithm=${slot#*:}
    cat >>"$work/dk.toml" <<TOML

[[key]]
name = "mx-$name"
algorithm = "$algorithm"
endpoints = ["mx1.example.test:25", "mx2.example.test:25", "mx1.example.test:465"]
addresses = { "mx1.example.test" = ["$TB_MX1_ADDR"], "mx2.example.test" = ["$TB_MX2_ADDR"] }
cert_file = "$work/served/$name-chain.pem"
key_file = "$work/served/$name-key.pem"
combined_file = "$work/served/$name-combined.pem"
reload = $reloads
certificates = "command"
issue_command = ["$repo/tests/tools/sign-csr.sh", "$TB_CA_CERT", "$TB_CA_KEY", "{csr}", "{chain}"]
issuer_ca_file = "$TB_CA_CERT"
rollover_every_days = 365
margin_seconds = 2
TOML
done
ca_spki=$(openssl x509 -in "$TB_CA_CERT" -pubkey -noout | openssl pkey -pubin -outform DER |
    openssl dgst -sha256 -r | cut -d' ' -f1)
printf '\n[audit]\ncertified_ca_spki_sha256 = ["%s"]\n' "$ca_spki" >>"$work/dk.toml"

echo "== both MX serve mx1's ECDSA and RSA chains"
install -m 600 "$TB_MX1_KEY" "$work/served/ec-key.pem"
install -m 600 "$TB_MX1_FULLCHAIN" "$work/served/ec-chain.pem"
install -m 600 "$TB_MX1_RSA_KEY" "$work/served/rsa-key.pem"
install -m 600 "$TB_MX1_RSA_FULLCHAIN" "$work/served/rsa-chain.pem"
for name in ec rsa; do
    cat "$work/served/$name-key.pem" "$work/served/$name-chain.pem" >"$work/served/$name-combined.pem"
    chmod 600 "$work/served/$name-combined.pem"
done
for mx in mx1 mx2; do
    "$testbed" mx-use-pair "$TB_DIR" "$mx" "$work/served/ec-combined.pem" "$work/served/rsa-combined.pem"
done

# slot_field SLOT PYTHON-SUBSCRIPT: a field of the slot's `status --json`.
slot_field() {
    dk status --json 2>/dev/null | python3 -c "
import json, sys
s = [x for x in json.load(sys.stdin) if x['slot'] == '$1'][0]
print(s$2)"
}
steady() {  # steady SLOT: no previous key, the next key published everywhere
    [[ $(slot_field "$1" ".get('previous') is None and bool((s.get('next') or {}).get('published_at'))") == True ]]
}

echo "== adopt both slots and publish current + next of each"
dk adopt mx-ec >/dev/null && dk adopt mx-rsa >/dev/null
# adopt makes the next key at once: the first run publishes both records without a key step.
expect "adopt made mx-rsa's next key" True "$(slot_field mx-rsa "['next'] is not None")"
for _ in $(seq 1 20); do
    dk run --once >>"$work/runs.log" 2>&1
    steady mx-ec && steady mx-rsa && break
    sleep 0.5
done
if steady mx-ec && steady mx-rsa; then
    ok "both slots published current and next"
else
    bad "both slots published current and next: mx-ec steady=$(steady mx-ec && echo yes || echo no), mx-rsa steady=$(steady mx-rsa && echo yes || echo no)"
    grep -E 'engine.alert' "$work/runs.log" | tail -n 3
    exit 1
fi
expect "status names each slot's algorithm" "ecdsa-p256 rsa-2048" \
    "$(slot_field mx-ec "['algorithm']") $(slot_field mx-rsa "['algorithm']")"
records=$(dig @"$TB_PRIMARY_ADDR" _25._tcp.mx1.example.test TLSA +short | wc -l)
expect "four records at the owner: current and next of each slot" 4 "$records"
dk audit >"$work/audit0.txt" 2>&1
rc=$?
expect "audit passes on every chain" 0 $rc
[[ $rc -eq 0 ]] || cat "$work/audit0.txt"
expect "audit items: 3 endpoints x 1 address, one per slot's chain" 6 "$(grep -c '^PASS' "$work/audit0.txt")"
grep -q '^PASS mx1.example.test:25 \[.* rsa\]' "$work/audit0.txt" && ok "audit names the RSA chain" || bad "audit names the RSA chain"
dk check example.test >"$work/check0.txt" 2>&1
expect "check: both MX DANE-verified on both chains" 0 $?
dk run --once --metrics-file "$work/dk.prom" >>"$work/runs.log" 2>&1
for slot in ec:ecdsa rsa:rsa; do
    expect "metrics: mx-${slot%%:*} matches at every address on its ${slot#*:} chain" 3 \
        "$(grep -c "^danekeeper_endpoint_match{slot=\"mx-${slot%%:*}\",.*,algorithm=\"${slot#*:}\"} 1$" "$work/dk.prom")"
done

echo "== two senders start: one offers only RSA, one only ECDSA"
wait_until_resolver_serves "_25._tcp.$TB_MX1_HOST" "_25._tcp.$TB_MX2_HOST" "_465._tcp.$TB_MX1_HOST" || true
for family in rsa ecdsa; do
    : >"$work/sender-$family.log"
    "$repo/tests/integration/rollover/observer.sh" "$env_file" "$work/sender-$family.log" --family "$family" &
    senders+=($!)
done
sleep 2

"$dk_bin" --config "$work/dk.toml" daemon >"$work/daemon.log" 2>&1 &
daemon_pid=$!
sleep 2

# roll SLOT...: ask for a rollover of each SLOT and wait until each has a new current key, back
# in steady state; every other slot must keep its key.
roll() {
    local slot others=() done_all started=$SECONDS
    for slot in mx-ec mx-rsa; do
        [[ " $* " == *" $slot "* ]] || others+=("$slot")
    done
    declare -A start
    for slot in "$@" "${others[@]}"; do start[$slot]=$(slot_field "$slot" "['current']['id']"); done
    dk rollover start "$@" >/dev/null  # one call for every slot named, one wake of the daemon
    for _ in $(seq 1 120); do
        done_all=1
        for slot in "$@"; do
            [[ $(slot_field "$slot" "['current']['id']") != "${start[$slot]}" ]] && steady "$slot" || done_all=0
        done
        [[ $done_all == 1 ]] && break
        sleep 0.5
    done
    for slot in "$@"; do
        if [[ $(slot_field "$slot" "['current']['id']") != "${start[$slot]}" ]] && steady "$slot"; then
            ok "$slot rolled to a new key ($((SECONDS - started)) s)"
        else
            bad "$slot did not roll over"
            tail -n 20 "$work/daemon.log"
        fi
    done
    for slot in "${others[@]}"; do
        expect "$slot kept its key" "${start[$slot]}" "$(slot_field "$slot" "['current']['id']")"
    done
}

echo "== rollover start with a name that is not configured leaves no request"
dk rollover start mx-rsa nosuch >"$work/start.out" 2>&1
expect "rollover start mx-rsa nosuch exits 2" 2 $?
grep -q "no key slot named 'nosuch'" "$work/start.out" || bad "rollover start names the unknown slot: $(cat "$work/start.out")"
expect "no request is left" "" "$(ls "$work/state/requests" 2>/dev/null)"
echo "== rollover of the RSA slot"
roll mx-rsa
echo "== rollover of the ECDSA slot"
roll mx-ec
echo "== rollover of both at once"
roll mx-rsa mx-ec
kill -TERM "$daemon_pid"
wait "$daemon_pid"
expect "the daemon stops cleanly" 0 $?
daemon_pid=""
sleep 6  # the senders keep probing past the last TTL

for pid in "${senders[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
senders=()
for family in rsa ecdsa; do
    probes=$(wc -l <"$work/sender-$family.log")
    failed=$(grep -c '^FAIL' "$work/sender-$family.log")
    echo "sender offering only $family: $probes probes, $failed failures"
    [[ $probes -gt 30 ]] && ok "$family sender probed throughout" || bad "$family sender: only $probes probes"
    expect "$family sender: no failure" 0 "$failed"
    grep '^FAIL' "$work/sender-$family.log" | head -n 5
done
expect "every slot's records alone at the owner after three rollovers" 4 \
    "$(dig @"$TB_PRIMARY_ADDR" _25._tcp.mx1.example.test TLSA +short | wc -l)"

echo "== an RSA chain its records do not match fails audit and check; the ECDSA one still passes"
for mx in mx1 mx2; do
    "$testbed" mx-use-pair "$TB_DIR" "$mx" "$work/served/ec-combined.pem" "$TB_MX2_RSA_CHAIN"
done
dk audit >"$work/audit1.txt" 2>&1
expect "audit fails" 1 $?
expect "audit: every RSA item fails" 3 "$(grep -c '^FAIL .* rsa\]' "$work/audit1.txt")"
expect "audit: every ECDSA item passes" 3 "$(grep -c '^PASS .* ecdsa\]' "$work/audit1.txt")"
grep -q '^PASS .* ecdsa\]' "$work/audit1.txt" || cat "$work/audit1.txt"
dk check example.test >"$work/check1.txt" 2>&1
expect "check fails" 1 $?
grep -q 'dane-failed .*(rsa chain)' "$work/check1.txt" && ok "check names the RSA chain" ||
    { bad "check names the RSA chain"; cat "$work/check1.txt"; }
grep -q "ecdsa.*matched 3 1 1" "$work/check1.txt" && ok "check: the ECDSA chain matches" ||
    bad "check: the ECDSA chain matches"
dk run --once --metrics-file "$work/dk2.prom" mx-rsa >>"$work/runs.log" 2>&1
expect "the RSA slot alerts (exit 1)" 1 $?
expect "metrics: the RSA chain does not match at any address" 3 \
    "$(grep -c '^danekeeper_endpoint_match{slot="mx-rsa",.*,algorithm="rsa"} 0$' "$work/dk2.prom")"
expect "metrics: the ECDSA chain still matches at every address" 3 \
    "$(grep -c '^danekeeper_endpoint_match{slot="mx-ec",.*,algorithm="ecdsa"} 1$' "$work/dk2.prom")"

echo "dual_algorithm: $failures failures"
[[ $failures -eq 0 ]]
