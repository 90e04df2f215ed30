#!/bin/bash
# Installs the Debian 12 packages danekeeper needs to build, test and run its testbed, by name,
# only when something is missing. Used by tests/run.sh and examples/demo.sh.
set -euo pipefail

BUILD_PACKAGES=(cmake ninja-build g++ clang libclang-rt-14-dev clang-format pkg-config
    libldns-dev libssl-dev libcurl4-openssl-dev libsqlitecpp-dev libsqlite3-dev libcxxopts-dev
    libgtest-dev libgmock-dev libtomlplusplus-dev nlohmann-json3-dev zlib1g-dev)  # zlib: TLSRPT reports are gzip (RFC 8460)
TESTBED_PACKAGES=(bind9 bind9-utils bind9-dnsutils knot knot-dnsutils pdns-server pdns-backend-sqlite3 pdns-tools unbound postfix dovecot-imapd dovecot-pop3d pebble libfaketime
    ldnsutils openssl hash-slinger gnutls-bin certbot python3-certbot-dns-rfc2136 curl iproute2 procps python3
    time dpkg-dev groff-base man-db systemd lintian faketime openssh-client openssh-server sudo
    systemd-container debootstrap chromium-headless-shell nginx postfix-mta-sts-resolver)  # time: benchmarks; dpkg-dev..lintian: the package test (cpack DEB, man pages, units, lintian); faketime: clock jumps; openssh-*, sudo: the remote MX host (SSH deployment); systemd-container, debootstrap: the units in a booted container; chromium-headless-shell: renders the audit page; nginx, postfix-mta-sts-resolver: the MTA-STS policy host and an independent MTA-STS client

missing=()
for pkg in "${BUILD_PACKAGES[@]}" "${TESTBED_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
    echo "install-deps: all packages present"
    exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
    echo "install-deps: missing packages (${missing[*]}); run as root or install them" >&2
    exit 3
fi
echo "install-deps: installing ${#missing[@]} packages (a few minutes on a fresh machine): ${missing[*]}"
# Postfix asks what kind of mail system this is; the testbed runs its own instances.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
# The packaged daemons must not start system-wide: the testbed runs its own on loopback.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod 755 "$policy"
    made_policy=1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
if [[ $made_policy -eq 1 ]]; then rm -f "$policy"; fi
