# Shared by the integration scripts (source it after the testbed's env file): count and print
# checks, and put the testbed back as the other tests expect it. Read $failures at the end.
failures=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect() {  # expect WHAT WANT GOT
    if [[ "$2" == "$3" ]]; then ok "$1 ($3)"; else bad "$1: got '$3', wanted '$2'"; fi
}
restore_testbed() {  # restore_testbed REPO: each MX and Dovecot its own key, no TLSA records at the owners
    "$1/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$TB_MX1_CHAIN" >/dev/null 2>&1
    "$1/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$TB_MX2_CHAIN" >/dev/null 2>&1
    "$1/tests/testbed/testbed.sh" dovecot-use "$TB_DIR" "$TB_DOVECOT_FULLCHAIN" "$TB_DOVECOT_KEY" >/dev/null 2>&1
    local owner dovecot_owners=""
    for owner in _143._tcp.imap _993._tcp.imap _110._tcp.imap _995._tcp.imap _1143._tcp.imap _110._tcp.pop; do
        dovecot_owners+="update delete $owner.example.test TLSA\n"
    done
    printf "server %s\nzone example.test\nupdate delete _25._tcp.mx1.example.test TLSA\nupdate delete _25._tcp.mx2.example.test TLSA\nupdate delete _465._tcp.mx1.example.test TLSA\n${dovecot_owners}send\n" \
        "$TB_PRIMARY_ADDR" | nsupdate -k "$TB_TSIG_KEY_FILE"
}
