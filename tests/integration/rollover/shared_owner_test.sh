#!/bin/bash
# A shared TLSA owner (RFC 7671: the slot's RRset at _dane.mx.ZONE, every endpoint's
# _port._tcp.host a CNAME to it) on the real testbed. The slot first publishes per-endpoint
# records (as before tlsa_owner was set) beside an operator's record; setting tlsa_owner migrates
# them (copy into the shared RRset, then one guarded UPDATE makes the three owners CNAMEs); two
# planned rollovers follow while the independent DANE sender (observer.sh) probes every endpoint.
# Passes with zero observer failures, the operator's record kept, every endpoint owner a CNAME to
# the shared owner, one UPDATE (one serial) per publish step, and an operator's CNAME elsewhere
# refused. PRIMARY: bind (default), knot or pdns (helpers.sh env_for_primary).
# Usage: shared_owner_test.sh ENV_FILE DANEKEEPER_BIN [PRIMARY]
set -euo pipefail
dk_bin=$2 primary=${3:-bind}
repo=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d /tmp/dk-shared-XXXXXX)
chmod 700 "$work"
mkdir -p "$work/served"
# shellcheck source=../helpers.sh
source "$repo/tests/integration/helpers.sh"
env_for_primary "$1" "$primary" "$work/testbed.env" || { rm -rf "$work"; exit 2; }
env_file=$work/testbed.env
# shellcheck source=/dev/null
source "$env_file"
echo "== primary: $primary ($TB_ZONE at $TB_PRIMARY)"
started=$SECONDS
observer_pid=""
cleanup() {
    [[ -n $observer_pid ]] && kill "$observer_pid" 2>/dev/null && wait "$observer_pid" 2>/dev/null
    restore_testbed || true
    rm -rf "$work"
}
restore_testbed || true
trap cleanup EXIT

shared=_dane.mx.$TB_ZONE
owners=("_25._tcp.$TB_MX1_HOST" "_25._tcp.$TB_MX2_HOST" "_465._tcp.$TB_MX1_HOST")
operator_record="3 1 1 $(printf 'c%.0s' {1..64})"
render_config "$env_file" "$work/state" "$work/served" >"$work/per-endpoint.toml"
sed "s/^name = \"mx\"\$/name = \"mx\"\ntlsa_owner = \"$shared\"/" "$work/per-endpoint.toml" >"$work/shared.toml"
grep -q "^tlsa_owner = \"$shared\"" "$work/shared.toml" || { echo "FAIL: no tlsa_owner line"; exit 1; }
nsupdate_send() { printf 'server %s\nzone %s\n%s\nsend\n' "$TB_PRIMARY_ADDR" "$TB_ZONE" "$1" | nsupdate -k "$TB_TSIG_KEY_FILE"; }
at_primary() { dig @"${TB_PRIMARY_ADDR}" -p "${TB_PRIMARY##*:}" "$1" "$2" +norec +noall +answer +time=2 +tries=1; }
# The TLSA records the primary serves at OWNER (through a CNAME), one "3 1 1 hex" line each.
tlsa_at_primary() { at_primary "$1" TLSA | awk '$4 == "TLSA" {d = ""; for (i = 8; i <= NF; i++) d = d $i; print tolower($5 " " $6 " " $7 " " d)}' | sort; }
publish_serials() { dk log --json | python3 -c '
import json, re, sys
for e in json.load(sys.stdin):
    if e["kind"] == "publish":
        m = re.search(r"\((.*)\)$", e["details"])
        print(m.group(1) if m else "?")'; }

echo "== both MX serve one key; per-endpoint records first, beside an operator's record"
cp "$TB_MX1_KEY" "$work/served/mx-key.pem"
cat "$TB_MX1_FULLCHAIN" >"$work/served/mx-chain.pem"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$TB_MX1_CHAIN"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$TB_MX1_CHAIN"
cp "$work/per-endpoint.toml" "$work/dk.toml"
dk adopt mx
dk run --once >>"$work/runs.log" 2>&1
nsupdate_send "update add _25._tcp.$TB_MX1_HOST. 5 TLSA $operator_record"
before_records=$(at_primary "_25._tcp.$TB_MX1_HOST" TLSA | grep -c TLSA)
expect "records at _25._tcp.mx1 before the migration (current, next, the operator's)" 3 "$before_records"

echo "== tlsa_owner set: the migration"
cp "$work/shared.toml" "$work/dk.toml"
dk run --once >>"$work/runs.log" 2>&1 || { tail -n 30 "$work/runs.log"; exit 1; }
echo "link steps: $(dk log | grep -c ' shared_owner ')"
dk log | grep ' shared_owner ' || true
grep -h 'dns.shared_owner_cname_dropped' "$work/runs.log" || true
shared_set=$(tlsa_at_primary "$shared")
grep -qx "$operator_record" <<<"$shared_set" && ok "the operator's record moved to $shared" ||
    bad "the operator's record is not at $shared: $shared_set"
for owner in "${owners[@]}"; do
    expect "$owner at the primary" "CNAME $shared." "$(at_primary "$owner" CNAME | awk '$4 == "CNAME" {print $4, $5}')"
done
dk dns-status --zone "$TB_ZONE" --server "$TB_PRIMARY" --owner "_25._tcp.$TB_MX1_HOST." | grep -q "CNAME -> $shared." && ok "dns-status shows the CNAME" ||
    bad "dns-status shows no CNAME to $shared"

echo "== independent observer starts"
wait_until_resolver_serves "${owners[@]}" || true
: >"$work/observer.log"
"$(dirname "$0")/observer.sh" "$env_file" "$work/observer.log" &
observer_pid=$!
sleep 2

echo "== check and audit name the CNAME"
if [[ $primary == bind ]]; then  # example.test has the MX RRset a sender starts from
    dk check "$TB_ZONE" --resolver "$TB_RESOLVER" >"$work/check.txt" 2>&1 || true
    grep -q "CNAME -> $shared." "$work/check.txt" && ok "check shows the CNAME" ||
        { bad "check shows no CNAME"; cat "$work/check.txt"; }
fi
dk audit >"$work/audit.txt" 2>&1 || true
grep -q "_25._tcp.$TB_MX1_HOST. (CNAME -> $shared.) TLSA" "$work/audit.txt" && ok "audit shows the CNAME" ||
    { bad "audit shows no CNAME"; grep -m3 tlsa_present "$work/audit.txt"; }

publishes_before=$(publish_serials | wc -l)
for round in 1 2; do
    before=$(status_field "['current']['id']")
    round_start=$SECONDS
    dk rollover start mx
    rolled=0
    for _ in $(seq 1 120); do
        dk run --once >>"$work/runs.log" 2>&1 || true
        after=$(status_field "['current']['id']")
        if [[ $after != "$before" && $(status_field "['previous']") == None && $(status_field "['next']['published_at']") != None ]]; then
            rolled=1
            break
        fi
        sleep 0.5
    done
    [[ $rolled == 1 ]] && ok "rollover $round: $before -> $after in $((SECONDS - round_start)) s" ||
        { bad "rollover $round did not finish"; tail -n 30 "$work/runs.log"; }
done

echo "== one UPDATE per publish step, at the shared owner"
publish_serials | tail -n +"$((publishes_before + 1))" >"$work/publishes"
cat "$work/publishes"
steps=$(wc -l <"$work/publishes")
at_shared=$(grep -c "at $shared" "$work/publishes" || true)
serials=$(grep -o 'serial [0-9]*' "$work/publishes" | sort -u | wc -l)
expect "publish steps sent at $shared" "$steps" "$at_shared"
expect "distinct serials (one UPDATE each)" "$steps" "$serials"
[[ $steps -ge 2 ]] && ok "$steps publish steps in two rollovers" || bad "only $steps publish steps"
for owner in "${owners[@]}"; do
    expect "$owner still a CNAME" "CNAME $shared." "$(at_primary "$owner" CNAME | awk '$4 == "CNAME" {print $4, $5}')"
done
grep -qx "$operator_record" <<<"$(tlsa_at_primary "$shared")" &&
    ok "the operator's record is still there" || bad "the operator's record was removed"

sleep 6  # the observer keeps probing past the last TTL
kill "$observer_pid" 2>/dev/null
wait "$observer_pid" 2>/dev/null || true
observer_pid=""
probes=$(wc -l <"$work/observer.log")
observer_failures=$(grep -c '^FAIL' "$work/observer.log" || true)
echo "observer: $probes probes, $observer_failures failures"
[[ $observer_failures -eq 0 && $probes -gt 20 ]] && ok "the sender validated every probe" ||
    { bad "observer"; grep '^FAIL' "$work/observer.log" | head -n 10; }

echo "== an operator's CNAME elsewhere is refused, nothing changed"
# Two UPDATEs: Knot ignores a CNAME beside the RRSIG and NSEC a deletion leaves until it re-signs.
nsupdate_send "update delete _465._tcp.$TB_MX1_HOST. CNAME"
nsupdate_send "update add _465._tcp.$TB_MX1_HOST. 5 CNAME _other.$TB_ZONE."
shared_before=$(tlsa_at_primary "$shared")
rc=0
dk run --once >"$work/refused.log" 2>&1 || rc=$?
grep -q "_465._tcp.$TB_MX1_HOST. is a CNAME to _other.$TB_ZONE., not to tlsa_owner" "$work/refused.log" &&
    ok "refused: $(grep -m1 -o '_465[^"]*tlsa_owner' "$work/refused.log")" || { bad "no refusal"; cat "$work/refused.log"; }
expect "the shared RRset untouched" "$shared_before" "$(tlsa_at_primary "$shared")"

echo "shared_owner_test ($primary): $((SECONDS - started)) s, $failures failure(s)"
[[ $failures -eq 0 ]]
