#!/bin/bash
# `hook deliver` finds the running daemon after a package upgrade. The daemon runs from a copy of
# the binary; the copy is then replaced the way a package manager does (new file renamed over it),
# so the daemon's /proc/PID/exe reads "... (deleted)". The delivery must still be handed to that
# daemon (SIGHUP) rather than the verb failing to take the lock the daemon holds.
# Usage: upgrade_test.sh ENV_FILE DANEKEEPER_BIN
set -euo pipefail
env_file=$1 dk_bin=$2
# shellcheck source=/dev/null
source "$env_file"
repo=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d /tmp/dk-upgrade-XXXXXX)
chmod 755 "$work"  # postfix reads the served files below it
mkdir -p "$work/served" "$work/bin"
daemon_pid=
cleanup() {
    [[ -n $daemon_pid ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
    restore_testbed || true
    rm -rf "$work"
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

cat "$TB_CA_CERT" >"$work/roots.pem"
"$repo/examples/render-testbed-config.sh" "$env_file" "$work/state" "$work/served" |
    sed -e 's/^certificates = "command"/certificates = "hook"/' -e '/^issue_command/d' \
        -e "s|^issuer_ca_file = .*|issuer_ca_file = \"$work/roots.pem\"|" >"$work/dk.toml"

echo "== slot mx adopted, its next key published"
cp "$TB_MX1_KEY" "$work/served/mx-key.pem"
cat "$TB_MX1_FULLCHAIN" >"$work/served/mx-chain.pem"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$TB_MX1_CHAIN"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$TB_MX1_CHAIN"
dk adopt mx
dk run --once >"$work/run.log" 2>&1 || { cat "$work/run.log"; fail "run --once"; }

echo "== the daemon runs from a copy of the binary"
installed=$work/bin/danekeeper
cp "$dk_bin" "$installed"
"$installed" --config "$work/dk.toml" daemon >"$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 1 100); do
    grep -q "daemon.sleeping" "$work/daemon.log" && break
    kill -0 "$daemon_pid" 2>/dev/null || fail "the daemon exited"
    sleep 0.2
done
grep -q "daemon.sleeping" "$work/daemon.log" || fail "the daemon never went to sleep"

echo "== a package upgrade renames a new binary over the one the daemon runs"
cp "$dk_bin" "$work/bin/.danekeeper.new"
mv "$work/bin/.danekeeper.new" "$installed"
exe=$(readlink "/proc/$daemon_pid/exe")
[[ $exe == *" (deleted)" ]] || fail "the daemon's exe still reads $exe"

echo "== hook deliver (the new binary) hands the renewal to the running daemon"
current_id=$(status_field "['current']['id']")
dk hook csr mx -o "$work/renew.csr"
sleep 1  # a later notAfter than the adopted certificate's
"$repo/tests/tools/sign-csr.sh" "$TB_CA_CERT" "$TB_CA_KEY" "$work/renew.csr" "$work/renew.pem"
set +e
"$installed" --config "$work/dk.toml" hook deliver mx "$work/renew.pem" \
    "$work/state/keys/mx/$current_id.key.pem" >"$work/deliver.out" 2>"$work/deliver.err"
rc=$?
set -e
[[ $rc == 0 ]] || fail "hook deliver exited $rc: $(cat "$work/deliver.err")"
grep -q "handed to the running daemon (pid $daemon_pid)" "$work/deliver.out" ||
    fail "not handed to the daemon: $(cat "$work/deliver.out" "$work/deliver.err")"
renewed=$(openssl x509 -in "$work/renew.pem" -noout -fingerprint -sha256)
for _ in $(seq 1 100); do
    [[ $(openssl x509 -in "$work/served/mx-chain.pem" -noout -fingerprint -sha256) == "$renewed" ]] && break
    sleep 0.2
done
[[ $(openssl x509 -in "$work/served/mx-chain.pem" -noout -fingerprint -sha256) == "$renewed" ]] ||
    fail "the woken daemon did not deploy the renewal"
echo "PASS"
