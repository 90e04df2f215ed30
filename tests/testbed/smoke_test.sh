#!/bin/bash
# The testbed's first integration test: a TLSA record added through the primary with TSIG is
# served signed by the Knot secondary and validated (AD bit) by Unbound; STARTTLS with mx1 and
# mx2, implicit TLS with mx1:465 and every Dovecot listener (IMAP/POP3 STARTTLS, IMAPS, POP3S)
# succeed. Tooling here is nsupdate, dig and openssl.
set -euo pipefail
# shellcheck source=/dev/null
source "$1"
failures=0
pass() { echo "ok: $*"; }
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# poll_until SECONDS COMMAND...: every 50 ms, no fixed sleeps.
poll_until() {
    local deadline=$(($(date +%s%3N) + $1 * 1000))
    shift
    until "$@" >/dev/null 2>&1; do
        (($(date +%s%3N) < deadline)) || return 1
        sleep 0.05
    done
}

owner=_25._tcp.mx1.example.test
hash=$(openssl x509 -in "$TB_MX1_CERT" -noout -pubkey | openssl pkey -pubin -outform DER |
    openssl dgst -sha256 -binary | od -An -tx1 | tr -d ' \n')
record="$owner. 5 IN TLSA 3 1 1 $hash"

nsupdate_send() {
    printf 'server %s\nzone example.test\n%s\nsend\n' "$TB_PRIMARY_ADDR" "$1" | nsupdate -k "$TB_TSIG_KEY_FILE"
}
cleanup() { nsupdate_send "update delete $owner. 5 IN TLSA 3 1 1 $hash" || true; }
trap cleanup EXIT

start=$(date +%s%3N)
nsupdate_send "update add $record" && pass "nsupdate with TSIG accepted" || fail "nsupdate refused"

secondary_serves_signed() {
    dig @"$TB_SECONDARY_ADDR" "$owner" TLSA +norec +dnssec +nosplit | grep -q "RRSIG.*TLSA" &&
        dig @"$TB_SECONDARY_ADDR" "$owner" TLSA +norec +short +nosplit | tr -d ' ' | grep -qi "311$hash"
}
if poll_until 10 secondary_serves_signed; then
    pass "secondary serves the TLSA with its RRSIG after $(($(date +%s%3N) - start)) ms"
else
    fail "secondary did not serve the signed TLSA within 10 s"
fi

resolver_validates() {
    local out
    out=$(dig @"$TB_RESOLVER_ADDR" "$owner" TLSA +dnssec +nosplit)
    grep -q 'flags:.* ad' <<<"$out" && grep -qi "$hash" <<<"$out"
}
if poll_until 10 resolver_validates; then
    pass "resolver answers with the AD bit after $(($(date +%s%3N) - start)) ms"
else
    fail "resolver did not validate the TLSA within 10 s"
fi

handshake() {  # handshake ADDR PORT STARTTLS_ARGS...
    local addr=$1 port=$2
    shift 2
    echo QUIT | timeout 5 openssl s_client -connect "$addr:$port" -CAfile "$TB_CA_CERT" \
        -verify_return_error "$@" 2>&1 | grep -q 'Verify return code: 0 (ok)'
}
handshake "$TB_MX1_ADDR" 25 -starttls smtp -servername "$TB_MX1_HOST" && pass "STARTTLS with mx1" || fail "STARTTLS with mx1"
handshake "$TB_MX2_ADDR" 25 -starttls smtp -servername "$TB_MX2_HOST" && pass "STARTTLS with mx2" || fail "STARTTLS with mx2"
handshake "$TB_MX1_ADDR" 465 -servername "$TB_MX1_HOST" && pass "implicit TLS with mx1:465" || fail "implicit TLS with mx1:465"
for spec in "143 -starttls imap" "1143 -starttls imap" "993" "110 -starttls pop3" "1110 -starttls pop3" "995"; do
    read -r port starttls <<<"$spec"
    # shellcheck disable=SC2086 # starttls is empty or two words
    handshake "$TB_DOVECOT_ADDR" "$port" $starttls -servername "$TB_DOVECOT_HOST" &&
        pass "Dovecot TLS on $port${starttls:+ ($starttls)}" || fail "Dovecot TLS on $port${starttls:+ ($starttls)}"
done

exit $((failures > 0))
