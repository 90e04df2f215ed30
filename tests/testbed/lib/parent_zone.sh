# The parent zone "test." on a Knot of its own ($PARENT): signed by ldns-signzone with its own
# keys, it delegates every testbed zone (NS + glue) and serves each one's DS (from the anchors the
# zones' servers wrote). Its DS is the anchor a configuration names as [dns] parent_anchor_file
# ($DIR/parent-anchor.ds). Unbound keeps its child anchors and reaches test. by a stub without an
# anchor (danekeeper validates what it answers for test. itself); danekeeper asks this server
# directly or finds it from test.'s NS RRset.
# `testbed.sh parent-ds DIR ZONE FILE` replaces ZONE's DS RRset, as a registrar would.

PARENT_ZONE=test.

# Each delegated zone, its server, and the file its DS comes from.
parent_delegations() {
    printf '%s %s %s\n' example.test "$PRIMARY" "$DIR/anchor.ds" \
        "$SIGNED_ZONE" "$SIGNER" "$DIR/signed-anchor.ds" \
        "$KNOT_PRIMARY_ZONE" "$KNOT_PRIMARY" "$DIR/knot-primary-anchor.ds" \
        "$PDNS_PRIMARY_ZONE" "$PDNS_PRIMARY" "$DIR/pdns-anchor.ds"
}

# Writes test. from the delegations and the DS files under $DIR/parent/ds/, signs it.
sign_parent_zone() {
    local d=$DIR/parent serial
    serial=$(($(cat "$d/serial" 2>/dev/null || echo 0) + 1))
    echo "$serial" >"$d/serial"
    {
        printf '$TTL 3\n@ SOA ns.test. hostmaster.test. %s 5 5 60 3\n  NS ns\nns A %s\n' \
            "$serial" "$PARENT"
        local zone addr ds
        while read -r zone addr ds; do
            zone=${zone%.}
            printf '%s. NS ns1.%s.\nns1.%s. A %s\n' "$zone" "$zone" "$zone" "$addr"
            # DS lines only, whatever their owner spelling; TTL 3 (tests wait it out).
            awk -v z="$zone." '$0 !~ /^;/ && / DS / {
                for (i = 1; i <= NF; i++) if ($i == "DS") break
                printf "%s 3 IN DS", z; for (j = i + 1; j <= NF; j++) printf " %s", $j; print ""
            }' "$d/ds/$zone" 2>/dev/null || true
        done < <(parent_delegations)
    } >"$d/test.zone"
    ldns-signzone -o "$PARENT_ZONE" -f "$d/test.signed" "$d/test.zone" \
        "$d/keys/$(<"$d/keys/ksk")" "$d/keys/$(<"$d/keys/zsk")" || die "ldns-signzone failed for test." 3
}

# A small signed root zone "." on the same Knot: it delegates test. (NS, glue) with test.'s DS;
# its DS is the anchor $DIR/root-anchor.ds (a chain root -> test. -> the zones).
sign_root_zone() {
    local d=$DIR/parent/root
    mkdir -p "$d/keys"
    (cd "$d/keys" && dnssec-keygen -q -a ECDSAP256SHA256 -f KSK . >ksk &&
        dnssec-keygen -q -a ECDSAP256SHA256 . >zsk) || die "dnssec-keygen failed for ." 3
    {
        printf '$TTL 3\n. SOA ns.test. hostmaster.test. 1 5 5 60 3\n. NS ns.test.\n'
        printf 'test. NS ns.test.\nns.test. A %s\n' "$PARENT"
        dnssec-dsfromkey -2 "$DIR/parent/keys/$(<"$DIR/parent/keys/ksk").key" |
            awk '{for (i = 1; i <= NF; i++) if ($i == "DS") break
                  printf "test. 3 IN DS"; for (j = i + 1; j <= NF; j++) printf " %s", $j; print ""}'
    } >"$d/root.zone"
    ldns-signzone -o . -f "$d/root.signed" "$d/root.zone" \
        "$d/keys/$(<"$d/keys/ksk")" "$d/keys/$(<"$d/keys/zsk")" || die "ldns-signzone failed for ." 3
    dnssec-dsfromkey -2 "$d/keys/$(<"$d/keys/ksk").key" >"$DIR/root-anchor.ds"
}

start_parent_knot() {
    local d=$DIR/parent zone addr ds
    check_port_free "$PARENT" 53
    mkdir -p "$d/db" "$d/keys" "$d/ds"
    (cd "$d/keys" && dnssec-keygen -q -a ECDSAP256SHA256 -f KSK "$PARENT_ZONE" >ksk &&
        dnssec-keygen -q -a ECDSAP256SHA256 "$PARENT_ZONE" >zsk) || die "dnssec-keygen failed for test." 3
    while read -r zone addr ds; do
        [[ -s $ds ]] && cp "$ds" "$d/ds/$zone"
    done < <(parent_delegations)
    sign_parent_zone
    sign_root_zone
    cat >"$d/knot.conf" <<CONF
server:
    rundir: "$d"
    pidfile: "$d/knot.pid"
    listen: $PARENT@53
log:
  - target: stderr
    any: info
database:
    storage: "$d/db"
template:
  - id: default
    storage: "$d"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
  - domain: $PARENT_ZONE
    file: "$d/test.signed"
  - domain: .
    file: "$d/root/root.signed"
CONF
    start_daemon knotd-parent /usr/sbin/knotd -c "$d/knot.conf"
    if ! wait_until "knotd to serve test. signed" 20 parent_zone_served; then
        show_log_tail knotd-parent
        return 1
    fi
    dnssec-dsfromkey -2 "$d/keys/$(<"$d/keys/ksk").key" >"$DIR/parent-anchor.ds"
}

parent_zone_served() {
    dig @"$PARENT" "$PARENT_ZONE" DNSKEY +norec +dnssec +time=1 +tries=1 | grep -q 'RRSIG.*DNSKEY'
}

# ZONE's DS RRset at the parent := the DS records in FILE (e.g. `danekeeper dnssec ds` output);
# returns once the parent serves the new serial.
parent_set_ds() {
    local zone=${1%.} file=$2 d=$DIR/parent
    [[ -d $d/ds ]] || die "no parent zone under $DIR" 3
    cp "$file" "$d/ds/$zone"
    sign_parent_zone
    knotc -c "$d/knot.conf" zone-reload "$PARENT_ZONE" >/dev/null || die "knotc zone-reload failed" 3
    local want
    want=$(<"$d/serial")
    parent_serial_is() { [[ $(dig @"$PARENT" "$PARENT_ZONE" SOA +norec +short +time=1 +tries=1 | awk '{print $3}') == "$want" ]]; }
    wait_until "the parent to serve serial $want" 10 parent_serial_is || die "the parent did not reload" 3
}

# Unbound reaches the parent zone test. and the root . (no anchor there: its answers are insecure, and
# danekeeper validates them itself from the parent's anchor when it finds the parent's servers).
unbound_parent_zone_server_lines() {
    printf '    local-zone: "%s" transparent\n' "$PARENT_ZONE"
}
unbound_parent_zone_stub_lines() {
    printf 'stub-zone:\n    name: "%s"\n    stub-addr: %s\n    stub-prime: no\n' "$PARENT_ZONE" "$PARENT"
    printf 'stub-zone:\n    name: "."\n    stub-addr: %s\n    stub-prime: no\n' "$PARENT"
}
