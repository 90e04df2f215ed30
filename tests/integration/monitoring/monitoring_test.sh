#!/bin/bash
# Monitoring operators can trust, on the testbed:
# 1. after `run --once` the status snapshot ([monitoring] status_file) is written 0640 with the
#    configured group; a real unprivileged user (made here, removed at the end) in that group
#    runs `status --nagios --from-snapshot` and gets the OK line while it cannot even enter the
#    state directory (`status --nagios` with the configuration is UNKNOWN for it);
# 2. a stale last run is WARNING, then CRITICAL: a snapshot whose last run is 3 h and 7 h old,
#    and (not in a sanitizer build, which cannot preload libfaketime) the state read with the
#    check's clock 7 h on; a bad snapshot is UNKNOWN (3);
# 3. [log] retention_rows prunes the event log after a run;
# 4. the daemon under a stand-in for systemd's notify socket (an abstract socket a Python
#    listener binds) sends READY=1, WATCHDOG=1 at half of WATCHDOG_USEC, STOPPING=1 on SIGTERM;
#    with JOURNAL_STREAM naming its stderr every line carries its "<N>" priority.
# Usage: monitoring_test.sh ENV_FILE DANEKEEPER_BIN [SANITIZED(0|1)]
set -uo pipefail
env_file=$1 dk_bin=$2 sanitized=${3:-0}
# shellcheck source=/dev/null
source "$env_file"
repo=$(cd "$(dirname "$0")/../../.." && pwd)
# shellcheck source=../helpers.sh
source "$(dirname "$0")/../helpers.sh"
work=$(mktemp -d /tmp/dk-monitoring-XXXXXX)
chmod 700 "$work"
mkdir -p "$work/served"
# The snapshot's directory: outside the state, entered by the monitoring group only.
shared=$(mktemp -d /tmp/dk-monitoring-shared-XXXXXX)
user=dkmon$$
daemon_pid="" listener_pid=""
cleanup() {
    if [[ -n $daemon_pid ]]; then kill "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null; fi
    if [[ -n $listener_pid ]]; then kill "$listener_pid" 2>/dev/null; wait "$listener_pid" 2>/dev/null; fi
    userdel "$user" 2>/dev/null
    getent group "$user" >/dev/null && groupdel "$user"
    restore_testbed "$repo"
    rm -rf "$work" "$shared"
}
trap cleanup EXIT

useradd --system --no-create-home --user-group --shell /usr/sbin/nologin "$user"
expect "a monitoring user and its group" 0 $?
chgrp "$user" "$shared" && chmod 750 "$shared"
# The check runs a copy of the binary the user can reach (the checkout may be private).
install -m 755 "$dk_bin" "$shared/danekeeper"
snapshot=$shared/status.json

"$repo/examples/render-testbed-config.sh" "$env_file" "$work/state" "$work/served" >"$work/dk.toml"
printf '\n[monitoring]\nstatus_file = "%s"\nstatus_file_group = "%s"\n' "$snapshot" "$user" >>"$work/dk.toml"
as_user() { runuser -u "$user" -- "$@"; }
cp "$TB_MX1_KEY" "$work/served/mx-key.pem"
cat "$TB_MX1_FULLCHAIN" >"$work/served/mx-chain.pem"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$TB_MX1_CHAIN" >/dev/null
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$TB_MX1_CHAIN" >/dev/null
dk config check >"$work/check" 2>&1
expect "config check takes [monitoring]" 0 $?
dk adopt mx >/dev/null 2>&1 || bad "adopt"
dk status --nagios >"$work/s0"
expect "before any run: WARNING" 1 $?
grep -q '^DANEKEEPER WARNING - 1 key slots: no run over every slot recorded yet' "$work/s0" && ok "no run recorded yet" || bad "s0: $(head -1 "$work/s0")"

# 1. The snapshot, read by another user.
dk run --once >"$work/run1" 2>&1
expect "run --once" 0 $?
[[ -f $snapshot ]] && ok "the run wrote the snapshot" || bad "no snapshot"
expect "snapshot mode and group" "640 $user" "$(stat -c '%a %G' "$snapshot")"
as_user test -x "$work/state" && bad "the user can enter the state directory" || ok "the user cannot enter the state directory"
as_user "$shared/danekeeper" status --nagios --from-snapshot "$snapshot" >"$work/n1" 2>"$work/n1.err"
expect "status --nagios --from-snapshot as $user: OK" 0 $?
grep -Eq '^DANEKEEPER OK - 1 key slots \| mx_failed_verifications=0;;0;0 mx_cert_days=[0-9]+;15:;7: last_run_age=[0-9]+s;7200;21600;0$' "$work/n1" &&
    ok "the status line: $(head -1 "$work/n1")" || bad "n1: $(cat "$work/n1" "$work/n1.err")"
as_user "$shared/danekeeper" --config "$work/dk.toml" status --nagios >"$work/n2" 2>/dev/null
expect "the same user without the snapshot: UNKNOWN" 3 $?
grep -q '^DANEKEEPER UNKNOWN - ' "$work/n2" && ok "UNKNOWN line: $(head -1 "$work/n2")" || bad "n2: $(cat "$work/n2")"
dk status --nagios >"$work/n3"
expect "status --nagios from the state: OK" 0 $?
expect "the snapshot and the state agree" "$(sed 's/last_run_age=[0-9]*s/AGE/' "$work/n3" | head -1)" "$(sed 's/last_run_age=[0-9]*s/AGE/' "$work/n1" | head -1)"

# 2. Staleness (interval 3600 s, factors 2 and 6): snapshots whose last run is 3 h and 7 h older.
aged_snapshot() {  # aged_snapshot HOURS OUT
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["last_run"]-=int(sys.argv[2])*3600; json.dump(d,open(sys.argv[3],"w"))' \
        "$snapshot" "$1" "$2" && chgrp "$(stat -c %G "$snapshot")" "$2" && chmod 0640 "$2"
}
aged_snapshot 3 "$shared/aged3.json"
as_user "$shared/danekeeper" status --nagios --from-snapshot "$shared/aged3.json" >"$work/st1"
expect "3 h after the last run: WARNING" 1 $?
grep -q '^DANEKEEPER WARNING - 1 key slots: last run 10[0-9]* s ago (is the daemon running?)' "$work/st1" && ok "$(head -1 "$work/st1")" || bad "st1: $(head -1 "$work/st1")"
aged_snapshot 7 "$shared/aged7.json"
as_user "$shared/danekeeper" status --nagios --from-snapshot "$shared/aged7.json" >"$work/st2"
expect "7 h after the last run: CRITICAL" 2 $?
if [[ $sanitized == 0 ]]; then
    faketime -f +7h "$dk_bin" --config "$work/dk.toml" status --nagios >"$work/st3"
    expect "the check's clock 7 h on, from the state: CRITICAL" 2 $?
fi
printf '{"format": "danekeeper-status-1", "slots": 1}' >"$shared/bad.json"
as_user "$shared/danekeeper" status --nagios --from-snapshot "$shared/bad.json" >"$work/b1" 2>/dev/null
expect "a bad snapshot: UNKNOWN" 3 $?
grep -q "^DANEKEEPER UNKNOWN - $shared/bad.json: written_at: missing" "$work/b1" && ok "names the field" || bad "b1: $(cat "$work/b1")"
as_user "$shared/danekeeper" status --nagios --from-snapshot "$shared/none.json" >/dev/null 2>&1
expect "a missing snapshot: UNKNOWN" 3 $?
as_user "$shared/danekeeper" status --nagios --from-snapshot "$snapshot" --bogus >/dev/null 2>&1
expect "a bad option: UNKNOWN" 3 $?

# 3. Retention: keep the newest 3 events.
before=$(dk log --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[[ $before -gt 3 ]] && ok "$before events before" || bad "only $before events"
printf '\n[log]\nretention_rows = 3\n' >>"$work/dk.toml"
dk run --once >"$work/run2" 2>&1
expect "run --once with retention" 0 $?
grep -q 'event=events.pruned events=' "$work/run2" && ok "$(grep -o 'event=events.pruned events=[0-9]*' "$work/run2")" || bad "no prune logged: $(cat "$work/run2")"
expect "3 events left" 3 "$(dk log --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"

# 4. The daemon under a notify socket with a 2 s watchdog.
socket_name="@dk-notify-$$"
python3 "$(dirname "$0")/notify_listener.py" "$socket_name" "$work/notify" &
listener_pid=$!
for _ in $(seq 1 50); do grep -q listening "$work/notify" 2>/dev/null && break; sleep 0.1; done
: >"$work/daemon.log"
journal_stream=$(stat -c '%d:%i' "$work/daemon.log")
NOTIFY_SOCKET=$socket_name WATCHDOG_USEC=2000000 JOURNAL_STREAM=$journal_stream \
    "$dk_bin" --config "$work/dk.toml" daemon 2>>"$work/daemon.log" &
daemon_pid=$!
for _ in $(seq 1 100); do grep -q 'READY=1' "$work/notify" && break; sleep 0.1; done
grep -q ' READY=1$' "$work/notify" && ok "READY=1" || bad "no READY=1: $(cat "$work/notify")"
sleep 3.5
watchdogs=$(grep -c ' WATCHDOG=1$' "$work/notify")
[[ $watchdogs -ge 3 ]] && ok "$watchdogs WATCHDOG=1 in 3.5 s (every 1 s)" || bad "WATCHDOG=1 count: $watchdogs"
gaps=$(awk '/ WATCHDOG=1$/ {if (last) printf "%.1f ", $1 - last; last = $1}' "$work/notify")
awk -v g="$gaps" 'BEGIN {n = split(g, a, " "); for (i = 1; i <= n; i++) if (a[i] < 0.8 || a[i] > 1.3) exit 1}' &&
    ok "watchdog intervals (s): $gaps" || bad "watchdog intervals: $gaps"
kill -TERM "$daemon_pid"
wait "$daemon_pid"
expect "SIGTERM stops the daemon" 0 $?
daemon_pid=""
tail -n 1 "$work/notify" | grep -q ' STOPPING=1$' && ok "STOPPING=1 last" || bad "notify ends: $(tail -n 2 "$work/notify")"
grep -q '^<6>level=info event=daemon.started ' "$work/daemon.log" && ok "journald priority on info lines" || bad "daemon.log: $(head -n 2 "$work/daemon.log")"
unprefixed=$(grep -cv '^<[0-7]>' "$work/daemon.log")
expect "every stderr line carries a priority" 0 "$unprefixed"
"$dk_bin" --log-priorities --config "$work/missing.toml" status 2>"$work/err" >/dev/null
grep -q '^<3>danekeeper: ' "$work/err" && ok "--log-priorities: errors at <3>" || bad "err: $(cat "$work/err")"

echo "$failures failures"
exit $((failures > 0))
