# Dovecot IMAP/POP3 instance: self-contained (own config, base_dir, state and logs under
# DIR/dovecot), run in the foreground as `dovecot -F -c CONF` with its pid recorded, stopped by pid.
# Listeners: IMAP 143 (STARTTLS) and 1143 (STARTTLS on a non-default port), IMAPS 993, POP3 110
# (STLS) and 1110 (STLS, the port behind a "load balancer" for probe-address tests), POP3S 995.

dovecot_conf() { echo "$DIR/dovecot/dovecot.conf"; }

write_dovecot_instance() {
    local addr=$1 d=$DIR/dovecot
    mkdir -p "$d/run" "$d/state" "$d/mail"
    issue_leaf "$d/current" "DNS:imap.example.test"
    issue_leaf "$d/alt" "DNS:imap.example.test"
    write_dovecot_ssl "$d/current.chain.pem" "$d/current.key"
    cat >"$d/dovecot.conf" <<CONF
# danekeeper testbed Dovecot (tests/testbed/lib/dovecot.sh); the chain lines are in ssl.conf.
instance_name = dk-testbed-$NET
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
listen = $addr
protocols = imap pop3
ssl = yes
ssl_min_protocol = TLSv1.2
ssl_dh = </usr/share/dovecot/dh.pem
!include $d/ssl.conf
auth_mechanisms = plain
passdb {
  driver = static
  args = nopassword=y
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=$d/mail/%u
}
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener imap {
    port = 143
  }
  inet_listener imap_alt {
    port = 1143
  }
  inet_listener imaps {
    port = 993
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 110
  }
  inet_listener pop3_lb {
    port = 1110
  }
  inet_listener pop3s {
    port = 995
    ssl = yes
  }
}
CONF
}

# The lines an operator writes: Dovecot reads the files (as root) at start and at reload. With
# ALT_CHAIN and ALT_KEY, a second chain of the other algorithm (ssl_alt_cert/ssl_alt_key).
write_dovecot_ssl() {
    local chain=$1 key=$2 alt_chain=${3:-} alt_key=${4:-}
    {
        printf 'ssl_cert = <%s\nssl_key = <%s\n' "$chain" "$key"
        [[ -n $alt_chain ]] && printf 'ssl_alt_cert = <%s\nssl_alt_key = <%s\n' "$alt_chain" "$alt_key"
    } >"$DIR/dovecot/ssl.conf.tmp"
    mv -f "$DIR/dovecot/ssl.conf.tmp" "$DIR/dovecot/ssl.conf"
}

start_dovecot() {
    local addr=$1 port
    for port in 143 1143 993 110 1110 995; do check_port_free "$addr" "$port"; done
    # Its login processes run as dovenull and its mail processes as dovecot: both reach DIR.
    if ! runuser -u dovenull -- test -x "$DIR" 2>/dev/null; then
        die "user dovenull cannot enter $DIR (a parent directory is not searchable by others); use a directory under a 0755 path" 3
    fi
    write_dovecot_instance "$addr"
    launch_dovecot "$addr"
}

launch_dovecot() {
    local addr=$1
    start_daemon dovecot /usr/sbin/dovecot -F -c "$(dovecot_conf)"
    wait_until "dovecot to offer IMAP STARTTLS" 10 dovecot_offers_tls "$addr" || {
        show_log_tail dovecot
        tail -n 20 "$DIR/dovecot/dovecot.log" >&2 2>/dev/null
        return 1
    }
}

dovecot_offers_tls() {
    echo | timeout 2 openssl s_client -starttls imap -connect "$1:143" -servername probe 2>/dev/null |
        grep -q '^Server certificate'
}

stop_dovecot() { stop_recorded dovecot /usr/sbin/dovecot; }

# SPKI SHA-256 of a certificate file's key, or of the leaf a server presents on implicit TLS to
# a client offering only the signature algorithms of CHAIN's key (so the server picks that chain).
spki_of_cert() { openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1; }
sigalgs_for() {
    if openssl x509 -in "$1" -noout -text | grep -q 'Public Key Algorithm: rsaEncryption'; then
        echo 'rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:RSA+SHA256:RSA+SHA384'
    else
        echo 'ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512:ed25519'
    fi
}
spki_served_at() {
    echo | timeout 2 openssl s_client -connect "$1" -servername imap.example.test -sigalgs "$2" 2>/dev/null |
        openssl x509 -noout -pubkey 2>/dev/null | openssl pkey -pubin -outform DER 2>/dev/null |
        openssl dgst -sha256 -r | cut -d' ' -f1
}
serves_chain() { [[ $(spki_served_at "$1" "$(sigalgs_for "$2")") == "$(spki_of_cert "$2")" ]]; }

# Switches Dovecot to CHAIN (leaf first) + KEY, and ALT_CHAIN + ALT_KEY when given, and reloads;
# returns once IMAPS presents each chain's leaf (a reload is asynchronous: the master re-reads
# its configuration after doveadm returns).
dovecot_use() {
    local addr=$1 chain=$2 key=$3 alt_chain=${4:-} alt_key=${5:-} c
    for c in "$chain" "$key" ${alt_chain:+"$alt_chain" "$alt_key"}; do
        [[ -r $c ]] || die "cannot read $c" 2
    done
    pid_is_ours "$(cat "$(pid_file dovecot)" 2>/dev/null)" /usr/sbin/dovecot || die "dovecot is not running" 3
    write_dovecot_ssl "$chain" "$key" "$alt_chain" "$alt_key"
    doveadm -c "$(dovecot_conf)" reload >>"$DIR/logs/dovecot.log" 2>&1 || die "doveadm reload failed" 1
    for c in "$chain" ${alt_chain:+"$alt_chain"}; do
        wait_until "dovecot to serve $c" 10 serves_chain "$addr:993" "$c" || die "dovecot does not serve $c" 1
    done
}
