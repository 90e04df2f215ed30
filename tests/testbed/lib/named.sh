# BIND 9 primary: signs example.test with dnssec-policy and inline signing, takes TSIG updates.

write_named_config() {
    local d=$DIR/named
    mkdir -p "$d/keys" "$DIR/keys"
    for spec in dk-sha256:hmac-sha256 dk-sha512:hmac-sha512 dk-sha1:hmac-sha1; do
        tsig-keygen -a "${spec#*:}" "${spec%%:*}" >"$DIR/keys/${spec%%:*}.key"
        chmod 600 "$DIR/keys/${spec%%:*}.key"
    done
    rndc-confgen -a -A hmac-sha256 -k rndc-key -c "$DIR/keys/rndc.key" 2>/dev/null
    chmod 600 "$DIR/keys/rndc.key"
    cat >"$DIR/keys/rndc.conf" <<CONF
include "$DIR/keys/rndc.key";
options { default-key "rndc-key"; default-server $PRIMARY; default-port 953; };
CONF
    cat >"$d/example.test.db" <<ZONE
\$TTL 10
@    SOA ns1 hostmaster 1 5 5 120 5
     NS  ns1
     NS  ns2
     NS  $EXT_NS_NAME
     MX  10 mx1
     MX  20 mx2
ns1  A   $PRIMARY
ns2  A   $SECONDARY
mx1  A   $MX1
mx2  A   $MX2
imap A   $DOVECOT
pop  A   $MAIL_LB
mta-sts A $MTA_STS
ZONE
    local grants=""
    for key in dk-sha256 dk-sha512 dk-sha1; do
        grants+="grant $key zonesub TLSA TXT CNAME A MX; "
    done
    cat >"$d/named.conf" <<CONF
options {
    directory "$d";
    key-directory "$d/keys";
    pid-file "$d/named.pid";
    session-keyfile "$d/session.key";
    managed-keys-directory "$d";
    listen-on port 53 { $PRIMARY; };
    listen-on-v6 { none; };
    recursion no;
    dnssec-validation no;
    notify explicit;
    also-notify { $SECONDARY port 53; $EXT_NS port 53; };
    notify-source $PRIMARY;
    transfer-source $PRIMARY;
    notify-delay 0;
    allow-transfer { 127.0.0.0/8; };
    minimal-responses no;
};
include "$DIR/keys/rndc.key";
include "$DIR/keys/dk-sha256.key";
include "$DIR/keys/dk-sha512.key";
include "$DIR/keys/dk-sha1.key";
controls { inet $PRIMARY port 953 allow { 127.0.0.0/8; } keys { "rndc-key"; }; };
dnssec-policy "testbed" {
    keys { csk lifetime unlimited algorithm ecdsap256sha256; };
    dnskey-ttl 10;
    max-zone-ttl 60;
    publish-safety 1;
    retire-safety 1;
    zone-propagation-delay 1;
    parent-ds-ttl 10;
    parent-propagation-delay 1;
};
zone "example.test" {
    type primary;
    file "$d/example.test.db";
    dnssec-policy "testbed";
    inline-signing yes;
    update-policy { $grants};
};
CONF
}

start_named() {
    check_port_free "$PRIMARY" 53
    write_named_config
    start_daemon named /usr/sbin/named -g -c "$DIR/named/named.conf"
    if ! wait_until "named to serve example.test signed" 20 zone_is_signed "$PRIMARY"; then
        show_log_tail named
        return 1
    fi
}

zone_is_signed() {
    dig @"$1" example.test DNSKEY +norec +dnssec +time=1 +tries=1 | grep -q 'RRSIG.*DNSKEY'
}

# The DS of the live KSK/CSK (flags 257): the trust anchor of the resolver and the tests.
write_trust_anchor() {
    dig @"$PRIMARY" example.test DNSKEY +norec +noall +answer | awk '$5 == 257' >"$DIR/anchor.dnskey"
    [[ -s $DIR/anchor.dnskey ]] || die "no DNSKEY with flags 257 at the primary"
    dnssec-dsfromkey -2 -f "$DIR/anchor.dnskey" example.test >"$DIR/anchor.ds"
}

primary_serial() {
    dig @"$PRIMARY" example.test SOA +norec +short | awk '{print $3}'
}
