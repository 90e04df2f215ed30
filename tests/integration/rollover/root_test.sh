#!/bin/bash
# Verbs run as root while state_dir belongs to the service user act as that user: adopt, run
# --once, the daemon, rollover start and hook deliver leave nothing in state_dir that is root's,
# the daemon runs as that user, and the reload commands it runs run as that user.
# Usage: root_test.sh ENV_FILE DANEKEEPER_BIN
set -euo pipefail
env_file=$1 dk_bin=$2
if [[ $(id -u) != 0 ]] || ! command -v useradd >/dev/null; then
    echo "skipped: needs root and useradd"
    exit 0
fi
# shellcheck source=/dev/null
source "$env_file"
repo=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d /tmp/dk-root-XXXXXX)
chmod 755 "$work"
owner=dkroot$$
useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
owner_uid=$(id -u "$owner")
daemon_pid=
cleanup() {
    [[ -n $daemon_pid ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
    restore_testbed || true
    rm -rf "$work"
    userdel "$owner" 2>/dev/null || true
}
# shellcheck source=../helpers.sh
source "$repo/tests/integration/helpers.sh"
restore_testbed || true
trap cleanup EXIT
fail() {
    echo "FAIL: $*"
    [[ -f $work/daemon.log ]] && tail -20 "$work/daemon.log"
    exit 1
}
not_owned() { find "$work/state" ! -user "$owner"; }

echo "== state_dir, the served files and the TSIG key belong to $owner, as under the service"
install -d -m 700 -o "$owner" "$work/state"
install -d -m 755 -o "$owner" "$work/served" "$work/out"
install -m 600 -o "$owner" "$TB_TSIG_KEY_FILE" "$work/tsig.key"
install -m 600 -o "$owner" "$TB_MX1_KEY" "$work/served/mx-key.pem"
install -m 644 -o "$owner" "$TB_MX1_FULLCHAIN" "$work/served/mx-chain.pem"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$TB_MX1_CHAIN"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$TB_MX1_CHAIN"
# The reload command records who runs it (the served key stays the one Postfix serves).
"$repo/examples/render-testbed-config.sh" "$env_file" "$work/state" "$work/served" |
    sed -e 's/^certificates = "command"/certificates = "hook"/' -e '/^issue_command/d' \
        -e "s|^tsig_key_file = .*|tsig_key_file = \"$work/tsig.key\"|" \
        -e '/^reload = /,/\]\]$/d' >"$work/dk.toml"
grep -q '^reload' "$work/dk.toml" && fail "reload not removed from the rendered config"
sed -i "/^certificates = /i reload = [[\"/bin/sh\", \"-c\", \"id -u >>$work/out/reload-uids\"]]" "$work/dk.toml"
chmod 644 "$work/dk.toml"

echo "== adopt and run --once as root"
dk adopt mx >"$work/adopt.log" 2>&1 || fail "adopt: $(cat "$work/adopt.log")"
dk run --once >"$work/run.log" 2>&1 || fail "run --once: $(cat "$work/run.log")"
[[ -z $(not_owned) ]] || fail "not $owner's after adopt and run: $(not_owned)"

echo "== the daemon started as root runs as $owner"
"$dk_bin" --config "$work/dk.toml" daemon >"$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 1 100); do
    grep -q "daemon.sleeping" "$work/daemon.log" && break
    kill -0 "$daemon_pid" 2>/dev/null || fail "the daemon exited"
    sleep 0.2
done
grep -q "daemon.sleeping" "$work/daemon.log" || fail "the daemon never went to sleep"
uids=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$daemon_pid/status")
[[ $uids == "$owner_uid $owner_uid $owner_uid $owner_uid" ]] || fail "the daemon runs as uids $uids"

echo "== hook deliver as root hands a renewal to it; its reload command runs as $owner"
current_id=$(dk status --json | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['current']['id'])")
dk hook csr mx >"$work/renew.csr"  # (-o would write as the owner)
sleep 1  # a later notAfter than the adopted certificate's
"$repo/tests/tools/sign-csr.sh" "$TB_CA_CERT" "$TB_CA_KEY" "$work/renew.csr" "$work/renew.pem"
dk hook deliver mx "$work/renew.pem" "$work/state/keys/mx/$current_id.key.pem" >"$work/deliver.log" 2>&1 ||
    fail "hook deliver: $(cat "$work/deliver.log")"
grep -q "handed to the running daemon (pid $daemon_pid)" "$work/deliver.log" || fail "$(cat "$work/deliver.log")"
for _ in $(seq 1 100); do
    [[ -s $work/out/reload-uids ]] && break
    sleep 0.2
done
[[ -s $work/out/reload-uids ]] || fail "the daemon never ran its reload command"
[[ $(sort -u "$work/out/reload-uids") == "$owner_uid" ]] || fail "reload ran as $(cat "$work/out/reload-uids")"

echo "== rollover start as root leaves its request as $owner's"
dk rollover start mx >"$work/rollover.log" 2>&1 || fail "rollover start: $(cat "$work/rollover.log")"
for _ in $(seq 1 100); do
    grep -q "engine.rollover_requested" "$work/daemon.log" && break
    sleep 0.2
done
grep -q "engine.rollover_requested" "$work/daemon.log" || fail "the daemon did not take the request"
kill "$daemon_pid"
wait "$daemon_pid" || true
daemon_pid=
[[ -z $(not_owned) ]] || fail "not $owner's in state_dir: $(not_owned)"
echo "PASS"
