#!/bin/bash
# `config check` warns (exit 0, still "ok") when [metrics] listen is a wildcard address, and says
# nothing about a loopback one.
set -u
dk=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf 'key "dk" { algorithm hmac-sha256; secret "c2VjcmV0c2VjcmV0c2VjcmV0"; };\n' >"$dir/tsig.key"
chmod 600 "$dir/tsig.key"
write_config() {  # write_config LISTEN
    cat >"$dir/dk.toml" <<TOML
state_dir = "$dir/state"
[[zone]]
name = "example.net"
primary = "192.0.2.53:53"
tsig_key_file = "$dir/tsig.key"
[[key]]
name = "mx"
endpoints = ["mx1.example.net:25"]
cert_file = "$dir/chain.pem"
key_file = "$dir/key.pem"
issue_command = ["/bin/true", "{csr}", "{chain}"]
[metrics]
listen = "$1"
TOML
}
failures=0
check() {  # check LISTEN WANT_WARNING
    write_config "$1"
    local out rc
    out=$("$dk" --config "$dir/dk.toml" config check 2>&1)
    rc=$?
    local warned=no
    grep -qF "lint warning metrics-listen-wildcard metrics.listen: '$1' serves the metrics on every address" <<<"$out" && warned=yes
    if [[ $rc -ne 0 || $warned != "$2" ]] || ! grep -q "^ok: 1 zones, 1 key slots" <<<"$out"; then
        echo "FAIL: listen $1 -> rc=$rc warned=$warned (want 0, $2), output: $out"
        failures=$((failures + 1))
    else
        echo "ok: listen $1 -> rc=$rc warned=$warned"
    fi
}
check "0.0.0.0:9464" yes
check "[::]:9464" yes
check "127.0.0.1:9464" no
check "[::1]:9464" no
exit $((failures > 0))
