#!/bin/bash
# `danekeeper check example.test` against the testbed (MX 10 mx1, MX 20 mx2, Unbound validating):
# the RFC 7672 verdict per MX host, cross-checked with posttls-finger (Postfix's own DANE client)
# for each host: mx1 matching and mx2 mismatching, then both matching, then mx2 without TLSA;
# and the --nagios status line and exit code in each case.
# Usage: check_test.sh ENV_FILE DANEKEEPER_BIN
set -uo pipefail
# shellcheck source=/dev/null
source "$1"
dk=$2
work=$(mktemp -d)
nsupdate_lines() {
    { echo "server $TB_PRIMARY_ADDR"; echo "zone example.test"; cat; echo send; } | nsupdate -k "$TB_TSIG_KEY_FILE"
}
cleanup() {
    restore_testbed
    rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=../helpers.sh
source "$(dirname "$0")/../helpers.sh"
restore_testbed
verdict_of() {  # verdict_of HOST < check --json
    python3 -c 'import json,sys; print(next(h["verdict"] for d in json.load(sys.stdin) for h in d["hosts"] if h["host"]==sys.argv[1]))' "$1"
}
mkdir -p "$work/ptf"
printf 'smtp_dns_support_level = dnssec\nsmtp_host_lookup = dns\n' >"$work/ptf/main.cf"
echo "nameserver $TB_RESOLVER_ADDR" >"$work/ptf/resolv.conf"
posttls() {  # posttls HOST: what Postfix's DANE client concludes: verified, dane-mismatch, no-dane
    local out
    out=$(timeout 30 unshare -m sh -c "mount --bind $work/ptf/resolv.conf /etc/resolv.conf && MAIL_CONFIG=$work/ptf posttls-finger -c -l dane $1" 2>&1)
    if grep -q 'Verified TLS connection established' <<<"$out"; then
        echo verified
    elif grep -q 'no matching DANE TLSA records' <<<"$out"; then
        echo dane-mismatch
    elif grep -Eq '(Untrusted|Anonymous) TLS connection established' <<<"$out"; then
        echo no-dane
    else
        echo "unexpected: $out"
    fi
}
wait_for_tlsa() {  # wait_for_tlsa HOST WANT_RDATA|none: the resolver serves exactly that
    local want=$2 got
    for _ in $(seq 1 150); do
        got=$(dig +short +nosplit @"$TB_RESOLVER_ADDR" "_25._tcp.$1" TLSA | tr 'A-F' 'a-f')
        [[ "$want" == none && -z "$got" ]] && return 0
        [[ "$got" == "$want" ]] && return 0
        sleep 0.1
    done
    bad "resolver never served '$want' at _25._tcp.$1 (last: '$got')"
}
mx1_good=$("$dk" tlsa "$TB_MX1_CERT")
mx2_good=$("$dk" tlsa "$TB_MX2_CERT")
mx2_other=$("$dk" tlsa "$TB_MX2_ALT_CERT")

# 1. mx1 matches, mx2's record is for another key.
printf 'update add _25._tcp.%s 5 TLSA %s\nupdate add _25._tcp.%s 5 TLSA %s\n' \
    "$TB_MX1_HOST" "$mx1_good" "$TB_MX2_HOST" "$mx2_other" | nsupdate_lines
wait_for_tlsa "$TB_MX1_HOST" "$mx1_good"
wait_for_tlsa "$TB_MX2_HOST" "$mx2_other"
start=$(date +%s%N)
"$dk" check example.test --resolver "$TB_RESOLVER" --json >"$work/c1.json" 2>"$work/err"
expect "check exits 1 when a host fails DANE" 1 $?
echo "check took $(( ($(date +%s%N) - start) / 1000000 )) ms"
expect "mx1 verdict" dane-verified "$(verdict_of "$TB_MX1_HOST" <"$work/c1.json")"
expect "mx2 verdict" dane-failed "$(verdict_of "$TB_MX2_HOST" <"$work/c1.json")"
expect "posttls-finger on mx1 agrees" verified "$(posttls "$TB_MX1_HOST")"
expect "posttls-finger on mx2 agrees" dane-mismatch "$(posttls "$TB_MX2_HOST")"
expect "posttls-finger on the domain (its MX lookup, mx1 first) agrees" verified "$(posttls example.test)"
"$dk" check example.test --resolver "$TB_RESOLVER" --nagios >"$work/n1" 2>&1
expect "nagios exit is CRITICAL" 2 $?
head -1 "$work/n1"
grep -q '^DANE CRITICAL - 1 of 2 MX hosts DANE-verified; mx2.example.test dane-failed |.* hosts=2;;;0 verified=1;;;0 not_verified=1;;0;0 time=' "$work/n1" &&
    ok "nagios status line and perfdata" || bad "nagios line: $(head -1 "$work/n1")"
"$dk" check example.test --resolver "$TB_RESOLVER" >"$work/t1" 2>&1
grep -q "^dane-failed   example.test $TB_MX2_HOST (MX 20, mx=secure, tlsa=secure)" "$work/t1" &&
    ok "text output names the failing host" || { bad "text output"; cat "$work/t1"; }

# 2. both match.
printf 'update delete _25._tcp.%s TLSA %s\nupdate add _25._tcp.%s 5 TLSA %s\n' \
    "$TB_MX2_HOST" "$mx2_other" "$TB_MX2_HOST" "$mx2_good" | nsupdate_lines
wait_for_tlsa "$TB_MX2_HOST" "$mx2_good"
"$dk" check example.test --resolver "$TB_RESOLVER" --json >"$work/c2.json" 2>"$work/err"
expect "check exits 0 when every host is verified" 0 $?
expect "mx2 verdict" dane-verified "$(verdict_of "$TB_MX2_HOST" <"$work/c2.json")"
expect "posttls-finger on mx2 agrees" verified "$(posttls "$TB_MX2_HOST")"
"$dk" check example.test --resolver "$TB_RESOLVER" --nagios >"$work/n2" 2>&1
expect "nagios exit is OK" 0 $?
grep -q '^DANE OK - 2 of 2 MX hosts DANE-verified |' "$work/n2" && ok "nagios OK line" || bad "nagios: $(cat "$work/n2")"

# 3. mx2 without TLSA: validated denial, opportunistic TLS only.
printf 'update delete _25._tcp.%s TLSA\n' "$TB_MX2_HOST" | nsupdate_lines
wait_for_tlsa "$TB_MX2_HOST" none
"$dk" check example.test --resolver "$TB_RESOLVER" --json >"$work/c3.json" 2>"$work/err"
expect "check exits 1 when a host has no DANE" 1 $?
expect "mx2 verdict" no-dane "$(verdict_of "$TB_MX2_HOST" <"$work/c3.json")"
expect "posttls-finger on mx2 agrees (TLS without DANE)" no-dane "$(posttls "$TB_MX2_HOST")"
"$dk" check example.test --resolver "$TB_RESOLVER" --nagios >/dev/null 2>&1
expect "nagios exit is WARNING" 1 $?

# 4. bad input, a domain that does not exist, a resolver that refuses.
"$dk" check --resolver "$TB_RESOLVER" >/dev/null 2>&1
expect "no domain is bad input" 2 $?
"$dk" check nosuch.example.test --resolver "$TB_RESOLVER" >"$work/nx" 2>&1
expect "NXDOMAIN fails the check" 1 $?
grep -q 'no such domain' "$work/nx" && ok "NXDOMAIN named" || bad "nx: $(cat "$work/nx")"

"$dk" check example.test --resolver "$TB_NET.9.9:53" >/dev/null 2>&1
expect "a resolver that does not answer: exit 3" 3 $?
"$dk" check example.test --resolver "$TB_NET.9.9:53" --nagios >"$work/nu" 2>&1
expect "and UNKNOWN for the plugin" 3 $?
grep -q '^DANE UNKNOWN - ' "$work/nu" && ok "UNKNOWN line" || bad "nagios: $(cat "$work/nu")"

echo "$failures failures"
exit $((failures > 0))
