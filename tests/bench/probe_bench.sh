#!/bin/bash
# Benchmark (not a test): probe 1,000 loopback TLS endpoints (tls_farm.py on 1,000 ports) with
# DANE verification, and report in one run: danekeeper's wall time, posttls-finger once per
# endpoint (timed on a sample and scaled, labelled as such), and openssl s_time's handshake
# ceiling against the same server. Usage: probe_bench.sh [ENDPOINTS] [SAMPLE]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
count=${1:-1000}
sample=${2:-50}
first=21000
dk=$repo/build/release/src/cli/danekeeper
[[ -x $dk ]] || { cmake --preset release >/dev/null && cmake --build "$repo/build/release" >/dev/null; }
work=$(mktemp -d)
farm_pid=""
trap '[[ -n $farm_pid ]] && kill "$farm_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
ulimit -n 8192
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
    -subj "/CN=bench.example.net" -days 1 2>/dev/null
python3 "$(dirname "$0")/tls_farm.py" "$work/cert.pem" "$work/key.pem" "$first" "$count" >"$work/farm.log" 2>&1 &
farm_pid=$!
until grep -q ready "$work/farm.log" 2>/dev/null; do sleep 0.1; done
record=$("$dk" tlsa "$work/cert.pem")
endpoints=()
for ((p = first; p < first + count; p++)); do endpoints+=("bench.example.net:$p"); done
ms() { date +%s%3N; }

start=$(ms)
"$dk" probe "${endpoints[@]}" --starttls none --address 127.0.0.1 --tlsa "$record" >"$work/dk.out"
dk_ms=$(($(ms) - start))
matched=$(grep -c '^ok' "$work/dk.out")

mkdir -p "$work/client"
touch "$work/client/main.cf"
start=$(ms)
for ((p = first; p < first + sample; p++)); do
    MAIL_CONFIG=$work/client posttls-finger -w -c -l may "[127.0.0.1]:$p" >/dev/null 2>&1 || true
done
pf_sample_ms=$(($(ms) - start))
pf_ms=$((pf_sample_ms * count / sample))

rate=$(openssl s_time -connect "127.0.0.1:$first" -new -time 5 2>/dev/null | awk '/connections in/ && /real/ {print $1 / $4; exit}')
ceiling_ms=$(python3 -c "print(int($count / $rate * 1000))")

echo "endpoints: $count, matched by DANE: $matched"
echo "danekeeper probe (DANE-verified, 64 concurrent): ${dk_ms} ms"
echo "posttls-finger, one per endpoint: ${pf_ms} ms (measured ${pf_sample_ms} ms for $sample, scaled)"
echo "openssl s_time ceiling: ${rate} handshakes/s -> ${ceiling_ms} ms for $count"
python3 -c "print(f'ratios: {$pf_ms / $dk_ms:.1f}x faster than posttls-finger; {$ceiling_ms / $dk_ms:.2f} of the s_time ceiling rate')"
