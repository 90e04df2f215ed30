#!/bin/bash
# The testbed's first integration test: a TLSA record added with TSIG through each signing
# primary (BIND, with its Knot secondary; Knot; PowerDNS) is served signed and validated (AD bit) by
# Unbound; STARTTLS with mx1 and mx2, implicit TLS with mx1:465 and every Dovecot listener
# (IMAP/POP3 STARTTLS, IMAPS, POP3S) succeed. Tooling here is nsupdate, dig and openssl.
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

hash=$(openssl x509 -in "$TB_MX1_CERT" -noout -pubkey | openssl pkey -pubin -outform DER |
    openssl dgst -sha256 -binary | od -An -tx1 | tr -d ' \n')
cleanups=()
run_cleanups() {
    local c
    for c in "${cleanups[@]}"; do eval "$c" || true; done
}
trap run_cleanups EXIT

nsupdate_send() {  # nsupdate_send SERVER ZONE COMMAND
    printf 'server %s\nzone %s\n%s\nsend\n' "$1" "$2" "$3" | nsupdate -k "$TB_TSIG_KEY_FILE"
}

serves_signed() {  # serves_signed SERVER OWNER
    dig @"$1" "$2" TLSA +norec +dnssec +nosplit | grep -q "RRSIG.*TLSA" &&
        dig @"$1" "$2" TLSA +norec +short +nosplit | tr -d ' ' | grep -qi "311$hash"
}

resolver_validates() {  # resolver_validates OWNER
    local out
    out=$(dig @"$TB_RESOLVER_ADDR" "$1" TLSA +dnssec +nosplit)
    grep -q 'flags:.* ad' <<<"$out" && grep -qi "$hash" <<<"$out"
}

# check_primary NAME ZONE PRIMARY_ADDR [SECONDARY_ADDR]: a TLSA added with TSIG at the primary
# is served signed (by the secondary too) and validated by the resolver.
check_primary() {
    local name=$1 zone=$2 primary=$3 secondary=${4:-} owner start
    owner=_25._tcp.mx1.$zone
    cleanups+=("nsupdate_send $primary $zone 'update delete $owner. 5 IN TLSA 3 1 1 $hash'")
    start=$(date +%s%3N)
    nsupdate_send "$primary" "$zone" "update add $owner. 5 IN TLSA 3 1 1 $hash" &&
        pass "$name: nsupdate with TSIG accepted" || fail "$name: nsupdate refused"
    if poll_until 10 serves_signed "$primary" "$owner"; then
        pass "$name: primary serves the TLSA with its RRSIG after $(($(date +%s%3N) - start)) ms"
    else
        fail "$name: primary did not serve the signed TLSA within 10 s"
    fi
    if [[ -n $secondary ]]; then
        if poll_until 10 serves_signed "$secondary" "$owner"; then
            pass "$name: secondary serves the TLSA with its RRSIG after $(($(date +%s%3N) - start)) ms"
        else
            fail "$name: secondary did not serve the signed TLSA within 10 s"
        fi
    fi
    if poll_until 10 resolver_validates "$owner"; then
        pass "$name: resolver answers with the AD bit after $(($(date +%s%3N) - start)) ms"
    else
        fail "$name: resolver did not validate the TLSA within 10 s"
    fi
}

check_primary BIND example.test "$TB_PRIMARY_ADDR" "$TB_SECONDARY_ADDR"
check_primary Knot "$TB_KNOT_PRIMARY_ZONE" "$TB_KNOT_PRIMARY_ADDR"
check_primary PowerDNS "$TB_PDNS_ZONE" "$TB_PDNS_PRIMARY_ADDR"

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
