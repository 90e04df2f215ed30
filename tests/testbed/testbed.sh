#!/bin/bash
# The loopback testbed: BIND signing primary, Knot secondary, Unbound validating resolver,
# two Postfix MX instances, a Dovecot IMAP/POP3 server, Pebble and nginx (the MTA-STS policy
# host, lib/nginx.sh), every one from its Debian
# package, under one directory.
# A second Knot serves signed.test from a signed zone file (danekeeper's signed-file publisher);
# a third signs knot-primary.test itself and takes RFC 2136 updates (lib/knot_primary.sh), and
# PowerDNS does the same for pdns.test (lib/pdns.sh). A fourth Knot serves the signed parent
# zone test. with the delegations and DS of those zones (lib/parent_zone.sh).
#
#   testbed.sh up DIR [--net 127.NN] [--no-ipv6]   start everything, write DIR/testbed.env;
#                                       --no-ipv6: never take the machine's one [::1]:53
#   testbed.sh down DIR                 stop every recorded process by pid, then remove DIR;
#                                       non-zero (and DIR kept for its logs) if any is left
#   testbed.sh status DIR               each component and whether it runs
#   testbed.sh mx-use DIR mx1|mx2 CHAIN switch an MX to CHAIN (key, leaf, CA) and reload it
#   testbed.sh mx-use-pair DIR mx1|mx2 FILE1 FILE2   the same with two files: two combined
#       chains (ECDSA + RSA, each served to the clients that pick it), or a key file and its chain
#   testbed.sh mx-stop|mx-start DIR mx1|mx2   stop an MX, start it again as it was configured
#   testbed.sh remote-stop|remote-start DIR   stop the remote host's sshd, start it again
#   testbed.sh ext-stop|ext-start DIR   stop the out-of-zone secondary (lib/ext_ns.sh: IPv4 and
#                                       [::1]), start it again as configured (running: no-op)
#   testbed.sh dovecot-use DIR CHAIN KEY [ALT_CHAIN ALT_KEY]   switch Dovecot to CHAIN (leaf first)
#                                       + KEY (and a second algorithm's chain) and reload it
#   testbed.sh parent-ds DIR ZONE FILE  the parent's DS RRset of ZONE := the DS records in FILE
# The remote MX host (lib/sshd.sh): an sshd on $NET.4.1:2222 with its own user and directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for lib in common ca named knot ext_ns knot_primary pdns signed_zone parent_zone unbound postfix dovecot pebble sshd nginx; do
    # shellcheck source=/dev/null
    source "$here/lib/$lib.sh"
done

# name:binary of every process, in the order they are stopped.
COMPONENTS=(nginx:/usr/sbin/nginx sshd:/usr/sbin/sshd pebble:/usr/bin/pebble dovecot:/usr/sbin/dovecot mx2:postfix mx1:postfix
    unbound:/usr/sbin/unbound knotd-parent:/usr/sbin/knotd pdns:/usr/sbin/pdns_server knotd-primary:/usr/sbin/knotd knotd-signed:/usr/sbin/knotd knotd-ext:/usr/sbin/knotd knotd:/usr/sbin/knotd named:/usr/sbin/named
    ipv6-lock:/usr/bin/sleep)

usage() { die "usage: testbed.sh up|down|status DIR [--net 127.NN] [--no-ipv6] | parent-ds DIR ZONE FILE | mx-use DIR mx1|mx2 CHAIN | mx-use-pair DIR mx1|mx2 FILE1 FILE2 | mx-stop|mx-start DIR mx1|mx2 | remote-stop|remote-start DIR | ext-stop|ext-start DIR | dovecot-use DIR CHAIN KEY [ALT_CHAIN ALT_KEY]" 2; }

set_addresses() {
    PRIMARY=$NET.1.1 SECONDARY=$NET.1.2 RESOLVER=$NET.1.3 SIGNER=$NET.1.4
    KNOT_PRIMARY=$NET.1.5  # Knot signing knot-primary.test itself, taking updates
    PDNS_PRIMARY=$NET.1.6  # PowerDNS signing pdns.test live, taking updates
    EXT_NS=$NET.1.7        # ns-ext.knot-primary.test.: the out-of-zone secondary (lib/ext_ns.sh)
    PARENT=$NET.1.8        # Knot serving the parent zone test. and a root zone (delegations and DS)
    MX1=$NET.2.1 MX2=$NET.2.2 PEBBLE=$NET.3.1 REMOTE_ADDR=$NET.4.1
    # DOVECOT serves imap.example.test; pop.example.test's A record is MAIL_LB, a "load balancer"
    # address nothing listens on: only a probe address (endpoint@DOVECOT:1110) reaches it.
    DOVECOT=$NET.4.2 MAIL_LB=$NET.4.9
    MTA_STS=$NET.4.4  # nginx: the MTA-STS policy host mta-sts.example.test (lib/nginx.sh)
}

stop_all() {
    local failed=0 entry name binary
    for entry in "${COMPONENTS[@]}"; do
        name=${entry%%:*} binary=${entry#*:}
        if [[ $binary == postfix ]]; then
            stop_postfix "$name" || failed=1
        elif [[ $name == sshd ]]; then
            stop_sshd || failed=1
        else
            stop_recorded "$name" "$binary" || failed=1
        fi
    done
    return $failed
}

# Any process whose command line or working directory is under DIR and is still alive.
leftover_processes() {
    local pid cmd
    for pid in /proc/[0-9]*; do
        pid=${pid#/proc/}
        [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
        cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || continue
        [[ -z $cmd ]] && continue
        if [[ $cmd == *"$DIR/"* || $(readlink "/proc/$pid/cwd" 2>/dev/null) == "$DIR/"* ]]; then
            [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]] && continue
            echo "pid $pid: $cmd"
        fi
    done
}

write_env() {
    local f=$DIR/testbed.env
    cat >"$f" <<ENV
TB_DIR=$DIR
TB_NET=$NET
TB_ZONE=example.test
TB_PRIMARY=$PRIMARY:53
TB_PRIMARY_ADDR=$PRIMARY
TB_SECONDARY=$SECONDARY:53
TB_SECONDARY_ADDR=$SECONDARY
TB_EXT_NS_NAME=$EXT_NS_NAME
TB_EXT_NS_ADDR=$EXT_NS
TB_EXT_NS_IPV6=$([[ $IPV6 == yes ]] && echo "$IPV6_ADDR")
TB_EXT_NS_IPV6_SKIP="$IPV6_SKIP"
TB_RESOLVER=$RESOLVER:53
TB_RESOLVER_ADDR=$RESOLVER
TB_TSIG_KEY_FILE=$DIR/keys/dk-sha256.key
TB_TSIG_KEY_NAME=dk-sha256
TB_TSIG_SHA512_KEY_FILE=$DIR/keys/dk-sha512.key
TB_TSIG_SHA1_KEY_FILE=$DIR/keys/dk-sha1.key
TB_RNDC_CONF=$DIR/keys/rndc.conf
TB_TRUST_ANCHOR_DS=$DIR/anchor.ds
TB_TRUST_ANCHOR_DNSKEY=$DIR/anchor.dnskey
TB_CA_CERT=$DIR/ca/ca.pem
TB_CA_KEY=$DIR/ca/ca.key
TB_KNOT_CONF=$DIR/knot/knot.conf
TB_KNOTD_PID_FILE=$DIR/pids/knotd.pid
TB_UNBOUND_CONF=$DIR/unbound/unbound.conf
TB_PEBBLE_DIRECTORY=https://$PEBBLE:14000/dir
TB_PEBBLE_MGMT=https://$PEBBLE:15000
TB_PEBBLE_ADDR=$PEBBLE
TB_PEBBLE_TLS_CA=$DIR/ca/ca.pem
TB_PEBBLE_ROOT=$DIR/pebble/root.pem
TB_KNOT_PRIMARY_ZONE=$KNOT_PRIMARY_ZONE
TB_KNOT_PRIMARY=$KNOT_PRIMARY:53
TB_KNOT_PRIMARY_ADDR=$KNOT_PRIMARY
TB_KNOT_PRIMARY_CONF=$DIR/knot-primary/knot.conf
TB_KNOT_PRIMARY_TRUST_ANCHOR_DS=$DIR/knot-primary-anchor.ds
TB_PDNS_ZONE=$PDNS_PRIMARY_ZONE
TB_PDNS_PRIMARY=$PDNS_PRIMARY:53
TB_PDNS_PRIMARY_ADDR=$PDNS_PRIMARY
TB_PDNS_CONF_DIR=$DIR/pdns
TB_PDNS_TRUST_ANCHOR_DS=$DIR/pdns-anchor.ds
TB_PARENT_ZONE=$PARENT_ZONE
TB_PARENT=$PARENT:53
TB_PARENT_ADDR=$PARENT
TB_PARENT_ANCHOR_DS=$DIR/parent-anchor.ds
TB_ROOT_ANCHOR_DS=$DIR/root-anchor.ds
TB_SIGNED_ZONE=$SIGNED_ZONE
TB_SIGNED_SERVER=$SIGNER:53
TB_SIGNED_ADDR=$SIGNER
TB_SIGNED_UNSIGNED_FILE=$DIR/signed/$SIGNED_ZONE.zone
TB_SIGNED_FILE=$DIR/knot-signed/zones/$SIGNED_ZONE.signed
TB_SIGNED_KEYS_DIR=$DIR/signed/keys
TB_SIGNED_KNOT_CONF=$DIR/knot-signed/knot.conf
TB_SIGNED_TRUST_ANCHOR_DS=$DIR/signed-anchor.ds
TB_SIGNED_MX1_HOST=mx1.$SIGNED_ZONE
TB_SIGNED_MX2_HOST=mx2.$SIGNED_ZONE
TB_REMOTE_ADDR=$REMOTE_ADDR
TB_REMOTE_SSH_PORT=$REMOTE_SSH_PORT
TB_REMOTE_SSH_TARGET=$REMOTE_USER@$REMOTE_ADDR
TB_REMOTE_USER=$REMOTE_USER
TB_REMOTE_IDENTITY=$DIR/remote/client/id_ed25519
TB_REMOTE_KNOWN_HOSTS=$DIR/remote/client/known_hosts
TB_REMOTE_WRONG_KNOWN_HOSTS=$DIR/remote/client/wrong_known_hosts
TB_REMOTE_TLS_DIR=$DIR/remote/tls
ENV
    local mx addr upper
    for mx in mx1 mx2; do
        upper=${mx^^}
        addr=$MX1
        [[ $mx == mx2 ]] && addr=$MX2
        cat >>"$f" <<ENV
TB_${upper}_HOST=$mx.example.test
TB_${upper}_ADDR=$addr
TB_${upper}_SMTP_PORT=25
TB_${upper}_POSTFIX_CONF=$DIR/$mx/etc
TB_${upper}_CHAIN=$DIR/$mx/current.postfix.pem
TB_${upper}_CERT=$DIR/$mx/current.pem
TB_${upper}_KEY=$DIR/$mx/current.key
TB_${upper}_FULLCHAIN=$DIR/$mx/current.chain.pem
TB_${upper}_ALT_CHAIN=$DIR/$mx/alt.postfix.pem
TB_${upper}_ALT_CERT=$DIR/$mx/alt.pem
TB_${upper}_ALT_KEY=$DIR/$mx/alt.key
TB_${upper}_ALT_FULLCHAIN=$DIR/$mx/alt.chain.pem
TB_${upper}_RSA_CHAIN=$DIR/$mx/rsa.postfix.pem
TB_${upper}_RSA_KEY=$DIR/$mx/rsa.key
TB_${upper}_RSA_FULLCHAIN=$DIR/$mx/rsa.chain.pem
ENV
    done
    echo "TB_MX1_SMTPS_PORT=465" >>"$f"
    cat >>"$f" <<ENV
TB_DOVECOT_HOST=imap.example.test
TB_DOVECOT_ADDR=$DOVECOT
TB_DOVECOT_CONF=$DIR/dovecot/dovecot.conf
TB_DOVECOT_CERT=$DIR/dovecot/current.pem
TB_DOVECOT_KEY=$DIR/dovecot/current.key
TB_DOVECOT_FULLCHAIN=$DIR/dovecot/current.chain.pem
TB_DOVECOT_ALT_KEY=$DIR/dovecot/alt.key
TB_DOVECOT_ALT_FULLCHAIN=$DIR/dovecot/alt.chain.pem
TB_DOVECOT_LB_HOST=pop.example.test
TB_DOVECOT_LB_ADDR=$MAIL_LB
TB_DOVECOT_LB_POP3_PORT=1110
TB_MTA_STS_HOST=mta-sts.example.test
TB_MTA_STS_ADDR=$MTA_STS
TB_MTA_STS_POLICY_FILE=$DIR/nginx/www/.well-known/mta-sts.txt
ENV
}

timed() {
    local what=$1 start
    shift
    start=$(now_ms)
    "$@" || return 1
    log "$what up in $(($(now_ms) - start)) ms"
}

cmd_up() {
    if [[ -d $DIR/pids ]] && compgen -G "$DIR/pids/*.pid" >/dev/null; then
        log "stale pid files in $DIR/pids: stopping what is left of an earlier run"
        stop_all || die "could not stop the earlier run's processes" 3
    fi
    remove_addresses
    rm -rf "${DIR:?}"/{ca,keys,named,knot,knot-ext,knot-signed,knot-primary,pdns,signed,parent,unbound,mx1,mx2,dovecot,pebble,remote,nginx,pids,logs}
    rm -f "${DIR:?}"/{signed,knot-primary,pdns,parent,root}-anchor.{ds,dnskey}
    mkdir -p "$DIR/pids" "$DIR/logs"
    if grep -qsE '(named|unbound|dovecot).*\(enforce\)' /sys/kernel/security/apparmor/profiles; then
        log "warning: AppArmor enforces a named, unbound or dovecot profile; it may block files under $DIR"
    fi
    local start
    start=$(now_ms)
    trap 'log "bringing the testbed up failed; tearing down"; stop_all || true; remove_addresses' EXIT
    make_ca
    for addr in "$PRIMARY" "$SECONDARY" "$RESOLVER" "$SIGNER" "$KNOT_PRIMARY" "$PDNS_PRIMARY" "$EXT_NS" "$PARENT" "$MX1" "$MX2" "$DOVECOT" "$PEBBLE" "$REMOTE_ADDR" "$MTA_STS"; do
        ensure_address "$addr"
    done
    take_ipv6_lock
    timed named start_named
    write_trust_anchor
    timed knotd start_knot
    timed knotd-ext start_knot_ext
    timed knotd-signed start_signed_knot
    timed knotd-primary start_knot_primary
    timed pdns start_pdns
    timed knotd-parent start_parent_knot
    timed unbound start_unbound
    timed mx1 start_postfix mx1 "$MX1" yes
    timed mx2 start_postfix mx2 "$MX2" no
    timed dovecot start_dovecot "$DOVECOT"
    timed pebble start_pebble
    timed sshd start_sshd "$REMOTE_ADDR"
    timed nginx start_nginx "$MTA_STS"
    write_env
    trap - EXIT
    log "all up in $(($(now_ms) - start)) ms; env: $DIR/testbed.env"
}

cmd_down() {
    local status=0 left
    stop_all || status=1
    left=$(leftover_processes)
    if [[ -n $left ]]; then
        log "processes still running under $DIR:"
        printf '%s\n' "$left" >&2
        status=1
    fi
    remove_addresses
    if [[ $status -eq 0 ]]; then
        rm -rf -- "${DIR:?}"
        log "down: nothing left running; $DIR removed"
    fi
    return $status
}

cmd_status() {
    local entry name binary pid state
    for entry in "${COMPONENTS[@]}"; do
        name=${entry%%:*} binary=${entry#*:}
        [[ $binary == postfix ]] && binary=/usr/lib/postfix/sbin/master
        state="not running"
        if [[ -f $(pid_file "$name") ]]; then
            pid=$(<"$(pid_file "$name")")
            pid_is_ours "$pid" "$binary" && state="running (pid $pid)"
        fi
        printf '%-8s %s\n' "$name" "$state"
    done
}

[[ $# -ge 2 ]] || usage
verb=$1
DIR=$(realpath -m "$2")
shift 2
NET=127.53
if [[ -f $DIR/testbed.env ]]; then
    NET=$(sed -n 's/^TB_NET=//p' "$DIR/testbed.env")
fi
case $verb in
up)
    while [[ $# -gt 0 ]]; do
        case $1 in
        --net) NET=$2; shift 2 ;;
        --no-ipv6) IPV6_SKIP="brought up with --no-ipv6"; shift ;;
        *) usage ;;
        esac
    done
    [[ $NET =~ ^127\.[0-9]{1,3}$ ]] || die "--net must look like 127.NN" 2
    [[ $(id -u) -eq 0 ]] || die "the testbed binds port 53 and 25 on loopback addresses: run as root" 3
    set_addresses
    # DIR is often in a world-writable place (ctest: /var/tmp): it must be ours, not a link.
    [[ -L $DIR ]] && die "$DIR is a symbolic link" 3
    mkdir -p -m 755 "$DIR"
    [[ $(stat -c %u "$DIR") == "$(id -u)" ]] || die "$DIR is not root's" 3
    chmod 755 "$DIR"
    cmd_up
    ;;
down) set_addresses; cmd_down ;;
status) set_addresses; cmd_status ;;
mx-use)
    [[ $# -eq 2 && ($1 == mx1 || $1 == mx2) ]] || usage
    use_chain "$1" "$(realpath "$2")"
    ;;
mx-use-pair)
    [[ $# -eq 3 && ($1 == mx1 || $1 == mx2) ]] || usage
    use_chain "$1" "$(realpath "$2")" "$(realpath "$3")"
    ;;
mx-stop)
    [[ $# -eq 1 && ($1 == mx1 || $1 == mx2) ]] || usage
    stop_postfix "$1"
    ;;
ext-stop)
    [[ $# -eq 0 ]] || usage
    stop_recorded knotd-ext /usr/sbin/knotd
    ;;
ext-start)
    [[ $# -eq 0 ]] || usage
    set_addresses
    if [[ -f $(pid_file knotd-ext) ]] && pid_is_ours "$(<"$(pid_file knotd-ext)")" /usr/sbin/knotd; then
        exit 0
    fi
    [[ -n $(sed -n 's/^TB_EXT_NS_IPV6=//p' "$DIR/testbed.env") ]] && IPV6=yes
    launch_knot_ext
    ;;
remote-stop)
    [[ $# -eq 0 ]] || usage
    stop_recorded sshd /usr/sbin/sshd
    ;;
remote-start)
    [[ $# -eq 0 ]] || usage
    set_addresses
    launch_sshd
    ;;
mx-start)
    [[ $# -eq 1 && ($1 == mx1 || $1 == mx2) ]] || usage
    set_addresses
    addr=$MX1
    [[ $1 == mx2 ]] && addr=$MX2
    launch_postfix "$1" "$addr"
    ;;
parent-ds)
    [[ $# -eq 2 ]] || usage
    set_addresses
    parent_set_ds "$1" "$(realpath "$2")"
    ;;
dovecot-use)
    [[ $# -eq 2 || $# -eq 4 ]] || usage
    set_addresses
    files=()
    for f in "$@"; do files+=("$(realpath "$f")"); done
    dovecot_use "$DOVECOT" "${files[@]}"
    ;;
*) usage ;;
esac
