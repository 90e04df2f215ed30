#!/bin/bash
# Benchmark (not a test): one run at provider scale on a throwaway testbed. 100 slots (half
# ECDSA P-256, half RSA-2048), 400 endpoints (per host two SMTP STARTTLS, two implicit TLS), 800
# addresses (each endpoint on NET.9.1 and ::1, served by tls_farm.py), 400 TLSA owners in the
# testbed primary's zone. Reports, side by side:
#   rollover: all 100 slots adopted (adopt makes each slot's next key: timed, beside the time
#     openssl genpkey takes for the same keys, one process per core) and asked to roll at once
#     (one `rollover start` call), driven by the daemon from the request to every slot's
#     retirement, against the safety floor (propagation + 2 x TTLmax + margin, as
#     rollover_bench.sh), with the UPDATE messages the primary received for it and a timeline
#     of the steps (KEEP=1 keeps the stamped log);
#   steady state: `run --once` (nothing to change) against the same 800 handshakes by
#     `danekeeper probe` (the machine's handshake ceiling), and run --once's peak RSS.
# Run as root: tests/bench/scale_bench.sh [NET] [SLOTS] (KEEP=1 keeps the logs in /tmp/dk-scale-*;
# PERF=1 also records a profile of run --once there)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
net=${1:-127.80}
slots=${2:-100}
first_port=38000
dk_bin=${DK_BIN:-$repo/build/release/src/cli/danekeeper}
[[ -x $dk_bin ]] || { cmake --preset release >/dev/null && cmake --build "$repo/build/release" >/dev/null; }
work=$(mktemp -d /tmp/dk-scale-XXXXXX)
chmod 755 "$work"
daemon_pid="" farm_pid=""
cleanup() {
    set +e  # every step, whatever failed before
    [[ -n $daemon_pid ]] && kill "$daemon_pid" 2>/dev/null
    [[ -n $farm_pid ]] && kill "$farm_pid" 2>/dev/null
    wait 2>/dev/null
    "$repo/tests/testbed/testbed.sh" down "$work/tb" >/dev/null 2>&1
    if [[ -n ${KEEP:-} ]]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
ulimit -n 8192
"$repo/tests/testbed/testbed.sh" up "$work/tb" --net "$net" 2>/dev/null
# shellcheck source=/dev/null
source "$work/tb/testbed.env"
v4=$net.9.1
served=$work/served
mkdir -p "$served" "$work/csr"
ms() { date +%s%3N; }

# The served keys and chains, from the testbed CA, as an operator's MTAs hold them.
for ((i = 0; i < slots; i++)); do
    host=mx$i.example.test
    if ((i % 2)); then newkey=(-newkey rsa:2048); else newkey=(-newkey ec -pkeyopt ec_paramgen_curve:P-256); fi
    openssl req -new "${newkey[@]}" -nodes -keyout "$served/s$i-key.pem" -out "$work/csr/s$i.csr" \
        -subj "/CN=$host" -addext "subjectAltName=DNS:$host" 2>/dev/null
    "$repo/tests/tools/sign-csr.sh" "$TB_CA_CERT" "$TB_CA_KEY" "$work/csr/s$i.csr" "$served/s$i-chain.pem"
    cat "$served/s$i-key.pem" "$served/s$i-chain.pem" >"$served/s$i-combined.pem"
    chmod 600 "$served/s$i-key.pem" "$served/s$i-combined.pem"
done

schemes=(smtp submission smtps tls)
: >"$work/farm.manifest"
for ((i = 0; i < slots; i++)); do
    for k in 0 1 2 3; do
        port=$((first_port + 4 * i + k))
        starttls=$([[ $k -lt 2 ]] && echo true || echo false)
        for address in "$v4" "::1"; do
            echo "{\"address\": \"$address\", \"port\": $port, \"starttls\": $starttls, \"pem\": \"$served/s$i-combined.pem\"}" >>"$work/farm.manifest"
        done
    done
done
python3 "$repo/tests/bench/tls_farm.py" --manifest "$work/farm.manifest" >"$work/farm.log" 2>&1 &
farm_pid=$!
until grep -q ready "$work/farm.log" 2>/dev/null; do
    kill -0 "$farm_pid" || { cat "$work/farm.log"; exit 1; }
    sleep 0.1
done

# The configuration: the testbed's zone, one [[key]] per slot.
sed -n '/^state_dir/,/^tlsa_ttl/p' "$repo/examples/testbed.toml" >"$work/template.toml"
"$repo/examples/render-testbed-config.sh" "$work/tb/testbed.env" "$work/state" "$served" "$work/template.toml" >"$work/dk.toml"
for ((i = 0; i < slots; i++)); do
    host=mx$i.example.test
    endpoints=""
    for k in 0 1 2 3; do endpoints+="\"${schemes[k]}://$host:$((first_port + 4 * i + k))\", "; done
    cat >>"$work/dk.toml" <<EOF

[[key]]
name = "s$i"
algorithm = "$( ((i % 2)) && echo rsa-2048 || echo ecdsa-p256)"
endpoints = [${endpoints%, }]
addresses = { "$host" = ["$v4", "::1"] }
cert_file = "$served/s$i-chain.pem"
key_file = "$served/s$i-key.pem"
combined_file = "$served/s$i-combined.pem"
reload = [["/usr/bin/kill", "-HUP", "$farm_pid"]]
certificates = "command"
issue_command = ["$repo/tests/tools/sign-csr.sh", "$TB_CA_CERT", "$TB_CA_KEY", "{csr}", "{chain}"]
issuer_ca_file = "$TB_CA_CERT"
renew_before_days = 1
rollover_every_days = 365
margin_seconds = 2
EOF
done
dk() { "$dk_bin" --config "$work/dk.toml" "$@"; }
adopt_start=$(ms)
for ((i = 0; i < slots; i++)); do dk adopt "s$i" >/dev/null; done
adopt_ms=$(($(ms) - adopt_start))

# UPDATE messages the primary received (BIND's own count, rndc stats).
updates_at_primary() {
    rm -f "$work/tb"/*/named.stats "$work/tb"/named.stats
    rndc -c "$TB_RNDC_CONF" stats >/dev/null
    local stats
    stats=$(find "$work/tb" -name named.stats | head -1)
    awk '/\+\+ Incoming Requests \+\+/ {on = 1; next} /^\+\+/ {on = 0} on && $2 == "UPDATE" {print $1; found = 1} END {if (!found) print 0}' "$stats"
}
all_rolled() {
    dk status --json | python3 -c "
import json, sys
first = json.load(open('$work/first.json'))
now = {s['slot']: s for s in json.load(sys.stdin)}
sys.exit(0 if all(now[n]['current']['id'] != k and now[n]['previous'] is None for n, k in first.items()) else 1)"
}

# 1. A rollover of every slot at once (this also publishes the 400 owners' first records).
dk status --json | python3 -c "import json,sys; json.dump({s['slot']: s['current']['id'] for s in json.load(sys.stdin)}, open('$work/first.json', 'w'))"
updates_before=$(updates_at_primary)
start=$(ms)
names=()
for ((i = 0; i < slots; i++)); do names+=("s$i"); done
dk rollover start "${names[@]}" >/dev/null
# Each log line gets the milliseconds since the request, for the timeline below.
"$dk_bin" --config "$work/dk.toml" daemon > >(python3 -u -c "
import sys, time
for line in sys.stdin:
    print(f'{int(time.time() * 1000) - $start:7d} {line}', end='', flush=True)" >"$work/daemon.log") 2>&1 &
daemon_pid=$!
longest_poll=0 polls=0
while true; do
    poll_start=$(ms)
    all_rolled && break
    poll_ms=$(($(ms) - poll_start)) polls=$((polls + 1))
    ((poll_ms > longest_poll)) && longest_poll=$poll_ms
    kill -0 "$daemon_pid" || { tail -20 "$work/daemon.log"; exit 1; }
    sleep 0.2
done
seen=$(($(ms) - start))
last_poll_ms=$(($(ms) - poll_start))
kill -TERM "$daemon_pid"
wait "$daemon_pid" || true
daemon_pid=""
updates=$(($(updates_at_primary) - updates_before))
sent=$(grep -c 'event=publish.update ' "$work/daemon.log" || true)
propagation=$(grep -m1 -o 'event=dns.propagated owners=[0-9]* ms=[0-9]*' "$work/daemon.log" | sed 's/.*ms=//')
# The rollover ends with the last retirement the daemon logged (a poll of status --json sees it
# later, by as long as that poll takes on the loaded machine: reported below).
wall=$(awk '/event=engine.action .*action=clear_previous/ {last = $1} END {print last + 0}' "$work/daemon.log")
# The timeline: when the first and the last slot took each step (ms after the request).
timeline() {
    awk '/event=engine.action / {match($0, /action=[a-z_]*/); a = substr($0, RSTART + 7, RLENGTH - 7)
             if (!(a in first)) {first[a] = $1; order[++n] = a}; last[a] = $1; count[a]++}
         /event=daemon.sleeping/ {passes++}
         END {for (i = 1; i <= n; i++) printf "  %-20s x%-4d first %6d ms, last %6d ms\n", order[i], count[order[i]], first[order[i]], last[order[i]]
              printf "  daemon passes: %d; observations of each slot (its 8 handshakes): %.1f\n", passes, probes / 8 / slots}
         /event=probe.result/ {probes++}' slots="$slots" "$work/daemon.log"
}
ttl_max=5 margin=2
floor=$((propagation + 2 * ttl_max * 1000 + margin * 1000))
owners=$((4 * slots))
# What the slots' next keys (half RSA-2048) cost the machine: openssl genpkey, one process per
# core, in the same run (adopt made them, one slot after the other, before the request).
start=$(ms)
for ((i = 0; i < slots; i++)); do
    if ((i % 2)); then echo "-algorithm RSA -pkeyopt rsa_keygen_bits:2048"; else echo "-algorithm EC -pkeyopt ec_paramgen_curve:P-256"; fi
done | xargs -P "$(nproc)" -L 1 sh -c 'openssl genpkey "$@" -out /dev/null 2>/dev/null' genpkey
keygen=$(($(ms) - start))

# 2. Steady state: run --once with nothing to change, against the same handshakes alone.
: >"$work/tlsa.txt"
probe_args=()
for ((i = 0; i < slots; i++)); do
    dk tlsa "$served/s$i-chain.pem" >>"$work/tlsa.txt"
    for k in 0 1 2 3; do
        port=$((first_port + 4 * i + k))
        probe_args+=("${schemes[k]}://mx$i.example.test:$port@$v4" "${schemes[k]}://mx$i.example.test:$port@[::1]")
    done
done
best_run="" best_probe="" rss=""
if [[ -n ${PERF:-} ]]; then  # where run --once spends its time: perf report -i WORK/perf.data
    perf record -F 499 -g -o "$work/perf.data" "$dk_bin" --config "$work/dk.toml" run --once >/dev/null 2>&1 || true
fi
for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$dk_bin" --config "$work/dk.toml" run --once >"$work/run.out" 2>"$work/run.log" || {
        tail -5 "$work/run.log"
        exit 1
    }
    read -r run_s run_kb <"$work/time.txt"
    run_ms=$(python3 -c "print(int($run_s * 1000))")
    [[ -z $best_run || $run_ms -lt $best_run ]] && best_run=$run_ms
    [[ -z $rss || $run_kb -gt $rss ]] && rss=$run_kb
    start=$(ms)
    "$dk_bin" probe "${probe_args[@]}" --tlsa-file "$work/tlsa.txt" >"$work/probe.out" || true
    probe_ms=$(($(ms) - start))
    [[ -z $best_probe || $probe_ms -lt $best_probe ]] && best_probe=$probe_ms
done
matched=$(grep -c '^ok' "$work/probe.out" || true)
steady_updates=$(grep -c 'event=publish.update ' "$work/run.log" || true)

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "scale: $slots slots, $owners endpoints and TLSA owners, $((2 * owners)) addresses"
echo "rollover of all $slots slots: ${wall} ms from the request (one rollover start call, then the daemon) to the last retirement"
echo "safety floor: propagation ${propagation} ms + 2 x TTLmax ${ttl_max} s + margin ${margin} s = ${floor} ms"
python3 -c "print(f'ratio wall/floor: {$wall / $floor:.3f}')"
echo "before the request: $slots adopt calls (each makes the slot's next key) ${adopt_ms} ms; openssl genpkey makes the same keys on $(nproc) cores in ${keygen} ms"
echo "seen by polling status --json every 0.2 s at ${seen} ms: $polls polls, the longest ${longest_poll} ms, the last ${last_poll_ms} ms"
echo "timeline of the rollover (ms after the request):"
timeline
echo "UPDATE messages: $sent sent by danekeeper, $updates received by the primary, for $owners owners (publish, switch and retire)"
echo "steady run --once: best of 3 ${best_run} ms, peak RSS $((rss / 1024)) MB, $steady_updates UPDATEs"
echo "probes alone (danekeeper probe, $((2 * owners)) handshakes, $matched DANE-matched): best of 3 ${best_probe} ms"
python3 -c "print(f'ratio run/probes: {$best_run / $best_probe:.3f}')"
