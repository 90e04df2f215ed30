# Knot DNS secondary: follows the primary by NOTIFY + IXFR.

# write_knot_secondary_config DIR LISTEN VIA: the configuration of a Knot secondary of
# example.test in DIR (knot.conf, db/, zones/) listening on LISTEN ("ADDR@53" or "[ A@53, B@53 ]")
# that transfers from the primary via VIA and takes its NOTIFY.
write_knot_secondary_config() {
    local d=$1 listen=$2 via=$3
    mkdir -p "$d/db" "$d/zones"
    cat >"$d/knot.conf" <<CONF
server:
    rundir: "$d"
    pidfile: "$d/knot.pid"
    listen: $listen
log:
  - target: stderr
    any: info
database:
    storage: "$d/db"
remote:
  - id: primary
    address: $PRIMARY@53
    via: $via
acl:
  - id: notify_from_primary
    address: $PRIMARY
    action: notify
template:
  - id: default
    storage: "$d/zones"
zone:
  - domain: example.test
    master: primary
    acl: notify_from_primary
CONF
}

start_knot() {
    local d=$DIR/knot
    check_port_free "$SECONDARY" 53
    write_knot_secondary_config "$d" "$SECONDARY@53" "$SECONDARY"
    start_daemon knotd /usr/sbin/knotd -c "$d/knot.conf"
    if ! wait_until "knotd to serve the primary's serial" 20 secondary_in_sync; then
        show_log_tail knotd
        return 1
    fi
}

secondary_in_sync() {
    local want got
    want=$(primary_serial)
    got=$(dig @"$SECONDARY" example.test SOA +norec +short +time=1 +tries=1 | awk '{print $3}')
    [[ -n $want && $want == "$got" ]] && dig @"$SECONDARY" example.test DNSKEY +norec +dnssec +time=1 +tries=1 | grep -q RRSIG
}
