#!/bin/bash
# The Debian package: cpack builds it from this build tree; its control data and file list are
# checked; it is unpacked with dpkg -x into a temporary root (nothing touches the host's dpkg
# database or /usr); the unpacked binary runs --version and `config check` on the shipped example
# (its site-specific paths pointed into the temporary root); the shipped units pass
# `systemd-analyze verify`; the man pages render without groff warnings. Package completeness:
# the copyright file (machine-readable, the license of LICENSE), the gzip'd changelog whose
# version is the package's, /etc/danekeeper/danekeeper.toml as a conffile, danekeeper(1) with
# every verb and EXAMPLES, danekeeper.toml(5); lintian (when installed) finds no error.
# Usage: package_test.sh BUILD_DIR
set -uo pipefail
build=$1
work=$(mktemp -d /tmp/dk-package-XXXXXX)
trap 'rm -rf "$work"' EXIT
# shellcheck source=../integration/helpers.sh
source "$(dirname "$0")/../integration/helpers.sh"

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1
expect "cpack builds the package" 0 $?
deb=$(ls "$work"/out/danekeeper_*.deb 2>/dev/null | head -1)
[[ -f $deb ]] && ok "package file $(basename "$deb") ($(stat -c %s "$deb") bytes)" || { bad "no .deb"; cat "$work/cpack.log"; exit 1; }
dpkg-deb --info "$deb" >"$work/info"
expect "package name" "danekeeper" "$(dpkg-deb --field "$deb" Package)"
expect "architecture" "$(dpkg --print-architecture)" "$(dpkg-deb --field "$deb" Architecture)"
depends=$(dpkg-deb --field "$deb" Depends)
[[ $depends == *libssl3* && $depends == *libldns3* ]] && ok "Depends from dpkg-shlibdeps: $depends" || bad "Depends: $depends"
# libcurl is loaded when a request needs it, not linked: dpkg-shlibdeps cannot see it.
[[ $depends == *"libcurl4 (>= 7.85.0)"* ]] && ok "Depends names libcurl4" || bad "Depends lacks libcurl4: $depends"
dpkg-deb --ctrl-tarfile "$deb" | tar -t | grep -q '^./postinst$' && ok "postinst shipped" || bad "no postinst"
dpkg-deb --contents "$deb" | awk '{print $6}' >"$work/files"
for f in ./usr/bin/danekeeper ./usr/share/man/man1/danekeeper.1.gz ./usr/share/man/man5/danekeeper.toml.5.gz \
    ./usr/share/doc/danekeeper/copyright ./usr/share/doc/danekeeper/changelog.gz ./etc/danekeeper/danekeeper.toml \
    ./usr/lib/systemd/system/danekeeper.service ./usr/lib/systemd/system/danekeeper-run.service \
    ./usr/lib/systemd/system/danekeeper-run.timer ./usr/lib/sysusers.d/danekeeper.conf \
    ./usr/lib/systemd/system/danekeeper-reload.path ./usr/lib/systemd/system/danekeeper-reload.service \
    ./usr/lib/tmpfiles.d/danekeeper.conf ./usr/lib/danekeeper/reload-request ./usr/lib/danekeeper/reload-run \
    ./usr/share/doc/danekeeper/examples/reload.d/postfix \
    ./usr/share/danekeeper/hooks/certbot-deploy-hook ./usr/share/doc/danekeeper/examples/danekeeper.toml; do
    grep -qx "$f" "$work/files" && ok "contains $f" || bad "missing $f"
done

root=$work/root
dpkg -x "$deb" "$root"
expect "dpkg -x unpacks it" 0 $?
dk=$root/usr/bin/danekeeper
expect "--version" "danekeeper $(dpkg-deb --field "$deb" Version)" "$("$dk" --version)"
[[ -x $root/usr/share/danekeeper/hooks/dehydrated-hook ]] && ok "hooks are executable" || bad "hooks not executable"

# The example as shipped names site files that do not exist here: config check says which.
example=$root/usr/share/doc/danekeeper/examples/danekeeper.toml
"$dk" --config "$example" config check >"$work/check0" 2>&1
expect "config check on the example as shipped: exit 2 (its TSIG key file is not here)" 2 $?
grep -q '/etc/danekeeper/example.net.key' "$work/check0" && ok "and it names the file" || bad "check0: $(cat "$work/check0")"
# Pointed into the temporary root (key file 0600, a trust anchor, the issuing program), it passes.
site=$root/site
mkdir -p "$site/etc/danekeeper/served" "$site/state"
tsig-keygen -a hmac-sha256 danekeeper >"$site/etc/danekeeper/example.net.key"
chmod 600 "$site/etc/danekeeper/example.net.key"
printf '#!/bin/sh\nexit 1\n' >"$site/sign-csr" && chmod 755 "$site/sign-csr"
echo "example.net. IN DS 12345 13 2 $(printf '%064d' 1)" >"$site/etc/danekeeper/anchor.ds"
sed -e "s|/etc/danekeeper|$site/etc/danekeeper|g" -e "s|/var/lib/danekeeper|$site/state|g" \
    -e "s|/usr/local/sbin/sign-csr|$site/sign-csr|g" -e "s|/usr/lib/danekeeper/|$root/usr/lib/danekeeper/|g" \
    "$example" >"$site/danekeeper.toml"
"$dk" --config "$site/danekeeper.toml" config check >"$work/check1" 2>&1
expect "config check on the example" 0 $?
expect "its verdict" "ok: 1 zones, 1 key slots" "$(cat "$work/check1")"

# The units as installed, with ExecStart pointing at the unpacked programs (/usr has none here).
mkdir -p "$work/units"
units=(danekeeper.service danekeeper-run.service danekeeper-run.timer danekeeper-reload.path danekeeper-reload.service)
for u in "${units[@]}"; do
    sed -e "s|/usr/bin/danekeeper|$dk|" -e "s|/usr/lib/danekeeper/|$root/usr/lib/danekeeper/|" \
        "$root/usr/lib/systemd/system/$u" >"$work/units/$u"
done
if command -v systemd-analyze >/dev/null; then
    (cd "$work/units" && systemd-analyze verify --man=no "${units[@]}") >"$work/verify" 2>&1
    rc=$?
    [[ $rc -eq 0 && ! -s "$work/verify" ]] && ok "systemd-analyze verify: clean" || bad "systemd-analyze verify (exit $rc): $(cat "$work/verify")"
fi
for key in "User=danekeeper" "ProtectSystem=strict" "NoNewPrivileges=yes"; do
    grep -qx "$key" "$root/usr/lib/systemd/system/danekeeper.service" && ok "daemon unit: $key" || bad "daemon unit lacks $key"
done
# Every directory a unit names is made by the tmpfiles.d entry (else: 226/NAMESPACE at start).
for u in danekeeper.service danekeeper-run.service; do
    for path in $(sed -n 's/^ReadWritePaths=//p' "$root/usr/lib/systemd/system/$u"); do
        grep -Eq "^d $path " "$root/usr/lib/tmpfiles.d/danekeeper.conf" && ok "$u: tmpfiles.d makes $path" ||
            bad "$u: nothing makes ReadWritePaths $path"
    done
done
watched=$(sed -n 's/^DirectoryNotEmpty=//p' "$root/usr/lib/systemd/system/danekeeper-reload.path")
grep -Eq "^d $watched " "$root/usr/lib/tmpfiles.d/danekeeper.conf" && ok "tmpfiles.d makes $watched" || bad "nothing makes $watched"
grep -qx "CapabilityBoundingSet=" "$root/usr/lib/systemd/system/danekeeper.service" && ok "daemon unit: empty CapabilityBoundingSet=" || bad "CapabilityBoundingSet"
grep -qx "Type=notify" "$root/usr/lib/systemd/system/danekeeper.service" && ok "daemon unit: Type=notify" || bad "daemon unit is not Type=notify"
grep -Eqx "WatchdogSec=[1-9][0-9]*" "$root/usr/lib/systemd/system/danekeeper.service" && ok "daemon unit: WatchdogSec" || bad "daemon unit has no WatchdogSec"
for page in man1/danekeeper.1.gz man5/danekeeper.toml.5.gz; do
    warnings=$(zcat "$root/usr/share/man/$page" | groff -man -ww -z 2>&1)
    expect "man page $page renders without warnings" "" "$warnings"
done
rendered=$(MANWIDTH=200 man -l "$root/usr/share/man/man1/danekeeper.1.gz" 2>/dev/null)
for verb in $("$dk" --help | awk '/^Verbs:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}'); do
    grep -Eq "^ {7}$verb( |$)" <<<"$rendered" && ok "danekeeper(1) describes $verb" || bad "danekeeper(1) lacks $verb"
done
grep -q '^EXAMPLES' <<<"$rendered" && ok "danekeeper(1) has EXAMPLES" || bad "danekeeper(1) has no EXAMPLES"
MANWIDTH=200 man -l "$root/usr/share/man/man5/danekeeper.toml.5.gz" 2>/dev/null | grep -q 'stale_warning_factor' &&
    ok "danekeeper.toml(5) describes the keys" || bad "danekeeper.toml(5)"

# Package completeness: copyright, changelog, conffiles.
copyright=$root/usr/share/doc/danekeeper/copyright
head -1 "$copyright" | grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/$' &&
    ok "copyright: machine-readable format" || bad "copyright format line: $(head -1 "$copyright")"
grep -q '^Copyright: .* the danekeeper authors$' "$copyright" && ok "copyright holder" || bad "copyright holder"
# The license text is the last stanza: every line after its "License: Expat", one space in.
license_body=$(awk '/^License: Expat$/ {body = ""; next} {body = body $0 "\n"} END {printf "%s", body}' "$copyright" |
    sed -e 's/^ //' -e 's/^\.$//')
expect "copyright carries LICENSE's text" "$(sed -n '/^Permission/,$p' "$(dirname "$0")/../../LICENSE")" "$license_body"
changelog=$root/usr/share/doc/danekeeper/changelog.gz
gzip -t "$changelog" && ok "changelog.gz is gzip" || bad "changelog.gz"
expect "changelog version is the package's" "$(dpkg-deb --field "$deb" Version)" \
    "$(zcat "$changelog" | dpkg-parsechangelog -l - -S Version 2>/dev/null)"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles >"$work/conffiles" 2>/dev/null
expect "conffiles" "/etc/danekeeper/danekeeper.toml" "$(cat "$work/conffiles")"
cmp -s "$root/etc/danekeeper/danekeeper.toml" "$example" && ok "the conffile is the example configuration" || bad "conffile differs"

# lintian, when installed (tests/install-deps.sh installs it): no error; its other findings are
# printed for the record.
if command -v lintian >/dev/null; then
    lintian --tag-display-limit 0 "$deb" >"$work/lintian" 2>&1
    sed 's/^/lintian: /' "$work/lintian"
    errors=$(grep -c '^E: ' "$work/lintian")
    expect "lintian errors" 0 "$errors"
fi

echo "$failures failures"
exit $((failures > 0))
