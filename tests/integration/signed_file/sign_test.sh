#!/bin/bash
# danekeeper sign against independent checkers and the real servers: bad input exits 2 naming
# FILE:LINE; a zone with delegations, glue, a wildcard and empty non-terminals signed with NSEC
# and NSEC3 passes ldns-verify-zone, BIND's dnssec-verify and named-checkzone; signed with the
# testbed's signed.test keys it is served by Knot and Unbound answers a TLSA in it with AD; an
# incremental change re-signs only a handful of RRsets and validates as well.
# Usage: sign_test.sh ENV_FILE DANEKEEPER_BIN
set -euo pipefail
env_file=$1 dk=$2
# shellcheck source=/dev/null
source "$env_file"
work=$(mktemp -d /tmp/dk-sign-test-XXXXXX)
cp "$TB_SIGNED_FILE" "$work/signed-before"
failures=0
pass() { echo "ok: $*"; }
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
reload() { knotc -c "$TB_SIGNED_KNOT_CONF" -b zone-reload "$TB_SIGNED_ZONE" >/dev/null; }
cleanup() {
    cp "$work/signed-before" "$TB_SIGNED_FILE" && reload || true
    rm -rf "$work"
}
trap cleanup EXIT
zone=$TB_SIGNED_ZONE

echo "== bad input: exit 2, one line naming the file and line"
printf '$TTL 300\n@ SOA ns1 host 1 2 3 4 5\nwww A 192.0.2\n' >"$work/bad.zone"
set +e
out=$("$dk" sign "$work/bad.zone" --origin "$zone" --keys "$TB_SIGNED_KEYS_DIR" -o "$work/bad.signed" 2>&1)
rc=$?
set -e
[[ $rc -eq 2 && $out == "danekeeper: $work/bad.zone:3: "* && $(wc -l <<<"$out") -eq 1 ]] &&
    pass "syntax error: exit 2, $out" || fail "syntax error gave exit $rc: $out"
[[ ! -e $work/bad.signed ]] && pass "nothing written" || fail "a signed file was written"
set +e
out=$("$dk" sign "$TB_SIGNED_UNSIGNED_FILE" --origin "$zone" --keys "$work/nokeys" 2>&1)
rc=$?
set -e
[[ $rc -eq 2 ]] && pass "missing key directory: exit 2" || fail "missing keys gave exit $rc: $out"

echo "== a zone with delegations, glue, wildcard, empty non-terminals"
cp "$TB_SIGNED_UNSIGNED_FILE" "$work/rich.zone"
cat >>"$work/rich.zone" <<ZONE
www      A     192.0.2.80
         AAAA  2001:db8::80
*.wild   TXT   "wildcard" "with;semicolon"
@        CAA   0 issue "letsencrypt.org"
_25._tcp.mx1 TLSA 3 1 1 0c019a2e059bcb663ac5fbb79c54a5345685821fc1459bae1c12ad543b397062
a.b.c.deep   A 192.0.2.9
sub      NS    ns.sub
sub      DS    12345 13 2 0c019a2e059bcb663ac5fbb79c54a5345685821fc1459bae1c12ad543b397062
ns.sub   A     192.0.2.53
insecure NS    ns.example.org.
ZONE
for denial in nsec nsec3; do
    flag=()
    [[ $denial == nsec3 ]] && flag=(--nsec3)
    "$dk" sign "$work/rich.zone" --origin "$zone" --keys "$TB_SIGNED_KEYS_DIR" -o "$work/rich.$denial" "${flag[@]}" >/dev/null
    ldns-verify-zone "$work/rich.$denial" >/dev/null 2>&1 && pass "$denial: ldns-verify-zone" ||
        fail "$denial: ldns-verify-zone: $(ldns-verify-zone "$work/rich.$denial" 2>&1 | tail -1)"
    dnssec-verify -q -o "$zone" "$work/rich.$denial" >/dev/null 2>&1 && pass "$denial: dnssec-verify" ||
        fail "$denial: dnssec-verify: $(dnssec-verify -o "$zone" "$work/rich.$denial" 2>&1 | tail -2)"
    named-checkzone -q -i full -k fail "$zone" "$work/rich.$denial" && pass "$denial: named-checkzone -i full -k fail" ||
        fail "$denial: named-checkzone: $(named-checkzone -i full -k fail "$zone" "$work/rich.$denial" 2>&1 | tail -2)"
done

echo "== Knot serves what danekeeper signed; Unbound validates it"
owner=_25._tcp.mx1.$zone
hash=$(openssl x509 -in "$TB_MX1_CERT" -noout -pubkey | openssl pkey -pubin -outform DER |
    openssl dgst -sha256 -binary | od -An -tx1 | tr -d ' \n')
cp "$TB_SIGNED_UNSIGNED_FILE" "$work/serve.zone"
echo "$owner. 5 IN TLSA 3 1 1 $hash" >>"$work/serve.zone"
"$dk" sign "$work/serve.zone" --origin "$zone" --keys "$TB_SIGNED_KEYS_DIR" -o "$TB_SIGNED_FILE" >/dev/null
reload
# validated_answer OWNER: Unbound's answer for OWNER's TLSA once it carries AD and the record,
# polled for up to 20 s: Unbound may hold a negative answer from an earlier test (negative TTL 5 s).
validated_answer() {
    local _
    for _ in $(seq 1 40); do
        answer=$(dig @"$TB_RESOLVER_ADDR" "$1" TLSA +dnssec +nosplit)
        grep -q 'flags:.* ad' <<<"$answer" && grep -qi "3 1 1 $hash" <<<"$answer" && return 0
        sleep 0.5
    done
    return 1
}
validated_answer "$owner" && pass "Unbound answers the TLSA with AD" || fail "no validated TLSA: $answer"

echo "== an incremental change re-signs a handful of RRsets"
owner2=_25._tcp.mx2.$zone
echo "$owner2. 5 IN TLSA 3 1 1 $hash" >>"$work/serve.zone"
json=$("$dk" sign "$work/serve.zone" --origin "$zone" --keys "$TB_SIGNED_KEYS_DIR" -o "$TB_SIGNED_FILE" --incremental --json)
made=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['signatures_made'])" "$json")
kept=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['signatures_kept'])" "$json")
# The new TLSA, the SOA (new serial), the new NSEC and the one before it.
[[ $made -eq 4 && $kept -gt 5 ]] && pass "incremental: $made made, $kept kept" ||
    fail "incremental: $made made, $kept kept ($json)"
reload
validated_answer "$owner2" && pass "the new TLSA validates" || fail "new TLSA: $answer"
ldns-verify-zone "$TB_SIGNED_FILE" >/dev/null 2>&1 && pass "incremental result verifies" ||
    fail "incremental result: $(ldns-verify-zone "$TB_SIGNED_FILE" 2>&1 | tail -1)"

echo "failures: $failures"
[[ $failures -eq 0 ]]
