# Unbound: validating resolver with the test zone's trust anchor and a stub to its servers.

start_unbound() {
    local d=$DIR/unbound
    check_port_free "$RESOLVER" 53
    mkdir -p "$d"
    cat >"$d/unbound.conf" <<CONF
server:
    interface: $RESOLVER
    port: 53
    do-ip6: no
    access-control: 127.0.0.0/8 allow
    do-not-query-localhost: no
    outgoing-interface: $RESOLVER
    username: ""
    chroot: ""
    directory: "$d"
    pidfile: "$d/unbound.pid"
    use-syslog: no
    logfile: ""
    verbosity: 1
    do-daemonize: no
    module-config: "validator iterator"
    trust-anchor-file: "$DIR/anchor.ds"
    local-zone: "example.test." transparent
    cache-max-ttl: 30
    cache-max-negative-ttl: 5
    val-log-level: 2
$(unbound_signed_zone_server_lines)
$(unbound_extra_zone_server_lines)
$(unbound_parent_zone_server_lines)
stub-zone:
    name: "example.test."
    stub-addr: $PRIMARY
    stub-addr: $SECONDARY
    stub-prime: no
$(unbound_signed_zone_stub_lines)
$(unbound_extra_zone_stub_lines)
$(unbound_parent_zone_stub_lines)
remote-control:
    control-enable: yes
    control-interface: $RESOLVER
    control-port: 8953
    control-use-cert: no
CONF
    start_daemon unbound /usr/sbin/unbound -d -c "$d/unbound.conf"
    if ! wait_until "unbound to answer with the AD bit" 20 resolver_validates; then
        show_log_tail unbound
        return 1
    fi
}

resolver_validates() {
    dig @"$RESOLVER" mx1.example.test A +dnssec +time=1 +tries=1 | grep -q 'flags:.* ad'
}

# Lines for unbound.conf: for every extra signed zone whose anchor exists, its trust anchor and
# transparency (server lines) or its stub (stub lines). Entries are ZONE:SERVER:ANCHOR_PREFIX.
extra_zones() {
    echo "$KNOT_PRIMARY_ZONE:$KNOT_PRIMARY:$DIR/knot-primary-anchor"
    echo "$PDNS_PRIMARY_ZONE:$PDNS_PRIMARY:$DIR/pdns-anchor"
}

unbound_extra_zone_server_lines() {
    local zone server anchor
    while IFS=: read -r zone server anchor; do
        [[ -s $anchor.ds ]] || continue
        printf '    trust-anchor-file: "%s"\n    local-zone: "%s." transparent\n' "$anchor.ds" "$zone"
    done < <(extra_zones)
}

unbound_extra_zone_stub_lines() {
    local zone server anchor
    while IFS=: read -r zone server anchor; do
        [[ -s $anchor.ds ]] || continue
        printf 'stub-zone:\n    name: "%s."\n    stub-addr: %s\n    stub-prime: no\n' "$zone" "$server"
    done < <(extra_zones)
}
