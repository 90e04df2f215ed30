#!/bin/bash
# `danekeeper probe` against the testbed's Postfix: a matching record (exit 0), the same record
# after mx1 switched keys (exit 1), records from DNS through the validating resolver, a closed
# port (exit 3), and the same verdicts from ldns-dane, an independent DANE implementation.
# Usage: probe_test.sh ENV_FILE DANEKEEPER_BIN
set -uo pipefail
# shellcheck source=/dev/null
source "$1"
dk=$2
repo=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d)
failures=0
cleanup() {
    restore_testbed
    rm -rf "$work"
}
# shellcheck source=../helpers.sh
source "$repo/tests/integration/helpers.sh"
restore_testbed
trap cleanup EXIT
expect_rc() {  # expect_rc WANT WHAT COMMAND...
    local want=$1 what=$2
    shift 2
    "$@" >"$work/out" 2>&1
    local rc=$?
    if [[ $rc -eq $want ]]; then
        echo "ok: $what (exit $rc)"
    else
        echo "FAIL: $what: exit $rc, wanted $want"
        cat "$work/out"
        failures=$((failures + 1))
    fi
}
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$TB_MX1_CHAIN"
good=$("$dk" tlsa "$TB_MX1_CERT")
other=$("$dk" tlsa "$TB_MX1_ALT_CERT")
echo "_465._tcp.$TB_MX1_HOST. IN TLSA $good" >"$work/good.tlsa"
echo "_465._tcp.$TB_MX1_HOST. IN TLSA $other" >"$work/other.tlsa"

expect_rc 0 "STARTTLS and implicit TLS match" "$dk" probe "$TB_MX1_HOST" "$TB_MX1_HOST:465" --address "$TB_MX1_ADDR" --tlsa "$good"
expect_rc 0 "ldns-dane agrees (match)" ldns-dane -d -n -a "$TB_MX1_ADDR" -t "$work/good.tlsa" verify
expect_rc 1 "a record for another key does not match" "$dk" probe "$TB_MX1_HOST:465" --address "$TB_MX1_ADDR" --tlsa "$other"
expect_rc 1 "ldns-dane agrees (mismatch)" ldns-dane -d -n -a "$TB_MX1_ADDR" -t "$work/other.tlsa" verify

"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$TB_MX1_ALT_CHAIN"
expect_rc 1 "after mx1 switched keys the old record no longer matches" "$dk" probe "$TB_MX1_HOST" --address "$TB_MX1_ADDR" --tlsa "$good"
expect_rc 0 "and the new one does" "$dk" probe "$TB_MX1_HOST" --address "$TB_MX1_ADDR" --tlsa "$other"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$TB_MX1_CHAIN"

expect_rc 3 "a closed port is a network failure" "$dk" probe "$TB_MX1_HOST:2525" --address "$TB_MX1_ADDR" --tlsa "$good" --timeout 3
expect_rc 2 "a bad record is bad input" "$dk" probe "$TB_MX1_HOST" --tlsa "3 1 1 abcd"

printf 'server %s\nzone example.test\nupdate add _25._tcp.%s. 5 TLSA %s\nsend\n' "$TB_PRIMARY_ADDR" "$TB_MX1_HOST" "$good" |
    nsupdate -k "$TB_TSIG_KEY_FILE"
for _ in $(seq 1 100); do  # the resolver may hold a negative answer for up to 5 s
    "$dk" probe "$TB_MX1_HOST" --resolver "$TB_RESOLVER" >/dev/null 2>&1 && break
    sleep 0.1
done
expect_rc 0 "records from DNS, validated by the resolver (AD)" "$dk" probe "$TB_MX1_HOST" --resolver "$TB_RESOLVER"
# posttls-finger, Postfix's own DANE client, resolving through the testbed resolver (glibc has no
# port syntax: the resolver is on port 53 of its address; a private mount namespace holds the
# resolv.conf pointing at it).
mkdir -p "$work/ptf"
printf 'smtp_dns_support_level = dnssec\nsmtp_host_lookup = dns\n' >"$work/ptf/main.cf"
echo "nameserver $TB_RESOLVER_ADDR" >"$work/ptf/resolv.conf"
posttls_verified() {
    timeout 30 unshare -m sh -c "mount --bind $work/ptf/resolv.conf /etc/resolv.conf && MAIL_CONFIG=$work/ptf posttls-finger -c -l dane $TB_MX1_HOST" 2>&1 |
        grep -q 'Verified TLS connection established'
}
posttls_verified
expect_rc 0 "posttls-finger agrees: verified" test $? -eq 0
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$TB_MX1_ALT_CHAIN"
expect_rc 1 "danekeeper: the switched key does not match the published record" "$dk" probe "$TB_MX1_HOST" --resolver "$TB_RESOLVER"
posttls_verified
expect_rc 1 "posttls-finger agrees: not verified" test $? -eq 0
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$TB_MX1_CHAIN"
expect_rc 1 "a record from DNS for another endpoint owner is missing" "$dk" probe "$TB_MX2_HOST" --resolver "$TB_RESOLVER"

echo "$failures failures"
exit $((failures > 0))
