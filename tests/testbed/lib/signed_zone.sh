# A second Knot that serves signed.test from a signed zone FILE (as danekeeper's signed-file
# publisher writes it), and the keys and trust anchor for it. The first version of the file is
# signed by ldns-signzone with the same BIND-format keys danekeeper then uses.

SIGNED_ZONE=signed.test

write_signed_zone_source() {
    local d=$DIR/signed
    mkdir -p "$d/keys"
    chmod 700 "$d/keys"
    cat >"$d/$SIGNED_ZONE.zone" <<ZONE
\$TTL 10
@    SOA ns1 hostmaster 1 5 5 120 5
     NS  ns1
     MX  10 mx1
     MX  20 mx2
ns1  A   $SIGNER
mx1  A   $MX1
mx2  A   $MX2
ZONE
    (cd "$d/keys" &&
        dnssec-keygen -q -a ECDSAP256SHA256 -f KSK "$SIGNED_ZONE" >ksk.name &&
        dnssec-keygen -q -a ECDSAP256SHA256 "$SIGNED_ZONE" >zsk.name) ||
        die "dnssec-keygen failed for $SIGNED_ZONE" 3
}

start_signed_knot() {
    local d=$DIR/knot-signed
    check_port_free "$SIGNER" 53
    write_signed_zone_source
    mkdir -p "$d/db" "$d/zones"
    ldns-signzone -o "$SIGNED_ZONE" -f "$d/zones/$SIGNED_ZONE.signed" "$DIR/signed/$SIGNED_ZONE.zone" \
        "$DIR/signed/keys/$(<"$DIR/signed/keys/ksk.name")" \
        "$DIR/signed/keys/$(<"$DIR/signed/keys/zsk.name")" || die "ldns-signzone failed" 3
    cat >"$d/knot.conf" <<CONF
server:
    rundir: "$d"
    pidfile: "$d/knot.pid"
    listen: $SIGNER@53
log:
  - target: stderr
    any: info
database:
    storage: "$d/db"
template:
  - id: default
    storage: "$d/zones"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
  - domain: $SIGNED_ZONE
    file: "$d/zones/$SIGNED_ZONE.signed"
CONF
    start_daemon knotd-signed /usr/sbin/knotd -c "$d/knot.conf"
    if ! wait_until "knotd to serve $SIGNED_ZONE signed" 20 signed_zone_served; then
        show_log_tail knotd-signed
        return 1
    fi
    dig @"$SIGNER" "$SIGNED_ZONE" DNSKEY +norec +noall +answer | awk '$5 == 257' >"$DIR/signed-anchor.dnskey"
    dnssec-dsfromkey -2 -f "$DIR/signed-anchor.dnskey" "$SIGNED_ZONE" >"$DIR/signed-anchor.ds"
}

signed_zone_served() {
    dig @"$SIGNER" "$SIGNED_ZONE" DNSKEY +norec +dnssec +time=1 +tries=1 | grep -q 'RRSIG.*DNSKEY'
}

# Lines for unbound.conf: the signed zone's trust anchor and a stub to its server (only once
# that server runs; example.test is configured as before either way).
unbound_signed_zone_server_lines() {
    [[ -s $DIR/signed-anchor.ds ]] || return 0
    printf '    trust-anchor-file: "%s"\n    local-zone: "%s." transparent\n' \
        "$DIR/signed-anchor.ds" "$SIGNED_ZONE"
}

unbound_signed_zone_stub_lines() {
    [[ -s $DIR/signed-anchor.ds ]] || return 0
    printf 'stub-zone:\n    name: "%s."\n    stub-addr: %s\n    stub-prime: no\n' "$SIGNED_ZONE" "$SIGNER"
}
