#!/bin/bash
# danekeeper as the shipped units run it: a real system user (useradd), no new privileges, no
# capabilities, the directories made by the shipped tmpfiles.d entry (systemd-tmpfiles --root), the
# files laid out as the package installs them. A planned rollover of mx1 + mx2 on the testbed
# (real Postfix, which refuses `postfix reload` to that user) reloads both MX through the
# privileged path: reload-request leaves a request, and the root side runs exactly the ExecStart
# of the shipped danekeeper-reload.service whenever the directory named by the shipped
# danekeeper-reload.path's DirectoryNotEmpty= is not empty (this poll loop stands in for
# systemd's path unit; the nspawn package test runs the real one). Then the allow-list's refusals.
# Usage: reload_path_test.sh ENV_FILE DANEKEEPER_BIN
set -euo pipefail
env_file=$1 dk_build_bin=$2
if [[ $(id -u) != 0 ]] || ! command -v useradd >/dev/null || ! command -v systemd-tmpfiles >/dev/null; then
    echo "skipped: needs root, useradd and systemd-tmpfiles"
    exit 0
fi
# shellcheck source=/dev/null
source "$env_file"
# shellcheck source=../helpers.sh
source "$(dirname "$0")/../helpers.sh"
repo=$(cd "$(dirname "$0")/../../.." && pwd)
units=$repo/examples/systemd
work=$(mktemp -d /var/tmp/dk-priv-XXXXXX)  # outside the checkout: the service user must reach it
chmod 755 "$work"
site=$work/site  # stands for / on the service's machine
owner=dksvc$$ reader=dkexim$$  # the reader stands for Exim's Debian-exim (user and group)
useradd --system --no-create-home --shell /usr/sbin/nologin --user-group "$owner"
useradd --system --no-create-home --shell /usr/sbin/nologin --user-group "$reader"
usermod -aG "$reader" "$owner"  # what the README tells the operator to do for key_group
owner_uid=$(id -u "$owner") owner_gid=$(id -g "$owner")
daemon_pid="" watcher_pid=""
cleanup() {
    set +e
    [[ -n $daemon_pid ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
    [[ -n $watcher_pid ]] && kill "$watcher_pid" 2>/dev/null && wait "$watcher_pid" 2>/dev/null
    restore_testbed "$repo" >/dev/null 2>&1 || true
    rm -rf "$work"
    userdel "$owner" 2>/dev/null || true
    userdel "$reader" 2>/dev/null || true
    groupdel "$reader" 2>/dev/null || true
}
trap cleanup EXIT
die() {
    echo "FAIL: $*"
    [[ -f $work/daemon.log ]] && tail -20 "$work/daemon.log"
    [[ -f $work/reload-service.log ]] && tail -20 "$work/reload-service.log"
    exit 1
}
# The shipped paths, moved under $site.
to_site() { sed -e "s|/usr/lib/danekeeper/|$site/usr/lib/danekeeper/|g" -e "s|/usr/bin/danekeeper|$site/usr/bin/danekeeper|g" \
    -e "s|/etc/danekeeper|$site/etc/danekeeper|g" -e "s|/run/danekeeper|$site/run/danekeeper|g" \
    -e "s|/var/lib/danekeeper|$site/var/lib/danekeeper|g"; }
# As the units run the service: User=, its groups, NoNewPrivileges=yes, CapabilityBoundingSet=, UMask=0027.
as_service() {
    (umask 027 && exec setpriv --reuid="$owner_uid" --regid="$owner_gid" --init-groups --no-new-privs \
        --inh-caps=-all --bounding-set=-all -- "$@")
}

echo "== the shipped tmpfiles.d entry makes every directory the units name"
sed -e "s/ danekeeper danekeeper / $owner_uid $owner_gid /" -e "s/ root danekeeper / root $owner_gid /" \
    "$repo/packaging/danekeeper.tmpfiles" >"$work/tmpfiles.conf"
systemd-tmpfiles --create --root="$site" "$work/tmpfiles.conf" || die "systemd-tmpfiles --create"
for unit in danekeeper.service danekeeper-run.service; do
    for path in $(sed -n 's/^ReadWritePaths=//p' "$units/$unit"); do
        [[ -d $site$path ]] && ok "$unit: ReadWritePaths $path exists" || bad "$unit: ReadWritePaths $path is not made"
        [[ $(stat -c %u "$site$path") == "$owner_uid" ]] && ok "$unit: $path is the service user's" ||
            bad "$unit: $path is not the service user's"
    done
done
install -D -m 755 "$dk_build_bin" "$site/usr/bin/danekeeper"
install -D -m 755 "$repo/packaging/reload-request" "$site/usr/lib/danekeeper/reload-request"
install -D -m 755 "$repo/packaging/reload-run" "$site/usr/lib/danekeeper/reload-run"
install -D -m 755 "$repo/tests/tools/sign-csr.sh" "$site/usr/local/sbin/sign-csr"
served=$site/etc/danekeeper/served state=$site/var/lib/danekeeper
# The service's secrets are its own: the TSIG key and (standing for a CA) the testbed CA's key.
install -m 600 -o "$owner" -g "$owner" "$TB_TSIG_KEY_FILE" "$site/etc/danekeeper/tsig.key"
install -m 600 -o "$owner" -g "$owner" "$TB_CA_KEY" "$site/etc/danekeeper/ca.key"
install -m 644 "$TB_CA_CERT" "$site/etc/danekeeper/ca.pem"

echo "== the allow-list: root's, one argument per line, the operator's real Postfix lines"
for mx in mx1 mx2; do
    printf '# reload %s\n/usr/sbin/postfix\n-c\n%s\nreload\n' "$mx" "$TB_DIR/$mx/etc" >"$site/etc/danekeeper/reload.d/$mx"
done
# The signed-file zone's name server (the testbed's second Knot), as [[zone]] reload would ask.
printf '/usr/sbin/knotc\n-c\n%s\n-b\nzone-reload\n%s\n' "$TB_SIGNED_KNOT_CONF" "$TB_SIGNED_ZONE" \
    >"$site/etc/danekeeper/reload.d/knot"
printf '/bin/sh\n-c\necho broken entry\n' >"$site/etc/danekeeper/reload.d/writable"
chmod 666 "$site/etc/danekeeper/reload.d/writable"

echo "== the configuration: reloads through reload-request"
# Rendered with the shipped paths, then moved under $site like the units' paths.
"$repo/examples/render-testbed-config.sh" "$env_file" /var/lib/danekeeper /etc/danekeeper/served |
    sed -e '/^reload = /,/\]\]$/d' -e '/^issue_command/d' \
        -e 's|^tsig_key_file = .*|tsig_key_file = "/etc/danekeeper/tsig.key"|' \
        -e 's|^issuer_ca_file = .*|issuer_ca_file = "/etc/danekeeper/ca.pem"|' >"$work/dk.toml"
grep -q '^reload' "$work/dk.toml" && die "reload not removed from the rendered config"
cat >"$work/lines" <<TOML
key_mode = "0640"
key_group = "$reader"
reload = [["/usr/lib/danekeeper/reload-request", "mx1", "/run/danekeeper"],
          ["/usr/lib/danekeeper/reload-request", "mx2", "/run/danekeeper"]]
issue_command = ["/usr/local/sbin/sign-csr", "/etc/danekeeper/ca.pem", "/etc/danekeeper/ca.key", "{csr}", "{chain}"]
TOML
sed -i "/^certificates = /r $work/lines" "$work/dk.toml"
to_site <"$work/dk.toml" | sed "s|\"/usr/local/sbin/sign-csr\"|\"$site/usr/local/sbin/sign-csr\"|" >"$site/etc/danekeeper/danekeeper.toml"
chmod 644 "$site/etc/danekeeper/danekeeper.toml"
dk() { as_service "$site/usr/bin/danekeeper" --config "$site/etc/danekeeper/danekeeper.toml" "$@"; }
dk config check >"$work/check.log" 2>&1 || die "config check: $(cat "$work/check.log")"

echo "== Postfix refuses the reload to the service user"
rc=0
as_service /usr/sbin/postfix -c "$TB_DIR/mx1/etc" reload >"$work/refused.log" 2>&1 || rc=$?
[[ $rc -ne 0 ]] && ok "postfix reload as $owner is refused (exit $rc)" || bad "postfix reload succeeded as $owner"

echo "== the root side: the shipped ExecStart, run whenever DirectoryNotEmpty= holds"
watch_dir=$(sed -n 's/^DirectoryNotEmpty=//p' "$units/danekeeper-reload.path" | to_site)
read -ra exec_start <<<"$(sed -n 's/^ExecStart=//p' "$units/danekeeper-reload.service" | to_site)"
[[ -d $watch_dir && ${exec_start[0]} == "$site/usr/lib/danekeeper/reload-run" ]] ||
    die "path unit watches '$watch_dir', service runs '${exec_start[*]}'"
ok "watching $watch_dir; ExecStart ${exec_start[*]}"
(
    for _ in $(seq 1 6000); do  # at most 5 minutes
        [[ -n $(ls -A "$watch_dir") ]] && "${exec_start[@]}" >>"$work/reload-service.log" 2>&1
        sleep 0.05
    done
) &
watcher_pid=$!

echo "== both MX serve one key from the served directory; the service adopts it"
install -m 600 -o "$owner" -g "$owner" "$TB_MX1_KEY" "$served/mx-key.pem"
install -m 644 -o "$owner" -g "$owner" "$TB_MX1_FULLCHAIN" "$served/mx-chain.pem"
cat "$TB_MX1_KEY" "$TB_MX1_FULLCHAIN" | install -m 600 -o "$owner" -g "$owner" /dev/stdin "$served/mx-combined.pem"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$served/mx-combined.pem"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$served/mx-combined.pem"
dk adopt mx >"$work/adopt.log" 2>&1 || die "adopt: $(cat "$work/adopt.log")"
# Run as root, `run` acts as the service user with its groups (as User= gives them), so the
# renewal it deploys (the testbed's certificates are due) gets key_group too.
"$site/usr/bin/danekeeper" --config "$site/etc/danekeeper/danekeeper.toml" run --once >"$work/run.log" 2>&1 ||
    die "run --once as root: $(grep -v probe.result "$work/run.log" | tail -5)"
grep -q 'event=deploy.done' "$work/run.log" && ok "run --once as root deployed the renewal" || bad "run --once deployed nothing"
expect "the key file after it" "640 $owner $reader" "$(stat -c '%a %U %G' "$served/mx-key.pem")"
before=$(dk status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["current"]["id"])')

echo "== the daemon, as the service user, carries a planned rollover through"
# exec all the way down, so that $! is the daemon's own pid.
(exec > "$work/daemon.log" 2>&1 && umask 027 && exec setpriv --reuid="$owner_uid" --regid="$owner_gid" \
    --init-groups --no-new-privs --inh-caps=-all --bounding-set=-all -- \
    "$site/usr/bin/danekeeper" --config "$site/etc/danekeeper/danekeeper.toml" daemon) &
daemon_pid=$!
dk rollover start mx >"$work/rollover.log" 2>&1 || die "rollover start: $(cat "$work/rollover.log")"
now=$before previous=x
for _ in $(seq 1 240); do
    kill -0 "$daemon_pid" 2>/dev/null || die "the daemon exited"
    read -r now previous < <(dk status --json 2>/dev/null | python3 -c 'import json,sys; s=json.load(sys.stdin)[0]; print(s["current"]["id"], s["previous"] is None)') || true
    [[ $now != "$before" && $previous == True ]] && break
    sleep 0.5
done
[[ $now != "$before" && $previous == True ]] && ok "rolled from $before to $now, old record retired" ||
    die "the rollover did not complete (current $now)"
read -r uids < <(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$daemon_pid/status")
expect "the daemon's uids" "$owner_uid $owner_uid $owner_uid $owner_uid" "$uids"
expect "the daemon's NoNewPrivs" "1" "$(awk '/^NoNewPrivs:/ {print $2}' "/proc/$daemon_pid/status")"
expect "the daemon's capability bounding set" "0000000000000000" "$(awk '/^CapBnd:/ {print $2}' "/proc/$daemon_pid/status")"
for mx in mx1 mx2; do
    grep -q "name=$mx id=[0-9-]* exit=0" "$work/reload-service.log" && ok "$mx reloaded by the root side, exit 0" ||
        bad "no successful reload of $mx in the root side's log"
done
want=$(openssl pkey -in "$state/keys/mx/$now.key.pem" -pubout -outform DER 2>/dev/null | sha256sum | cut -c1-64)
for endpoint in "$TB_MX1_ADDR:25" "$TB_MX2_ADDR:25"; do
    got=$(timeout 10 openssl s_client -starttls smtp -connect "$endpoint" </dev/null 2>/dev/null |
        openssl x509 -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum | cut -c1-64)
    expect "$endpoint serves the new key" "$want" "$got"
done
for f in mx-key.pem mx-combined.pem; do
    expect "$f: key_mode and key_group" "640 $owner $reader" "$(stat -c '%a %U %G' "$served/$f")"
done
expect "Exim's stand-in reads the key" "-----BEGIN PRIVATE KEY-----" "$(runuser -u "$reader" -- head -1 "$served/mx-key.pem" 2>&1)"
others=$(find "$state" "$served" ! -user "$owner")
expect "nothing in state_dir or the served directory is another user's" "" "$others"
kill "$daemon_pid"
wait "$daemon_pid" || true
daemon_pid=""

echo "== the allow-list decides what runs"
set +e
request() { as_service env DANEKEEPER_RELOAD_WAIT_SECONDS="${wait_seconds:-10}" "$site/usr/lib/danekeeper/reload-request" "$@" "$site/run/danekeeper"; }
request mx1 >"$work/r1" 2>&1
expect "a listed reload: exit 0" 0 $?
rc=0
as_service /usr/sbin/knotc -c "$TB_SIGNED_KNOT_CONF" -b zone-reload "$TB_SIGNED_ZONE" >"$work/knot-direct" 2>&1 || rc=$?
[[ $rc -ne 0 ]] && ok "knotc zone-reload as $owner is refused (exit $rc)" || bad "knotc zone-reload worked as $owner"
request knot >"$work/rk" 2>&1
expect "Knot's zone-reload through the path: exit 0" 0 $?
request nosuch >"$work/r2" 2>&1
expect "a name not in reload.d: exit 126" 126 $?
grep -q "no reload named 'nosuch'" "$work/r2" && ok "and says so" || bad "r2: $(cat "$work/r2")"
request writable >"$work/r3" 2>&1
expect "an entry others may write: exit 126, not run" 126 $?
grep -q "writable by group or others" "$work/r3" && ok "and says why" || bad "r3: $(cat "$work/r3")"
request "../../bin/sh" >"$work/r4" 2>&1
expect "a name with a path: refused by the requester (exit 2)" 2 $?
as_service touch "$watch_dir/\$(id).request" "$watch_dir/.hidden"
for _ in $(seq 1 40); do [[ -z $(ls -A "$watch_dir") ]] && break; sleep 0.05; done
expect "stray entries are removed, not run" "" "$(ls -A "$watch_dir")"
grep -q 'ignored a stray entry' "$work/reload-service.log" && ok "and logged" || bad "no stray entry logged"
kill "$watcher_pid" && wait "$watcher_pid" 2>/dev/null
watcher_pid=""
wait_seconds=1 request mx1 >"$work/r5" 2>&1
expect "no root side: exit 3 after the deadline" 3 $?
expect "the unanswered request is withdrawn" "" "$(ls -A "$watch_dir")"
echo "$failures failures"
exit $((failures > 0))
