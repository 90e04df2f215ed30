# PowerDNS Authoritative as a third signing primary: serves pdns.test from the gsqlite3 backend,
# signs it live (pdnsutil secure-zone: one ECDSA P-256 CSK) and takes RFC 2136 updates signed
# with the testbed's dk-sha256/dk-sha512 TSIG keys (imported under the same names and secrets).

PDNS_PRIMARY_ZONE=pdns.test

pdnsutil_as_pdns() { runuser -u pdns -- pdnsutil --config-dir="$DIR/pdns" "$@"; }

start_pdns() {
    local d=$DIR/pdns
    check_port_free "$PDNS_PRIMARY" 53
    mkdir -p "$d"
    # pdns opens the database (WAL) after dropping to its user: the directory must be its own.
    chown pdns:pdns "$d"
    cat >"$d/$PDNS_PRIMARY_ZONE.zone" <<ZONE
\$ORIGIN $PDNS_PRIMARY_ZONE.
\$TTL 10
@    SOA ns1 hostmaster 1 5 5 120 5
     NS  ns1
     MX  10 mx1
     MX  20 mx2
ns1  A   $PDNS_PRIMARY
mx1  A   $MX1
mx2  A   $MX2
ZONE
    cat >"$d/pdns.conf" <<CONF
launch=gsqlite3
gsqlite3-database=$d/pdns.sqlite3
gsqlite3-dnssec=yes
local-address=$PDNS_PRIMARY
local-port=53
setuid=pdns
setgid=pdns
socket-dir=$d
daemon=no
guardian=no
dnsupdate=yes
allow-dnsupdate-from=
default-ksk-algorithm=ecdsa256
default-zsk-algorithm=
security-poll-suffix=
webserver=no
api=no
CONF
    runuser -u pdns -- python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).executescript(open(sys.argv[2]).read())' \
        "$d/pdns.sqlite3" /usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql ||
        die "cannot create the PowerDNS database" 3
    if ! pdns_load_zone "$d" >>"$DIR/logs/pdnsutil.log" 2>&1; then
        tail -n 20 "$DIR/logs/pdnsutil.log" >&2
        die "pdnsutil could not set up $PDNS_PRIMARY_ZONE" 3
    fi
    start_daemon pdns /usr/sbin/pdns_server --config-dir="$d"
    if ! wait_until "pdns_server to serve $PDNS_PRIMARY_ZONE signed" 20 zone_served_signed "$PDNS_PRIMARY" "$PDNS_PRIMARY_ZONE"; then
        show_log_tail pdns
        return 1
    fi
    write_zone_anchor "$PDNS_PRIMARY" "$PDNS_PRIMARY_ZONE" "$DIR/pdns-anchor"
}

# The zone, its live signing, and who may update it: only TSIG-signed updates with the testbed's
# keys, only from loopback (the global allow-dnsupdate-from is empty).
pdns_load_zone() {
    local d=$1 entry
    pdnsutil_as_pdns load-zone "$PDNS_PRIMARY_ZONE" "$d/$PDNS_PRIMARY_ZONE.zone" || return 1
    pdnsutil_as_pdns secure-zone "$PDNS_PRIMARY_ZONE" || return 1
    pdnsutil_as_pdns set-meta "$PDNS_PRIMARY_ZONE" SOA-EDIT-DNSUPDATE INCREASE || return 1
    pdnsutil_as_pdns set-meta "$PDNS_PRIMARY_ZONE" ALLOW-DNSUPDATE-FROM 127.0.0.0/8 || return 1
    for entry in dk-sha256:hmac-sha256 dk-sha512:hmac-sha512; do
        pdnsutil_as_pdns import-tsig-key "${entry%%:*}" "${entry#*:}" \
            "$(tsig_secret "$DIR/keys/${entry%%:*}.key")" || return 1
    done
    pdnsutil_as_pdns set-meta "$PDNS_PRIMARY_ZONE" TSIG-ALLOW-DNSUPDATE dk-sha256 dk-sha512 || return 1
    pdnsutil_as_pdns rectify-zone "$PDNS_PRIMARY_ZONE"
}
