#!/bin/bash
# Benchmark (not a test): publish a TLSA record until it is confirmed, validated, on every
# authoritative server (danekeeper publish + dns-status --wait), against the secondary's own
# NOTIFY/IXFR time for the same kind of change (nsupdate, then polling the secondary's serial in
# a tight loop). Reports the mean of each and what danekeeper adds. Run as root.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
net=${1:-127.58}
rounds=${2:-10}
dk=$repo/build/release/src/cli/danekeeper
[[ -x $dk ]] || { cmake --preset release >/dev/null && cmake --build "$repo/build/release" >/dev/null; }
work=$(mktemp -d /tmp/dk-bench-XXXXXX)
chmod 755 "$work"
trap '"$repo/tests/testbed/testbed.sh" down "$work/tb" >/dev/null; rm -rf "$work"' EXIT
"$repo/tests/testbed/testbed.sh" up "$work/tb" --net "$net" 2>/dev/null
# shellcheck source=/dev/null
source "$work/tb/testbed.env"
ms() { date +%s%3N; }
serial_at() { dig @"$1" example.test SOA +norec +short | awk '{print $3}'; }
record() { printf '3 1 1 %064x' "$1"; }

dk_total=0 base_total=0
for i in $(seq 1 "$rounds"); do
    # danekeeper: publish, then prove it everywhere (validated against the trust anchor)
    start=$(ms)
    "$dk" publish --zone example.test --server "$TB_PRIMARY" --tsig-key "$TB_TSIG_KEY_FILE" \
        --add "_25._tcp.bench 5 TLSA $(record "$i")" >/dev/null 2>&1
    "$dk" dns-status --zone example.test --server "$TB_PRIMARY" --owner _25._tcp.bench \
        --trust-anchor "$TB_TRUST_ANCHOR_DS" --expect "$(record "$i")" --wait 10 >/dev/null 2>&1
    dk_total=$((dk_total + $(ms) - start))
    sleep 1.2  # past Knot's one-second window for back-to-back changes
    # baseline: the same change by nsupdate, then the secondary's serial polled in a tight loop
    want=$(($(serial_at "$TB_PRIMARY_ADDR") + 1))
    start=$(ms)
    printf 'server %s\nzone example.test\nupdate add _25._tcp.bench2.example.test 5 TLSA %s\nsend\n' \
        "$TB_PRIMARY_ADDR" "$(record $((i + 1000)))" | nsupdate -k "$TB_TSIG_KEY_FILE"
    until [[ $(serial_at "$TB_SECONDARY_ADDR") -ge $want ]]; do :; done
    base_total=$((base_total + $(ms) - start))
    sleep 1.2
done
dk_mean=$((dk_total / rounds))
base_mean=$((base_total / rounds))
echo "danekeeper publish until confirmed everywhere (validated): mean ${dk_mean} ms over $rounds rounds"
echo "nsupdate until the secondary's serial moved (NOTIFY/IXFR):  mean ${base_mean} ms"
echo "danekeeper adds: $((dk_mean - base_mean)) ms"
