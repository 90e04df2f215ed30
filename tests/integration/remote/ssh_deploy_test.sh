#!/bin/bash
# mx2 on "another machine": its key and chain go over SSH to the testbed's remote host (an sshd
# on its own address, user dkremote), whose directory mx2's Postfix serves from. While an
# independent DANE sender (rollover/observer.sh) probes every endpoint the whole time:
#   1. a planned rollover: mx2 serves the new key, deployed over SSH;
#   2. the remote host down (its sshd stopped) during the switch: the deployment fails with an
#      error naming the host, nothing is retired; the rollover completes once the host is back;
#   3. a wrong pinned host key: refused with a clear error, nothing reaches the host;
#   4. danekeeper SIGKILLed while its ssh runs: the next run deploys again and completes;
#   5. the daemon rolls over with mx2 over SSH as well.
# Passes only with zero observer failures.
# Usage: ssh_deploy_test.sh ENV_FILE DANEKEEPER_BIN
set -euo pipefail
env_file=$1 dk_bin=$2
# shellcheck source=/dev/null
source "$env_file"
repo=$(cd "$(dirname "$0")/../../.." && pwd)
testbed=$repo/tests/testbed/testbed.sh
# shellcheck source=/dev/null
source "$repo/tests/integration/helpers.sh"
work=$(mktemp -d /tmp/dk-remote-XXXXXX)
chmod 700 "$work"
mkdir -p "$work/served"
observer_pid=""
remote_stopped=0
remote_key=$TB_REMOTE_TLS_DIR/mx.key.pem
remote_chain=$TB_REMOTE_TLS_DIR/mx.chain.pem
cleanup() {
    [[ -n $observer_pid ]] && kill "$observer_pid" 2>/dev/null && wait "$observer_pid" 2>/dev/null
    [[ -n ${daemon_pid:-} ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
    [[ $remote_stopped == 1 ]] && "$testbed" remote-start "$TB_DIR"
    restore_testbed "$repo" >/dev/null 2>&1 || true
    rm -f "$TB_REMOTE_TLS_DIR"/mx.*
    rm -rf "$work"
}
trap cleanup EXIT

"$repo/examples/render-testbed-config.sh" "$env_file" "$work/state" "$work/served" \
    "$repo/examples/testbed-ssh.toml" >"$work/dk.toml"
sed "s|known_hosts = \"$TB_REMOTE_KNOWN_HOSTS\"|known_hosts = \"$TB_REMOTE_WRONG_KNOWN_HOSTS\"|" \
    "$work/dk.toml" >"$work/dk-wrong-host-key.toml"
pubkey_of_key_file() { openssl pkey -in "$1" -pubout | sha256sum | cut -d' ' -f1; }
served_pubkey() {  # the key mx2 presents now, as a sender sees it
    echo QUIT | timeout 5 openssl s_client -starttls smtp -connect "$TB_MX2_ADDR:25" \
        -servername "$TB_MX2_HOST" 2>/dev/null | openssl x509 -noout -pubkey | sha256sum | cut -d' ' -f1
}
current_key_file() { echo "$work/state/keys/mx/$(status_field "['current']['id']").key.pem"; }
events() { dk log 2>/dev/null; }
staged_or_kept() { find "$TB_REMOTE_TLS_DIR" -name '*.dk-*' -printf '%f '; }

echo "== config check: the identity file is private, the host key pinned"
expect "config check" 0 "$(dk config check >/dev/null 2>&1; echo $?)"

echo "== mx1 serves its key from the local files; mx2 the same key from the remote host's files"
cp "$TB_MX1_KEY" "$work/served/mx-key.pem"
cat "$TB_MX1_FULLCHAIN" >"$work/served/mx-chain.pem"
install -o "$TB_REMOTE_USER" -g "$TB_REMOTE_USER" -m 0600 "$TB_MX1_KEY" "$remote_key"
install -o "$TB_REMOTE_USER" -g "$TB_REMOTE_USER" -m 0644 "$TB_MX1_FULLCHAIN" "$remote_chain"
"$testbed" mx-use "$TB_DIR" mx1 "$TB_MX1_CHAIN"
"$testbed" mx-use-pair "$TB_DIR" mx2 "$remote_key" "$remote_chain"

echo "== adopt and publish current + next"
dk adopt mx
dk run --once >>"$work/runs.log" 2>&1
first_key=$(status_field "['current']['id']")

# Runs `run --once` until the slot rolled to a new key (previous retired, next published), at
# most MAX runs; `dk` may be replaced by DK_RUN (another config).
finish_rollover() {
    local before=$1 max=$2 run=${3:-dk} step after
    for step in $(seq 1 "$max"); do
        "$run" run --once >>"$work/runs.log" 2>&1 || true
        after=$(status_field "['current']['id']")
        if [[ $after != "$before" && $(status_field "['previous']") == None && $(status_field "['next']['published_at']") != None ]]; then
            echo "rolled from $before to $after after $step runs"
            return 0
        fi
        sleep 0.5
    done
    echo "FAIL: rollover did not finish"
    tail -n 30 "$work/runs.log"
    return 1
}

# Runs `run --once` until the event log holds PATTERN (a failed deployment), at most MAX runs.
run_until_event() {
    local pattern=$1 max=$2 run=${3:-dk} step
    for step in $(seq 1 "$max"); do
        "$run" run --once >>"$work/runs.log" 2>&1 || true
        if events | grep -q -- "$pattern"; then
            echo "after $step runs: $(events | grep -- "$pattern" | tail -n 1 | cut -c1-400)"
            return 0
        fi
        sleep 0.5
    done
    return 1
}

echo "== independent observer starts (once the resolver serves the records it probes)"
wait_until_resolver_serves "_25._tcp.$TB_MX1_HOST" "_25._tcp.$TB_MX2_HOST" "_465._tcp.$TB_MX1_HOST" || true
: >"$work/observer.log"
"$repo/tests/integration/rollover/observer.sh" "$env_file" "$work/observer.log" &
observer_pid=$!
sleep 2

echo "== 1. planned rollover: mx2 deployed over SSH"
before=$(status_field "['current']['id']")
dk rollover start mx
finish_rollover "$before" 120 || bad "rollover 1 did not finish"
expect "the remote host's key file is the new key" "$(pubkey_of_key_file "$(current_key_file)")" \
    "$(pubkey_of_key_file "$remote_key")"
expect "mx2 presents the new key" "$(pubkey_of_key_file "$(current_key_file)")" "$(served_pubkey)"
expect "remote key file: owner, group and mode (key_mode 0640)" "$TB_REMOTE_USER $TB_REMOTE_USER 640" "$(stat -c '%U %G %a' "$remote_key")"
expect "remote chain file: owner, group and mode" "$TB_REMOTE_USER $TB_REMOTE_USER 644" "$(stat -c '%U %G %a' "$remote_chain")"
expect "no staged or kept files left on the host" "" "$(staged_or_kept)"
grep -q 'deploy.host_done' "$work/runs.log" || bad "no deploy.host_done in the runs' log"

echo "== 2. the remote host is down during the switch"
"$testbed" remote-stop "$TB_DIR"
remote_stopped=1
before=$(status_field "['current']['id']")
served_before=$(served_pubkey)
dk rollover start mx
if run_until_event "host mx2 (.*): ssh failed (ssh: connect to host $TB_REMOTE_ADDR port $TB_REMOTE_SSH_PORT: Connection refused)" 120; then
    ok "the failed deployment is recorded, naming the host"
else
    bad "no failed deployment naming host mx2"
    tail -n 20 "$work/runs.log"
fi
events | grep -q "nothing is retired" && ok "the event says nothing is retired" || bad "event without 'nothing is retired'"
grep -q 'deploy.host_failed' "$work/runs.log" && ok "deploy.host_failed logged" || bad "no deploy.host_failed in the log"
expect "a run while the host is down fails: exit 3 (environment), as metrics' last_run_result" 3 \
    "$(dk run --once >>"$work/runs.log" 2>&1; echo $?)"
for _ in 1 2 3; do dk run --once >>"$work/runs.log" 2>&1 || true; sleep 0.5; done
expect "nothing retired while the host is down (current key)" "$before" "$(status_field "['current']['id']")"
expect "the next key is not recorded as deployed" "False" "$(status_field "['next_deployed']")"
expect "mx2 still serves the key from before" "$served_before" "$(served_pubkey)"
"$testbed" remote-start "$TB_DIR"
remote_stopped=0
finish_rollover "$before" 120 || bad "rollover 2 did not finish after the host came back"
expect "mx2 presents the new key after the host came back" \
    "$(pubkey_of_key_file "$(current_key_file)")" "$(served_pubkey)"

echo "== 3. a wrong pinned host key"
dk_wrong() { "$dk_bin" --config "$work/dk-wrong-host-key.toml" "$@"; }
expect "config check with another key pinned for the host (a key is pinned: it passes)" 0 \
    "$(dk_wrong config check >/dev/null 2>&1; echo $?)"
accepted_before=$(grep -c 'Accepted publickey' "$TB_DIR/logs/sshd.log" || true)
remote_before=$(sha256sum "$remote_key" "$remote_chain")
before=$(status_field "['current']['id']")
dk rollover start mx
if run_until_event "is not the one pinned in $TB_REMOTE_WRONG_KNOWN_HOSTS" 120 dk_wrong; then
    ok "the wrong host key is refused with a clear error"
else
    bad "no error naming the pinned host key"
    tail -n 20 "$work/runs.log"
fi
expect "a run with the wrong host key pinned fails: exit 3" 3 \
    "$(dk_wrong run --once >>"$work/runs.log" 2>&1; echo $?)"
expect "nothing reached the host (files unchanged)" "$remote_before" "$(sha256sum "$remote_key" "$remote_chain")"
expect "no login on the host" "$accepted_before" "$(grep -c 'Accepted publickey' "$TB_DIR/logs/sshd.log" || true)"
expect "nothing retired (current key)" "$before" "$(status_field "['current']['id']")"
echo "   with the right host key again, the rollover completes"
finish_rollover "$before" 120 || bad "rollover 3 did not finish with the right host key"

echo "== 4. danekeeper SIGKILLed while its ssh deploys"
before=$(status_field "['current']['id']")
dk rollover start mx
killed=0
for _ in $(seq 1 120); do
    "$dk_bin" --config "$work/dk.toml" run --once >>"$work/runs.log" 2>&1 &
    pid=$!  # danekeeper itself: its ssh is its child
    for _ in $(seq 1 200); do
        pgrep -P "$pid" -x ssh >/dev/null && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.02
    done
    if pgrep -P "$pid" -x ssh >/dev/null; then
        kill -KILL "$pid"
        wait "$pid" 2>/dev/null || true
        killed=1
        break
    fi
    wait "$pid" 2>/dev/null || true
    sleep 0.5
done
expect "danekeeper was killed while its ssh ran" 1 "$killed"
finish_rollover "$before" 120 || bad "rollover 4 did not finish after the SIGKILL"
expect "mx2 presents the new key after the SIGKILL" \
    "$(pubkey_of_key_file "$(current_key_file)")" "$(served_pubkey)"
expect "no staged or kept files left on the host" "" "$(staged_or_kept)"
for _ in $(seq 1 100); do
    pgrep -f "ssh .*$TB_REMOTE_ADDR" >/dev/null || break
    sleep 0.1
done
expect "no ssh left running" "" "$(pgrep -af "ssh .*$TB_REMOTE_ADDR" || true)"

echo "== 5. the daemon deploys over SSH too (rollover start wakes it, SIGTERM stops it)"
"$dk_bin" --config "$work/dk.toml" daemon >"$work/daemon.log" 2>&1 &
daemon_pid=$!
sleep 2
before=$(status_field "['current']['id']")
dk rollover start mx
wait_until_rolled "$before" 120 || true
kill -TERM "$daemon_pid"
daemon_rc=0
wait "$daemon_pid" || daemon_rc=$?
daemon_pid=""
expect "the daemon rolled over and stopped cleanly" "new 0" "$([[ $after != "$before" ]] && echo new || echo same) $daemon_rc"
expect "mx2 presents the daemon's new key" "$(pubkey_of_key_file "$(current_key_file)")" "$(served_pubkey)"
grep -q 'deploy.host_done' "$work/daemon.log" && ok "the daemon logged deploy.host_done" || bad "no deploy.host_done in the daemon's log"

sleep 6  # the observer keeps probing past the last TTL
kill "$observer_pid" 2>/dev/null
wait "$observer_pid" 2>/dev/null || true
observer_pid=""
probes=$(wc -l <"$work/observer.log")
sender_failures=$(grep -c '^FAIL' "$work/observer.log" || true)
echo "observer: $probes probes, $sender_failures failures; key $first_key -> $(status_field "['current']['id']")"
if [[ $sender_failures -ne 0 ]]; then
    grep '^FAIL' "$work/observer.log" | head -n 10
    bad "the DANE sender failed $sender_failures times"
fi
[[ $probes -gt 30 ]] || bad "only $probes probes"
echo "deploys over SSH: $(cat "$work/runs.log" "$work/daemon.log" | grep -c 'deploy.host_done' || true) done, $(grep -c 'deploy.host_failed' "$work/runs.log" || true) failed"
[[ $failures -eq 0 ]]
