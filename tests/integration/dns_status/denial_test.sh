#!/bin/bash
# An empty TLSA answer is "absent" only with a validated denial proof. On the testbed: BIND
# (primary) and Knot (secondary) serve example.test signed with NSEC, and each proves NODATA
# (mx1, which has an address but no TLSA) and no such name (_25._tcp.nowhere) with NSEC records
# that validate up to the trust anchor; danekeeper's own signer serves signed.test with NSEC3
# (RFC 9276 parameters) and Knot proves both the same way. A server that strips the proof (a
# relay answering TLSA with an empty NOERROR) is reported unvalidated, and dns-status exits 1.
# Usage: denial_test.sh ENV_FILE DANEKEEPER_BIN STRIP_DENIAL_PY
set -uo pipefail
# shellcheck source=/dev/null
source "$1"
dk=$2 strip=$3
failures=0
work=$(mktemp -d /tmp/dk-denial-test-XXXXXX)
cp "$TB_SIGNED_FILE" "$work/signed-before"
strip_addr=$TB_NET.9.1 strip_port=5300
strip_pid=
reload_signed() { knotc -c "$TB_SIGNED_KNOT_CONF" -b zone-reload "$TB_SIGNED_ZONE" >/dev/null; }
cleanup() {
    [[ -n $strip_pid ]] && kill "$strip_pid" 2>/dev/null
    cp "$work/signed-before" "$TB_SIGNED_FILE" && reload_signed
    rm -rf "$work"
}
trap cleanup EXIT
check() {  # check WHAT CONDITION_RESULT
    if [[ $2 -eq 0 ]]; then echo "ok: $1"; else echo "FAIL: $1"; failures=$((failures + 1)); fi
}
# The verdict and denial of every server, one "SERVER VERDICT DENIAL" line each.
verdicts() {
    python3 -c 'import json,sys
for s in json.load(sys.stdin)["servers"]: print(s["server"], s["verdict"], s["denial"] or "-")'
}
status() {  # status ZONE ANCHOR OWNER SERVER...
    local zone=$1 anchor=$2 owner=$3
    shift 3
    local servers=()
    for s in "$@"; do servers+=(--server "$s"); done
    # --resolver: example.test's NS ns-ext.knot-primary.test. is resolved through it (AD).
    "$dk" dns-status --zone "$zone" "${servers[@]}" --owner "$owner" --trust-anchor "$anchor" \
        --resolver "$TB_RESOLVER" --wait 10 --json 2>&1
}
expect_all() {  # expect_all WHAT VERDICT DENIAL JSON
    local lines
    lines=$(verdicts <<<"$4") || { check "$1: no JSON: $4" 1; return; }
    echo "$lines"
    [[ $(wc -l <<<"$lines") -ge 1 ]] && ! grep -qv " $2 $3\$" <<<"$lines"
    check "$1" $?
}

echo "== NSEC: BIND and Knot prove the absence, validated"
out=$(status example.test "$TB_TRUST_ANCHOR_DS" mx1 "$TB_PRIMARY")
check "NODATA at every server: exit $?" $?
expect_all "mx1: absent, NSEC NODATA at the primary and the secondary" absent "NSEC NODATA" "$out"
grep -q "$TB_SECONDARY" <<<"$out"
check "the Knot secondary was asked" $?
out=$(status example.test "$TB_TRUST_ANCHOR_DS" _25._tcp.nowhere "$TB_PRIMARY")
check "no such name at every server: exit $?" $?
expect_all "_25._tcp.nowhere: absent, NSEC no such name (wildcard denied)" absent \
    "NSEC no such name" "$out"

echo "== a server that strips the proof: unvalidated, not absent"
"$strip" "$strip_addr" "$strip_port" "$TB_PRIMARY_ADDR" 53 >"$work/strip.log" 2>&1 &
strip_pid=$!
for _ in $(seq 50); do grep -q ready "$work/strip.log" && break; sleep 0.1; done
out=$("$dk" dns-status --zone example.test --server "$TB_PRIMARY" --server "$strip_addr:$strip_port" \
    --owner mx1 --trust-anchor "$TB_TRUST_ANCHOR_DS" 2>&1)
rc=$?
echo "$out"
[[ $rc -eq 1 ]]
check "dns-status exits 1 (got $rc)" $?
grep -q "$strip_addr:$strip_port .*unvalidated, NOT proven absent: .*no NSEC or NSEC3" <<<"$out"
check "the stripping server is unvalidated, with the reason" $?
grep -q "$TB_PRIMARY_ADDR:53 .*absent, validated (NSEC NODATA)" <<<"$out"
check "the primary beside it proves NODATA" $?
grep -q "NOT validated" <<<"$(tail -1 <<<"$out")"
check "the summary says NOT validated" $?

echo "== NSEC3: danekeeper's signer, served by Knot"
"$dk" sign "$TB_SIGNED_UNSIGNED_FILE" --origin "$TB_SIGNED_ZONE" --keys "$TB_SIGNED_KEYS_DIR" \
    --nsec3 -o "$TB_SIGNED_FILE" >/dev/null && reload_signed
check "signed.test signed with NSEC3 and reloaded" $?
out=$(status "$TB_SIGNED_ZONE" "$TB_SIGNED_TRUST_ANCHOR_DS" mx1 "$TB_SIGNED_SERVER")
check "NSEC3 NODATA: exit $?" $?
expect_all "mx1.signed.test: absent, NSEC3 NODATA" absent "NSEC3 NODATA" "$out"
out=$(status "$TB_SIGNED_ZONE" "$TB_SIGNED_TRUST_ANCHOR_DS" _25._tcp.mx1 "$TB_SIGNED_SERVER")
check "NSEC3 closest encloser proof: exit $?" $?
expect_all "_25._tcp.mx1.signed.test: absent, NSEC3 no such name" absent "NSEC3 no such name" "$out"

echo "$failures failures"
exit $((failures > 0))
