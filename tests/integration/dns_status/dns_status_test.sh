#!/bin/bash
# `danekeeper dns-status` on the testbed: a record published with `danekeeper publish` is seen on
# the primary and the Knot secondary (found from the NS RRset), signed and validated up to the
# trust anchor; with the secondary stopped (SIGSTOP), a wait ends at its deadline naming it.
# PRIMARY (bind, the default, knot or pdns; helpers.sh env_for_primary) picks the signing primary
# and its zone; the secondary's part runs with BIND, the one primary that has a secondary.
# Usage: dns_status_test.sh ENV_FILE DANEKEEPER_BIN [PRIMARY]
set -uo pipefail
dk=$2 primary=${3:-bind}
# shellcheck source=../helpers.sh
source "$(dirname "$0")/../helpers.sh"
env_file=$(mktemp /tmp/dk-dns-status-env-XXXXXX)
env_for_primary "$1" "$primary" "$env_file" || exit 2
# shellcheck source=/dev/null
source "$env_file"
rm -f "$env_file"
failures=0
knotd_pid=$(<"$TB_KNOTD_PID_FILE")
record=$("$dk" tlsa "$TB_MX2_CERT")
cleanup() {
    kill -CONT "$knotd_pid" 2>/dev/null
    "$dk" publish --zone "$TB_ZONE" --server "$TB_PRIMARY" --tsig-key "$TB_TSIG_KEY_FILE" \
        --remove "_25._tcp.mx2 TLSA $record" >/dev/null 2>&1
}
restore_testbed
trap cleanup EXIT
echo "== primary: $primary ($TB_ZONE at $TB_PRIMARY)"
check() {  # check WHAT CONDITION_RESULT
    if [[ $2 -eq 0 ]]; then echo "ok: $1"; else echo "FAIL: $1"; failures=$((failures + 1)); fi
}
status() {
    "$dk" dns-status --zone "$TB_ZONE" --server "$TB_PRIMARY" --owner _25._tcp.mx2 \
        --trust-anchor "$TB_TRUST_ANCHOR_DS" --resolver "$TB_RESOLVER" "$@" 2>&1
}

"$dk" publish --zone "$TB_ZONE" --server "$TB_PRIMARY" --tsig-key "$TB_TSIG_KEY_FILE" --add "_25._tcp.mx2 5 TLSA $record" >/dev/null
out=$(status --expect "$record" --wait 10)
rc=$?
echo "$out"
check "published record served by every server, validated (exit $rc)" $rc
if [[ $primary == bind ]]; then
    grep -q "$TB_SECONDARY_ADDR:53 .*validated" <<<"$out"
    check "the secondary was found from the NS RRset and validated" $?
fi
grep -q "$TB_PRIMARY_ADDR:53 .*validated" <<<"$out"
check "the primary was found from the NS RRset and validated" $?
grep -q "resolver $TB_RESOLVER: AD" <<<"$out"
check "the validating resolver answers with the AD bit" $?

# The provider pattern: the owner is a CNAME to one shared TLSA RRset; it is followed and the
# CNAME's TTL counts.
printf 'server %s\nzone %s\nupdate add _tlsa.shared.%s 5 TLSA %s\nupdate add _465._tcp.mx2.%s 7 CNAME _tlsa.shared.%s.\nsend\n' \
    "$TB_PRIMARY_ADDR" "$TB_ZONE" "$TB_ZONE" "$record" "$TB_ZONE" "$TB_ZONE" | nsupdate -k "$TB_TSIG_KEY_FILE"
out=$("$dk" dns-status --zone "$TB_ZONE" --server "$TB_PRIMARY" --owner _465._tcp.mx2 --trust-anchor "$TB_TRUST_ANCHOR_DS" \
    --resolver "$TB_RESOLVER" --expect "$record" --wait 10 --json 2>&1)
check "a CNAME owner is followed to the shared RRset, validated" $?
grep -q '"cname_ttl_max": 7' <<<"$out"
check "the CNAME's TTL is reported" $?
printf 'server %s\nzone %s\nupdate delete _tlsa.shared.%s TLSA\nupdate delete _465._tcp.mx2.%s CNAME\nsend\n' \
    "$TB_PRIMARY_ADDR" "$TB_ZONE" "$TB_ZONE" "$TB_ZONE" | nsupdate -k "$TB_TSIG_KEY_FILE"

if [[ $primary != bind ]]; then
    echo "$failures failures"
    exit $((failures > 0))
fi

kill -STOP "$knotd_pid"
"$dk" publish --zone "$TB_ZONE" --server "$TB_PRIMARY" --tsig-key "$TB_TSIG_KEY_FILE" --remove "_25._tcp.mx2 TLSA $record" >/dev/null
start=$(date +%s)
out=$(status --wait 3)
rc=$?
took=$(($(date +%s) - start))
echo "$out"
[[ $rc -eq 3 ]]
check "a stopped secondary is reported unreachable (exit $rc)" $?
grep -q "$TB_SECONDARY_ADDR:53 *unreachable" <<<"$out"
check "the message names the lagging server" $?
[[ $took -ge 3 && $took -le 15 ]]
check "the wait ended at its deadline (${took}s)" $?
kill -CONT "$knotd_pid"
out=$(status --wait 10)
check "after SIGCONT the secondary catches up" $?
echo "$failures failures"
exit $((failures > 0))
