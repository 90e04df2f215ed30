# Postfix MX instances: self-contained (own config, queue and data directories under DIR).

write_postfix_instance() {
    local name=$1 addr=$2 smtps=$3 d=$DIR/$1
    mkdir -p "$d/etc" "$d/queue" "$d/data"
    chown postfix "$d/data"
    cat >"$d/etc/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $d/queue
data_directory = $d/data
myhostname = $name.example.test
mydomain = example.test
mydestination =
inet_interfaces = $addr
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_peername_lookup = no
default_transport = error
relay_transport = error
local_transport = error
alias_maps =
alias_database =
biff = no
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_tls_security_level = may
smtpd_tls_chain_files = $d/current.postfix.pem
smtpd_tls_loglevel = 1
maillog_file = $d/maillog
maillog_file_prefixes = $DIR
CONF
    {
        echo "$addr:25 inet n - n - - smtpd"
        if [[ $smtps == yes ]]; then
            echo "$addr:465 inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=encrypt"
        fi
        cat <<'MASTER'
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
MASTER
    } >"$d/etc/master.cf"
    issue_leaf "$d/current" "DNS:$name.example.test"
    issue_leaf "$d/alt" "DNS:$name.example.test"
    issue_leaf "$d/rsa" "DNS:$name.example.test" rsa
}

postfix_master_pid_file() { echo "$DIR/$1/queue/pid/master.pid"; }

start_postfix() {
    local name=$1 addr=$2 smtps=$3
    check_port_free "$addr" 25
    [[ $smtps == yes ]] && check_port_free "$addr" 465
    # Postfix's daemons run as user postfix and must reach their directories under DIR.
    if ! runuser -u postfix -- test -x "$DIR" 2>/dev/null; then
        die "user postfix cannot enter $DIR (a parent directory is not searchable by others); use a directory under a 0755 path" 3
    fi
    write_postfix_instance "$name" "$addr" "$smtps"
    launch_postfix "$name" "$addr"
}

# Starts the instance NAME as configured (main.cf as it is now) and records its master's pid.
launch_postfix() {
    local name=$1 addr=$2
    if ! postfix -c "$DIR/$name/etc" start >>"$DIR/logs/$name.log" 2>&1; then
        show_log_tail "$name"
        return 1
    fi
    wait_until "$name master pid file" 10 test -s "$(postfix_master_pid_file "$name")" || return 1
    record_pid "$name" "$(tr -d ' ' <"$(postfix_master_pid_file "$name")")"
    wait_until "$name to offer STARTTLS" 10 smtp_offers_starttls "$addr" || {
        tail -n 20 "$DIR/$name/maillog" >&2 2>/dev/null
        return 1
    }
}

smtp_offers_starttls() {
    printf 'EHLO probe.example.test\r\nQUIT\r\n' | timeout 2 openssl s_client -quiet -starttls smtp \
        -connect "$1:25" -servername probe 2>/dev/null | grep -q '^250'
}

stop_postfix() {
    local name=$1
    if [[ -f $(pid_file "$name") ]] && pid_is_ours "$(<"$(pid_file "$name")")" /usr/lib/postfix/sbin/master; then
        postfix -c "$DIR/$name/etc" stop >>"$DIR/logs/$name.log" 2>&1 || true
    fi
    stop_recorded "$name" /usr/lib/postfix/sbin/master
}

# Switches NAME to CHAIN (key, leaf, CA in one file) and reloads: a deployment, as operators do it.
# With several files Postfix reads them in order as `smtpd_tls_chain_files = A, B`: a key file and
# its chain file (what a host danekeeper deploys to over SSH holds), or two combined files (an
# ECDSA and an RSA pair: each chain goes to the clients whose signature algorithms pick it).
use_chain() {
    local name=$1 file chain=""
    shift
    for file in "$@"; do
        [[ -r $file ]] || die "cannot read $file" 2
        chain+=${chain:+, }$file
    done
    # Rewriting main.cf makes the reload take seconds; skip it when the path is unchanged.
    if [[ $(postconf -c "$DIR/$name/etc" -h smtpd_tls_chain_files) != "$chain" ]]; then
        postconf -c "$DIR/$name/etc" -e "smtpd_tls_chain_files = $chain"
    fi
    postfix -c "$DIR/$name/etc" reload >>"$DIR/logs/$name.log" 2>&1
}
