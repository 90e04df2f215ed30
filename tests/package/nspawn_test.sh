#!/bin/bash
# The Debian package under a real systemd: a Debian 12 container (debootstrap, once, cached in
# /var/cache/danekeeper-test) boots with systemd-nspawn on a private network, the .deb built from
# this tree is installed with Postfix, and the shipped units run for real: the postinst's sysusers
# and tmpfiles.d entries made the user and every directory the units name; danekeeper.service runs
# as danekeeper under its sandbox (no 226/NAMESPACE); danekeeper-run.service runs its one-shot;
# `postfix reload` fails inside the service's sandbox; the same reload asked through
# /usr/lib/danekeeper/reload-request, from that sandbox, is carried out by danekeeper-reload.path
# and danekeeper-reload.service as listed in /etc/danekeeper/reload.d/postfix.
# Usage: nspawn_test.sh BUILD_DIR [SANITIZED]   (exit 77: this machine cannot boot the container)
set -uo pipefail
build=$1 sanitized=${2:-0}
# shellcheck source=../integration/helpers.sh
source "$(dirname "$0")/../integration/helpers.sh"
skip() {
    echo "SKIP: $*"
    exit 77
}
[[ $sanitized == 0 ]] || skip "a sanitizer build's package is not what ships"
[[ $(id -u) == 0 ]] || skip "needs root"
command -v systemd-nspawn >/dev/null && command -v debootstrap >/dev/null ||
    skip "needs systemd-nspawn and debootstrap (tests/install-deps.sh installs them)"
cache=/var/cache/danekeeper-test/bookworm
if [[ ! -x $cache/lib/systemd/systemd ]]; then
    mirror=$(awk '$1 == "URIs:" {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
    [[ -n $mirror ]] || mirror=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
    [[ -n $mirror ]] || skip "no Debian mirror in the apt sources"
    echo "== debootstrap bookworm from $mirror (once; about 2 minutes)"
    rm -rf "$cache.new"
    mkdir -p "$(dirname "$cache")"
    debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus bookworm "$cache.new" "$mirror" \
        >/tmp/dk-debootstrap.log 2>&1 || skip "debootstrap failed: $(tail -3 /tmp/dk-debootstrap.log)"
    mv "$cache.new" "$cache"
fi

work=$(mktemp -d /var/tmp/dk-nspawn-XXXXXX)
root=$work/root
nspawn_pid=""
cleanup() {
    if [[ -n $nspawn_pid ]] && kill -0 "$nspawn_pid" 2>/dev/null; then
        kill -TERM "$nspawn_pid" 2>/dev/null
        for _ in $(seq 1 50); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$nspawn_pid" 2>/dev/null
        wait "$nspawn_pid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT
nspawn() { systemd-nspawn --register=no --keep-unit -q -D "$root" "$@"; }

echo "== the package, into a copy of the container"
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 || {
    bad "cpack: $(tail -5 "$work/cpack.log")"
    exit 1
}
cp -a "$cache" "$root"
cp "$work"/out/danekeeper_*.deb "$root/opt/danekeeper.deb"
# Downloaded with the network, installed without it (Postfix must not start on the host's
# network); no service starts during the installation.
nspawn apt-get install -y -d -q --no-install-recommends /opt/danekeeper.deb postfix >"$work/download.log" 2>&1 ||
    skip "cannot download the dependencies: $(tail -3 "$work/download.log")"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod 755 "$root/usr/sbin/policy-rc.d"
printf 'postfix postfix/main_mailer_type select Local only\npostfix postfix/mailname string dk-test.example\n' \
    >"$root/opt/postfix.debconf"
nspawn --private-network debconf-set-selections /opt/postfix.debconf
nspawn --private-network env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    /opt/danekeeper.deb postfix >"$work/install.log" 2>&1
expect "the .deb installs (with Postfix) in the container" 0 $?
rm -f "$root/usr/sbin/policy-rc.d"

echo "== boot"
SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 systemd-nspawn --register=no --keep-unit --private-network -D "$root" \
    --boot >"$work/console.log" 2>&1 &
nspawn_pid=$!
init_pid=""
for _ in $(seq 1 100); do
    for p in /proc/[0-9]*; do
        [[ $(awk '{print $4}' "$p/stat" 2>/dev/null) == "$nspawn_pid" ]] || continue
        [[ $(cat "$p/comm" 2>/dev/null) == systemd ]] && init_pid=${p#/proc/}
    done
    [[ -n $init_pid ]] && break
    kill -0 "$nspawn_pid" 2>/dev/null || break
    sleep 0.1
done
[[ -n $init_pid ]] || skip "the container's systemd did not start: $(tail -5 "$work/console.log")"
ct() { nsenter -t "$init_pid" -a "$@"; }
state=$(ct timeout 60 systemctl is-system-running --wait 2>/dev/null)
[[ $state == running || $state == degraded ]] && ok "systemd in the container: $state" ||
    skip "the container did not boot ($state): $(tail -5 "$work/console.log")"

echo "== what the postinst made"
expect "user danekeeper" "danekeeper" "$(ct id -un danekeeper 2>/dev/null)"
for entry in "/var/lib/danekeeper 700 danekeeper danekeeper" "/etc/danekeeper/served 755 danekeeper danekeeper" \
    "/var/lib/danekeeper-zones 755 danekeeper danekeeper" "/etc/danekeeper/reload.d 755 root root" \
    "/run/danekeeper/reload-requests 700 danekeeper danekeeper" "/run/danekeeper/reload-results 750 root danekeeper"; do
    read -r path _ <<<"$entry"
    expect "$path" "$entry" "$(ct stat -c '%n %a %U %G' "$path" 2>&1)"
done

echo "== a site configuration: the shipped example, its secrets and programs in place"
secret=$(head -c 32 /dev/urandom | base64)
printf 'key "danekeeper" {\n\talgorithm hmac-sha256;\n\tsecret "%s";\n};\n' "$secret" >"$root/etc/danekeeper/example.net.key"
echo "example.net. IN DS 12345 13 2 $(printf '%064d' 1)" >"$root/etc/danekeeper/anchor.ds"
printf '#!/bin/sh\nexit 1\n' >"$root/usr/local/sbin/sign-csr" && chmod 755 "$root/usr/local/sbin/sign-csr"
cp "$root/usr/share/doc/danekeeper/examples/danekeeper.toml" "$root/etc/danekeeper/danekeeper.toml"
ct chown danekeeper:danekeeper /etc/danekeeper/example.net.key
ct chmod 600 /etc/danekeeper/example.net.key
expect "config check as danekeeper" "ok: 1 zones, 1 key slots" \
    "$(ct runuser -u danekeeper -- danekeeper --config /etc/danekeeper/danekeeper.toml config check 2>&1)"

echo "== danekeeper.service and danekeeper-run.service under their sandbox"
ct systemctl start danekeeper.service
sleep 2
expect "danekeeper.service is active" "active" "$(ct systemctl is-active danekeeper.service)"
main_pid=$(ct systemctl show -p MainPID --value danekeeper.service)
expect "it runs as danekeeper" "$(ct id -u danekeeper)" "$(ct awk '/^Uid:/ {print $2}' "/proc/$main_pid/status")"
expect "with no new privileges" "1" "$(ct awk '/^NoNewPrivs:/ {print $2}' "/proc/$main_pid/status")"
ct systemctl stop danekeeper.service
ct systemctl start danekeeper-run.service 2>/dev/null  # fails: exit 3, checked below
status=$(ct systemctl show -p ExecMainStatus --value danekeeper-run.service)
# No DNS on the private network: the run ends as an environment failure (3), not 226/NAMESPACE.
expect "danekeeper-run.service ran its one-shot (exit 3: no network here)" "3" "$status"

echo "== reloading Postfix from the service's sandbox"
ct systemctl start postfix.service
expect "postfix is active" "active" "$(ct systemctl is-active postfix.service)"
ct systemctl enable --now danekeeper-reload.path >/dev/null 2>&1
expect "danekeeper-reload.path is active" "active" "$(ct systemctl is-active danekeeper-reload.path)"
cp "$root/usr/share/doc/danekeeper/examples/reload.d/postfix" "$root/etc/danekeeper/reload.d/postfix"
chmod 644 "$root/etc/danekeeper/reload.d/postfix"
# The daemon unit's own sandbox (the strictest) with another ExecStart, as a one-shot: what a
# reload argv the daemon runs runs under.
sandboxed() {  # sandboxed NAME COMMAND...
    local name=$1
    shift
    sed -e "s|^ExecStart=.*|ExecStart=$*|" -e 's/^Type=.*/Type=oneshot/' \
        -e '/^\(Description\|ExecReload\|Restart\|RestartSec\|WatchdogSec\|NotifyAccess\)=/d' \
        "$root/usr/lib/systemd/system/danekeeper.service" >"$root/etc/systemd/system/$name.service"
    ct systemctl daemon-reload
    [[ $(ct systemctl show -p LoadState --value "$name.service") == loaded ]] || {
        echo "not loaded"
        return
    }
    ct systemctl start "$name.service" >/dev/null 2>&1
    ct systemctl show -p ExecMainStatus --value "$name.service"
}
direct=$(sandboxed dk-direct /usr/sbin/postfix reload)
[[ $direct =~ ^[1-9][0-9]*$ ]] && ok "postfix reload inside the service's sandbox fails (exit $direct)" ||
    bad "postfix reload worked inside the service's sandbox"
since=$(ct date +%s)
expect "reload-request postfix from the service's sandbox" "0" "$(sandboxed dk-request /usr/lib/danekeeper/reload-request postfix)"
ct journalctl -q -u danekeeper-reload.service --since "@$since" -o cat >"$work/reload.journal"
grep -q 'name=postfix id=[0-9-]* exit=0' "$work/reload.journal" && ok "danekeeper-reload.service ran it: $(grep -m1 'name=postfix' "$work/reload.journal")" ||
    bad "danekeeper-reload.service: $(cat "$work/reload.journal")"
ct journalctl -q --since "@$since" -o cat | grep -q 'reload -- version' && ok "Postfix's master logged its reload" ||
    bad "no reload in Postfix's log"
expect "nothing left in the request directory" "" "$(ct ls -A /run/danekeeper/reload-requests)"

ct systemctl poweroff
for _ in $(seq 1 150); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.2; done
wait "$nspawn_pid"
expect "the container powers off" 0 $?
nspawn_pid=""
echo "$failures failures"
exit $((failures > 0))
