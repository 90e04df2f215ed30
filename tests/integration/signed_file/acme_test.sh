#!/bin/bash
# certificates = "acme" on a publisher = "signed-file" zone: dns-01 goes through the signed-file
# publisher. A Pebble of the test's own resolves through the signed.test server (the testbed's
# Pebble asks BIND, which serves example.test only). `run` adopts mx1's key, finds its
# certificate due and renews it over ACME: the _acme-challenge TXT records are added to our
# records, the zone signed and written, Knot reloaded, the TXT checked on signed.test's server,
# the order finalised, and the TXT removed (signed and written again).
# Usage: acme_test.sh ENV_FILE DANEKEEPER_BIN
set -euo pipefail
env_file=$1 dk_bin=$2
# shellcheck source=/dev/null
source "$env_file"
repo=$(cd "$(dirname "$0")/../../.." && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/dk-signed-acme-XXXXXX)
chmod 755 "$work"  # postfix reads the served files below it
mkdir -p "$work/served"
pebble_pid=""
cp "$TB_SIGNED_FILE" "$work/signed-before"
cleanup() {
    if [[ -n $pebble_pid ]]; then
        kill "$pebble_pid" 2>/dev/null || true
        wait "$pebble_pid" 2>/dev/null || true
    fi
    "$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$TB_MX1_CHAIN" || true
    "$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$TB_MX2_CHAIN" || true
    { cp "$work/signed-before" "$TB_SIGNED_FILE" &&
        knotc -c "$TB_SIGNED_KNOT_CONF" -b zone-reload "$TB_SIGNED_ZONE" >/dev/null; } || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*"
    [[ -f $work/runs.log ]] && tail -n 40 "$work/runs.log"
    exit 1
}

echo "== a Pebble of our own, resolving dns-01 through $TB_SIGNED_SERVER"
pebble_port=14200
cat >"$work/pebble.json" <<CONF
{"pebble": {"listenAddress": "$TB_PEBBLE_ADDR:$pebble_port",
  "managementListenAddress": "$TB_PEBBLE_ADDR:$((pebble_port + 1000))",
  "certificate": "$TB_DIR/pebble/https.pem", "privateKey": "$TB_DIR/pebble/https.key",
  "httpPort": 5002, "tlsPort": 5001, "ocspResponderURL": "",
  "externalAccountBindingRequired": false,
  "certificateValidityPeriod": 7776000}}
CONF
PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 PEBBLE_AUTHZREUSE=0 \
    /usr/bin/pebble -config "$work/pebble.json" -dnsserver "$TB_SIGNED_SERVER" >"$work/pebble.log" 2>&1 &
pebble_pid=$!
directory="https://$TB_PEBBLE_ADDR:$pebble_port/dir"
for _ in $(seq 1 100); do
    curl -sf --cacert "$TB_PEBBLE_TLS_CA" "$directory" >/dev/null && break
    sleep 0.1
done
curl -sf --cacert "$TB_PEBBLE_TLS_CA" "https://$TB_PEBBLE_ADDR:$((pebble_port + 1000))/roots/0" \
    >"$work/pebble-root.pem" || { cat "$work/pebble.log"; fail "pebble did not start"; }

args=(-e "s|@STATE_DIR@|$work/state|g" -e "s|@SERVED_DIR@|$work/served|g" -e "s|@REPO@|$repo|g")
while IFS='=' read -r key value; do
    [[ $key == TB_* ]] && args+=(-e "s|@${key}@|${value}|g")
done <"$env_file"
sed "${args[@]}" "$here/signed.toml.in" |
    sed -e 's/^certificates = "command"/certificates = "acme"/' -e '/^issue_command/d' >"$work/dk.toml"
cat >>"$work/dk.toml" <<TOML

[acme]
directory = "$directory"
contact = ["mailto:hostmaster@$TB_SIGNED_ZONE"]
ca_bundle = "$TB_PEBBLE_TLS_CA"
issuer_ca_file = "$work/pebble-root.pem"
challenge = "dns-01"
TOML
# shellcheck source=../helpers.sh
source "$repo/tests/integration/helpers.sh"
dk config check

echo "== adopt mx1's key; its certificate is due: renewed over ACME, dns-01 in the signed file"
cp "$TB_MX1_KEY" "$work/served/mx-key.pem"
cat "$TB_MX1_FULLCHAIN" >"$work/served/mx-chain.pem"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$TB_MX1_CHAIN"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$TB_MX1_CHAIN"
dk adopt mx
served_issuer() { openssl x509 -in "$work/served/mx-chain.pem" -noout -issuer; }
for _ in $(seq 1 60); do
    rc=0
    dk run --once >>"$work/runs.log" 2>&1 || rc=$?
    ((rc < 128)) || fail "run died of signal $((rc - 128))"
    served_issuer | grep -qi pebble && break
    sleep 0.5
done
served_issuer | grep -qi pebble || fail "no ACME renewal deployed"
grep -q "event=acme.dns01_published owner=_acme-challenge.mx1.$TB_SIGNED_ZONE." "$work/runs.log" ||
    fail "no TXT published for mx1"
grep -q "event=acme.dns01_served servers=1" "$work/runs.log" || fail "TXT not checked on the server"
grep -q "event=acme.issued" "$work/runs.log" || fail "no acme.issued event"
grep -q "event=acme.dns01_removed owner=_acme-challenge.mx2.$TB_SIGNED_ZONE." "$work/runs.log" ||
    fail "the TXT for mx2 was not removed"
openssl verify -CAfile "$work/pebble-root.pem" \
    -untrusted <(sed -n '/END CERTIFICATE/,$p' "$work/served/mx-chain.pem" | sed 1d) \
    "$work/served/mx-chain.pem" >/dev/null || fail "served chain does not verify to Pebble's root"
key_spki() { openssl pkey -in "$1" -pubout -outform DER | sha256sum | cut -d' ' -f1; }
[[ $(openssl x509 -in "$work/served/mx-chain.pem" -noout -pubkey | openssl pkey -pubin -outform DER |
    sha256sum | cut -d' ' -f1) == "$(key_spki "$TB_MX1_KEY")" ]] || fail "the renewal changed the key"

echo "== nothing left behind: no challenge TXT served or signed; the file verifies"
for host in "$TB_SIGNED_MX1_HOST" "$TB_SIGNED_MX2_HOST"; do
    [[ -z $(dig +norec +short @"$TB_SIGNED_ADDR" "_acme-challenge.$host" TXT) ]] ||
        fail "challenge TXT for $host still served"
done
if grep -qi "_acme-challenge" "$TB_SIGNED_FILE"; then fail "challenge TXT left in the signed file"; fi
ldns-verify-zone "$TB_SIGNED_FILE"
echo "PASS"
