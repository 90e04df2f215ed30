# The out-of-zone secondary: example.test has an NS ns-ext.knot-primary.test., a name in another
# signed zone the resolver validates (lib/knot_primary.sh serves its A and AAAA). It is a Knot
# secondary of example.test on EXT_NS (IPv4) and, when this testbed holds the machine-wide ::1
# lock, on [::1]:53 as well. ::1 is shared by every testbed on the machine: a holder process
# (recorded as ipv6-lock, stopped by pid at down) keeps the lock while the testbed is up; a
# testbed that cannot get it serves no ::1 and says so in TB_EXT_NS_IPV6_SKIP.

EXT_NS_NAME=ns-ext.knot-primary.test.
IPV6_LOCK=/run/lock/danekeeper-testbed-ipv6.lock
IPV6_ADDR=::1
IPV6=no
IPV6_SKIP=""

ipv6_lock_decided() { [[ -f $2 ]] || ! kill -0 "$1" 2>/dev/null; }

take_ipv6_lock() {
    local held=$DIR/ipv6-lock.held pid
    rm -f "$held"
    if [[ -n $IPV6_SKIP ]]; then
        log "$IPV6_SKIP: no IPv6 listener"
        return 0
    fi
    if ! ip -6 addr show dev lo | grep -q "inet6 $IPV6_ADDR/128"; then
        IPV6_SKIP="no $IPV6_ADDR on lo"
        log "$IPV6_SKIP: no IPv6 listener"
        return 0
    fi
    # The lock is held by fd 9 of the subshell, which becomes the holder process (exec).
    (cd "$DIR" && exec 9>"$IPV6_LOCK" && flock -n 9 && echo held >"$held" &&
        exec setsid sleep infinity </dev/null >/dev/null 2>&1) 2>/dev/null &
    pid=$!
    wait_until "the $IPV6_LOCK lock" 5 ipv6_lock_decided "$pid" "$held" || true
    if [[ -f $held ]]; then
        record_pid ipv6-lock "$pid"
        IPV6=yes
    else
        kill "$pid" 2>/dev/null || true
        IPV6_SKIP="another testbed holds $IPV6_LOCK"
        log "$IPV6_SKIP: starting without the $IPV6_ADDR listener"
    fi
}

# Lines for the knot-primary.test zone: ns-ext's addresses.
ext_ns_zone_lines() {
    printf 'ns-ext A %s\n' "$EXT_NS"
    [[ $IPV6 == yes ]] && printf 'ns-ext AAAA %s\n' "$IPV6_ADDR"
    return 0
}

write_knot_ext_config() {
    local listen="$EXT_NS@53"
    [[ $IPV6 == yes ]] && listen="[ $EXT_NS@53, $IPV6_ADDR@53 ]"
    write_knot_secondary_config "$DIR/knot-ext" "$listen" "$EXT_NS"
}

start_knot_ext() {
    check_port_free "$EXT_NS" 53
    [[ $IPV6 == yes ]] && check_port_free "[$IPV6_ADDR]" 53
    write_knot_ext_config
    launch_knot_ext
}

# Starts the out-of-zone secondary as configured (also after ext-stop) and waits until it serves
# the primary's serial on each of its addresses.
launch_knot_ext() {
    start_daemon knotd-ext /usr/sbin/knotd -c "$DIR/knot-ext/knot.conf"
    local addr
    for addr in "$EXT_NS" $([[ $IPV6 == yes ]] && echo "$IPV6_ADDR"); do
        if ! wait_until "knotd-ext to serve the primary's serial at $addr" 20 server_in_sync "$addr"; then
            show_log_tail knotd-ext
            return 1
        fi
    done
}

server_in_sync() {
    local want got
    want=$(primary_serial)
    got=$(dig @"$1" example.test SOA +norec +short +time=1 +tries=1 | awk '{print $3}')
    [[ -n $want && $want == "$got" ]]
}
