#!/bin/bash
# Prometheus metrics on the testbed: `run --once --metrics-file` writes the textfile-collector
# file, and the daemon serves the same families on its [metrics] listen address (loopback), which
# this test scrapes; then one MX serves a key its TLSA does not match and the daemon's next run
# shows the endpoint at 0 and `status --nagios` counts the failed verification until a passing run
# clears it; a reload moves the listener to a new address. A reload to another state_dir, or to
# files that fail start-up's checks, is refused and the running configuration kept. SIGTERM stops
# the daemon.
# Usage: metrics_test.sh ENV_FILE DANEKEEPER_BIN
set -uo pipefail
env_file=$1 dk_bin=$2
# shellcheck source=/dev/null
source "$env_file"
repo=$(cd "$(dirname "$0")/../../.." && pwd)
# shellcheck source=../helpers.sh
source "$(dirname "$0")/../helpers.sh"
restore_testbed
work=$(mktemp -d /tmp/dk-metrics-XXXXXX)
chmod 700 "$work"
mkdir -p "$work/served"
daemon_pid=""
cleanup() {
    if [[ -n $daemon_pid ]]; then kill "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null; fi
    restore_testbed
    rm -rf "$work"
}
trap cleanup EXIT
listen="$TB_NET.9.1:9464"
"$repo/examples/render-testbed-config.sh" "$env_file" "$work/state" "$work/served" >"$work/dk.toml"
printf '\n[metrics]\nlisten = "%s"\n' "$listen" >>"$work/dk.toml"
cp "$TB_MX1_KEY" "$work/served/mx-key.pem"
cat "$TB_MX1_FULLCHAIN" >"$work/served/mx-chain.pem"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$TB_MX1_CHAIN" >/dev/null
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$TB_MX1_CHAIN" >/dev/null
dk adopt mx >/dev/null 2>&1 || bad "adopt"

# 1. The textfile collector.
dk run --once --metrics-file "$work/dk.prom" >/dev/null 2>&1
expect "run exits 0" 0 $?
expect "file mode 0644" 644 "$(stat -c %a "$work/dk.prom")"
expect "every endpoint address matches" 3 "$(grep -c '^danekeeper_endpoint_match{slot="mx",.*} 1$' "$work/dk.prom")"
grep -q "^danekeeper_endpoint_match{slot=\"mx\",endpoint=\"mx2.example.test:25\",address=\"$TB_MX2_ADDR\",algorithm=\"ecdsa\"} 1$" "$work/dk.prom" && ok "labels name slot, endpoint, address" || bad "labels"
expect "RRSIG seconds left for the three owners, all positive" 3 "$(awk '/^danekeeper_rrsig_seconds_left\{/ && $2 > 0' "$work/dk.prom" | wc -l)"
days=$(awk '/^danekeeper_certificate_expiry_days\{slot="mx"\}/ {print $2}' "$work/dk.prom")
awk -v d="$days" 'BEGIN { exit !(d > 80 && d <= 90) }' && ok "certificate days ($days)" || bad "certificate days: '$days'"
expect "last run result" "danekeeper_last_run_result 0" "$(grep '^danekeeper_last_run_result ' "$work/dk.prom")"
grep -Eq '^danekeeper_next_action_seconds [0-9]' "$work/dk.prom" && ok "next action seconds" || bad "next action"
grep -Eq '^danekeeper_slot_next_action_seconds\{slot="mx",action="[a-z_]+"\} [0-9]' "$work/dk.prom" &&
    ok "the slot's next step and when" || bad "slot next action: $(grep slot_next "$work/dk.prom")"
grep -Eq '^danekeeper_last_run_duration_seconds [0-9.e-]+$' "$work/dk.prom" && ok "run duration" || bad "duration"
if command -v promtool >/dev/null; then
    promtool check metrics <"$work/dk.prom" && ok "promtool accepts the file" || bad "promtool"
fi

# 2. The daemon's HTTP listener.
"$dk_bin" --config "$work/dk.toml" daemon >"$work/daemon.log" 2>&1 &
daemon_pid=$!
scrape() { curl -s --max-time 2 "http://$listen$1"; }
for _ in $(seq 1 100); do
    scrape /metrics | grep -q '^danekeeper_last_run_result' && break
    sleep 0.1
done
scrape /metrics >"$work/http1.prom"
expect "scrape: every endpoint address matches" 3 "$(grep -c '^danekeeper_endpoint_match{.*} 1$' "$work/http1.prom")"
expect "scrape: last run result" "danekeeper_last_run_result 0" "$(grep '^danekeeper_last_run_result ' "$work/http1.prom")"
expect "other paths are 404" 404 "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$listen/")"
expect "content type" "text/plain; version=0.0.4" "$(curl -s -o /dev/null -w '%{content_type}' --max-time 2 "http://$listen/metrics")"

# 3. mx2 switches to a key its records do not match; SIGHUP makes the daemon run again.
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$TB_MX2_ALT_CHAIN" >/dev/null
before=$(grep '^danekeeper_last_run_timestamp_seconds' "$work/http1.prom")
sleep 1
kill -HUP "$daemon_pid"
for _ in $(seq 1 100); do
    scrape /metrics >"$work/http2.prom"
    [[ $(grep '^danekeeper_last_run_timestamp_seconds' "$work/http2.prom") != "$before" ]] && break
    sleep 0.1
done
grep -q "^danekeeper_endpoint_match{slot=\"mx\",endpoint=\"mx2.example.test:25\",address=\"$TB_MX2_ADDR\",algorithm=\"ecdsa\"} 0$" "$work/http2.prom" &&
    ok "the mismatching endpoint shows 0" || { bad "mismatch not seen"; cat "$work/http2.prom"; }
expect "its run raised an alert" "danekeeper_last_run_result 1" "$(grep '^danekeeper_last_run_result ' "$work/http2.prom")"
dk status --nagios >"$work/nagios1"
expect "status --nagios: CRITICAL after the alert" 2 $?
grep -Eq ' mx_failed_verifications=[1-9][0-9]*;;0;0 ' "$work/nagios1" &&
    ok "the alert counts as a failed verification" || bad "failed verifications: $(head -n 1 "$work/nagios1")"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$TB_MX1_CHAIN" >/dev/null

# 4. The listener follows [metrics] listen across a reload (SIGHUP).
moved="$TB_NET.9.1:9465"
sed -i "s/^listen = .*/listen = \"$moved\"/" "$work/dk.toml"
kill -HUP "$daemon_pid"
for _ in $(seq 1 100); do
    curl -s --max-time 2 "http://$moved/metrics" | grep -q '^danekeeper_last_run_result' && break
    sleep 0.1
done
curl -s --max-time 2 "http://$moved/metrics" | grep -q '^danekeeper_last_run_result' &&
    ok "after a reload the new address serves" || { bad "new listen address"; tail -n 5 "$work/daemon.log"; }
curl -s --max-time 1 "http://$listen/metrics" >/dev/null
expect "and the old one is closed" 7 $?
dk status --nagios >"$work/nagios2"
expect "status --nagios: OK once every endpoint verifies again" 0 $?
grep -q ' mx_failed_verifications=0;;0;0 ' "$work/nagios2" &&
    ok "a passing run clears the count" || bad "failed verifications: $(head -n 1 "$work/nagios2")"
listen=$moved

# 5. A reload is refused when it would move state_dir (the daemon holds the old lock and database)
# or when its files fail the checks start-up makes; the daemon keeps its configuration (here: its
# listen address, edited in the same change) and runs on.
wait_for_log() {
    for _ in $(seq 1 100); do
        grep -q "$1" "$work/daemon.log" && return 0
        sleep 0.1
    done
    return 1
}
cp "$work/dk.toml" "$work/dk.toml.good"
unused="$TB_NET.9.1:9466"
sed -i -e "s|^state_dir = .*|state_dir = \"$work/elsewhere\"|" -e "s/^listen = .*/listen = \"$unused\"/" "$work/dk.toml"
kill -HUP "$daemon_pid"
wait_for_log "event=daemon.reload_refused .*state_dir changed" &&
    ok "a new state_dir: the reload is refused" || { bad "no refusal"; tail -n 5 "$work/daemon.log"; }
[[ ! -e $work/elsewhere ]] && ok "nothing is made in the new state_dir" || bad "new state_dir touched"
scrape /metrics | grep -q '^danekeeper_last_run_result' && ok "the old listener serves on" || bad "old listener gone"
curl -s --max-time 1 "http://$unused/metrics" >/dev/null
expect "the refused configuration's listener never opens" 7 $?
cp "$work/dk.toml.good" "$work/dk.toml"
sed -i -e "s|^tsig_key_file = .*|tsig_key_file = \"$work/missing.key\"|" -e "s/^listen = .*/listen = \"$unused\"/" "$work/dk.toml"
kill -HUP "$daemon_pid"
wait_for_log "event=daemon.reload_failed .*tsig_key_file" &&
    ok "a missing TSIG key file: the reload fails as start-up would" || { bad "bad file accepted"; tail -n 5 "$work/daemon.log"; }
curl -s --max-time 1 "http://$unused/metrics" >/dev/null
expect "and its listener never opens" 7 $?
cp "$work/dk.toml.good" "$work/dk.toml"
kill -0 "$daemon_pid" && ok "the daemon runs on" || bad "the daemon stopped"

kill -TERM "$daemon_pid"
wait "$daemon_pid"
expect "SIGTERM stops the daemon cleanly" 0 $?
daemon_pid=""
curl -s --max-time 1 "http://$listen/metrics" >/dev/null
expect "the listener is gone with it" 7 $?

echo "$failures failures"
exit $((failures > 0))
