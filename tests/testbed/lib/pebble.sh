# Pebble ACME test server, on loopback, resolving dns-01 through the testbed primary. Its
# certificates last 90 days as a public CA's do (Pebble's own default, 5 years, is beyond the
# bound `hook deliver` holds chains to).

start_pebble() {
    local d=$DIR/pebble
    check_port_free "$PEBBLE" 14000
    check_port_free "$PEBBLE" 15000
    mkdir -p "$d"
    issue_leaf "$d/https" "IP:$PEBBLE"
    cat >"$d/pebble.json" <<CONF
{
  "pebble": {
    "listenAddress": "$PEBBLE:14000",
    "managementListenAddress": "$PEBBLE:15000",
    "certificate": "$d/https.pem",
    "privateKey": "$d/https.key",
    "httpPort": 5002,
    "tlsPort": 5001,
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false,
    "certificateValidityPeriod": 7776000
  }
}
CONF
    start_daemon pebble /usr/bin/env PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 PEBBLE_AUTHZREUSE=0 \
        /usr/bin/pebble -config "$d/pebble.json" -dnsserver "$PRIMARY:53"
    if ! wait_until "pebble's directory" 20 curl -sf --cacert "$DIR/ca/ca.pem" "https://$PEBBLE:14000/dir"; then
        show_log_tail pebble
        return 1
    fi
    curl -sf --cacert "$DIR/ca/ca.pem" "https://$PEBBLE:15000/roots/0" >"$d/root.pem"
}
