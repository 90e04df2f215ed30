#!/bin/bash
# Every authoritative server, also outside the zone and on IPv6: example.test's NS
# ns-ext.knot-primary.test. (a name in another signed zone, resolved through the validating
# resolver, AD required) has an IPv4 and an IPv6 ([::1]) address, both served by the testbed's
# out-of-zone Knot secondary. dns-status finds and proves both from the NS RRset; with that
# secondary stopped, dns-status reports both unreachable, naming the NS name, and a rollover is
# held at "served everywhere" with the wait naming them; once it is back the rollover goes on.
# With the name's A and AAAA deleted (an NS name that does not resolve), dns-status reports it
# unreachable with the reason instead of skipping it.
# SKIP (77) when this testbed has no ::1 listener (another testbed holds the machine-wide lock).
# Usage: ext_ns_test.sh ENV_FILE DANEKEEPER_BIN
set -uo pipefail
dk_bin=$2
repo=$(cd "$(dirname "$0")/../../.." && pwd)
# shellcheck source=/dev/null
source "$1"
# shellcheck source=../helpers.sh
source "$repo/tests/integration/helpers.sh"
if [[ -z $TB_EXT_NS_IPV6 ]]; then
    echo "SKIP: the testbed serves no IPv6 address: ${TB_EXT_NS_IPV6_SKIP:-unknown reason}"
    exit 77
fi
testbed=$repo/tests/testbed/testbed.sh
work=$(mktemp -d /tmp/dk-ext-ns-XXXXXX)
chmod 700 "$work"
mkdir -p "$work/served"
record=$("$dk_bin" tlsa "$TB_MX2_CERT")
ext_addresses() {  # ext_addresses add|delete: ns-ext's A and AAAA in knot-primary.test
    local op=$1 ttl=""
    [[ $op == add ]] && ttl=10
    printf 'server %s\nzone %s\nupdate %s %s %s A %s\nupdate %s %s %s AAAA %s\nsend\n' \
        "$TB_KNOT_PRIMARY_ADDR" "$TB_KNOT_PRIMARY_ZONE" "$op" "$TB_EXT_NS_NAME" "$ttl" "$TB_EXT_NS_ADDR" \
        "$op" "$TB_EXT_NS_NAME" "$ttl" "$TB_EXT_NS_IPV6" | nsupdate -k "$TB_TSIG_KEY_FILE"
    # The whole zone: the resolver may hold an NSEC that denies the name (RFC 8198).
    unbound-control -c "$TB_UNBOUND_CONF" flush_zone "$TB_KNOT_PRIMARY_ZONE" >/dev/null
}
cleanup() {
    ext_addresses add >/dev/null 2>&1
    "$testbed" ext-start "$TB_DIR" >/dev/null 2>&1
    "$dk_bin" publish --zone "$TB_ZONE" --server "$TB_PRIMARY" --tsig-key "$TB_TSIG_KEY_FILE" \
        --remove "_25._tcp.mx2 TLSA $record" >/dev/null 2>&1
    restore_testbed
    rm -rf "$work"
}
restore_testbed
trap cleanup EXIT
ext=$TB_EXT_NS_NAME v6="[$TB_EXT_NS_IPV6]:53" v4="$TB_EXT_NS_ADDR:53"
status() {
    "$dk_bin" dns-status --zone "$TB_ZONE" --server "$TB_PRIMARY" --owner _25._tcp.mx2 \
        --trust-anchor "$TB_TRUST_ANCHOR_DS" --resolver "$TB_RESOLVER" "$@" 2>&1
}
grep_line() {  # grep_line WHAT FIXED_PREFIX REGEX TEXT
    if grep -F "$2" <<<"$4" | grep -qE "$3"; then ok "$1"; else bad "$1"; fi
}

echo "== dns-status proves the record on the out-of-zone server over IPv4 and IPv6"
"$dk_bin" publish --zone "$TB_ZONE" --server "$TB_PRIMARY" --tsig-key "$TB_TSIG_KEY_FILE" \
    --add "_25._tcp.mx2 5 TLSA $record" >/dev/null
out=$(status --expect "$record" --wait 10)
rc=$?
echo "$out"
expect "every server serves it, validated" 0 "$rc"
grep_line "found [::1] from the out-of-zone NS, validated" "$v6 " "validated \(IPv6, NS $ext\)" "$out"
grep_line "found its IPv4 address, validated" "$v4 " "validated \(IPv4, NS $ext\)" "$out"
dig @"$TB_EXT_NS_IPV6" "_25._tcp.mx2.$TB_ZONE" TLSA +norec +short | tr -d ' ' | grep -qi "$(tr -d ' ' <<<"$record")"
expect "dig @::1 sees the record too" 0 $?

echo "== without the out-of-zone secondary: reported, named, exit 3"
"$testbed" ext-stop "$TB_DIR"
out=$(status --wait 0)
rc=$?
echo "$out"
expect "dns-status exit" 3 "$rc"
grep_line "[::1] unreachable, named with its NS" "$v6 " "unreachable \(IPv6, NS $ext\)" "$out"
"$testbed" ext-start "$TB_DIR"

echo "== an NS name that does not resolve: reported with the reason, exit 3"
ext_addresses delete
out=$(status --wait 0)
rc=$?
echo "$out"
expect "dns-status exit" 3 "$rc"
grep_line "the NS name is named, unresolved" "$ext:53 " "unreachable \(NS $ext, no address\): NS $ext cannot be resolved: " "$out"
ext_addresses add
for _ in $(seq 1 20); do  # each run discovers anew; bounded at 20 x 0.25 s
    out=$(status --expect "$record" --wait 2)
    rc=$?
    [[ $rc -eq 0 ]] && break
    sleep 0.25
done
expect "resolved again: every server, validated" 0 "$rc"
grep_line "[::1] is back" "$v6 " "validated \(IPv6, NS $ext\)" "$out"
"$dk_bin" publish --zone "$TB_ZONE" --server "$TB_PRIMARY" --tsig-key "$TB_TSIG_KEY_FILE" \
    --remove "_25._tcp.mx2 TLSA $record" >/dev/null

echo "== the engine, servers from the NS RRset: a rollover waits for them"
render_config "$1" "$work/state" "$work/served" | sed '/^authoritative = /d' >"$work/dk.toml"
cp "$TB_MX1_KEY" "$work/served/mx-key.pem"
cat "$TB_MX1_FULLCHAIN" >"$work/served/mx-chain.pem"
"$testbed" mx-use "$TB_DIR" mx1 "$TB_MX1_CHAIN"
"$testbed" mx-use "$TB_DIR" mx2 "$TB_MX1_CHAIN"
dk adopt mx >/dev/null
start=$(date +%s)
dk run --once >"$work/run1.log" 2>&1
tries=0
until [[ $(status_field "['next']['published_at']") != None ]] || ((++tries > 20)); do
    dk run --once >>"$work/run1.log" 2>&1
    sleep 0.2
done
[[ $(status_field "['next']['published_at']") != None ]]
expect "current + next proven on every server, [::1] included (t1 set)" 0 $?
dk rollover start mx >/dev/null
"$testbed" ext-stop "$TB_DIR"
out=$(dk run --once 2>&1)
echo "$out" | tail -n 5
before=$(status_field "['phase']")
grep -qF "waiting for: " <<<"$out" && grep -F "waiting for: " <<<"$out" | grep -qF "$v6 (IPv6, NS $ext)"
expect "the wait names [::1] and its NS name" 0 $?
grep -F "waiting for: " <<<"$out" | grep -qF "$v4 (IPv4, NS $ext)"
expect "the wait names its IPv4 address" 0 $?
out=$(dk run --once 2>&1)
expect "still held while it is down" "$before" "$(status_field "['phase']")"
"$testbed" ext-start "$TB_DIR"
out=$(dk run --once 2>&1)
echo "$out" | tail -n 5
grep -qF "$v6" <<<"$out"
expect "once it is back the run names it no more" 1 $?
grep -q "event=certificate.stored" <<<"$out" && ! grep -q "wait: waiting until every authoritative" <<<"$out"
expect "and the rollover goes on: the next key's certificate is requested" 0 $?
echo "engine part took $(($(date +%s) - start)) s"
echo "$failures failures"
exit $((failures > 0))
