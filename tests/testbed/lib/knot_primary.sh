# Knot DNS as a second signing primary: serves knot-primary.test, signs it itself
# (dnssec-signing with its own policy) and takes RFC 2136 updates signed with the testbed's
# TSIG keys (the same dk-sha256/dk-sha512 secrets BIND accepts).

KNOT_PRIMARY_ZONE=knot-primary.test

start_knot_primary() {
    local d=$DIR/knot-primary
    check_port_free "$KNOT_PRIMARY" 53
    mkdir -p "$d/db" "$d/zones"
    cat >"$d/zones/$KNOT_PRIMARY_ZONE.zone" <<ZONE
\$ORIGIN $KNOT_PRIMARY_ZONE.
\$TTL 10
@    SOA ns1 hostmaster 1 5 5 120 5
     NS  ns1
     MX  10 mx1
     MX  20 mx2
ns1  A   $KNOT_PRIMARY
$(ext_ns_zone_lines)
mx1  A   $MX1
mx2  A   $MX2
ZONE
    cat >"$d/knot.conf" <<CONF
server:
    rundir: "$d"
    pidfile: "$d/knot.pid"
    listen: $KNOT_PRIMARY@53
log:
  - target: stderr
    any: info
database:
    storage: "$d/db"
key:
  - id: dk-sha256
    algorithm: hmac-sha256
    secret: $(tsig_secret "$DIR/keys/dk-sha256.key")
  - id: dk-sha512
    algorithm: hmac-sha512
    secret: $(tsig_secret "$DIR/keys/dk-sha512.key")
acl:
  - id: update_by_key
    address: 127.0.0.0/8
    key: [dk-sha256, dk-sha512]
    action: [update, transfer]
policy:
  - id: testbed
    algorithm: ecdsap256sha256
    single-type-signing: on
    ksk-lifetime: 0
    zsk-lifetime: 0
    dnskey-ttl: 10
    zone-max-ttl: 60
    propagation-delay: 1
template:
  - id: default
    storage: "$d/zones"
    file: "%s.zone"
    journal-content: all
    zonefile-sync: 0
    zonefile-load: difference-no-serial
    serial-policy: increment
zone:
  - domain: $KNOT_PRIMARY_ZONE
    dnssec-signing: on
    dnssec-policy: testbed
    acl: update_by_key
CONF
    start_daemon knotd-primary /usr/sbin/knotd -c "$d/knot.conf"
    if ! wait_until "knotd to serve $KNOT_PRIMARY_ZONE signed" 20 zone_served_signed "$KNOT_PRIMARY" "$KNOT_PRIMARY_ZONE"; then
        show_log_tail knotd-primary
        return 1
    fi
    write_zone_anchor "$KNOT_PRIMARY" "$KNOT_PRIMARY_ZONE" "$DIR/knot-primary-anchor"
}
