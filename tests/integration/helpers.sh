# Shared by the integration scripts (source it after the testbed's env file): count and print
# checks, and put the testbed back as the other tests expect it. Read $failures at the end.
failures=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect() {  # expect WHAT WANT GOT
    if [[ "$2" == "$3" ]]; then ok "$1 ($3)"; else bad "$1: got '$3', wanted '$2'"; fi
}
# restore_testbed: each MX and Dovecot running on its own key, no TLSA records at the test owners,
# no server left stopped. Called at the start and the end of every test that changes the testbed,
# so a test killed at its timeout (ctest sends SIGKILL: no trap runs) cannot fail the tests after it.
restore_testbed() {
    local testbed mx pid owner lines=""
    testbed=$(cd "$(dirname "${BASH_SOURCE[0]}")/../testbed" && pwd)/testbed.sh
    for pid in named knotd; do
        [[ -r $TB_DIR/pids/$pid.pid ]] && kill -CONT "$(cat "$TB_DIR/pids/$pid.pid")" 2>/dev/null
    done
    for mx in mx1 mx2; do
        local chain_var="TB_${mx^^}_CHAIN"
        if ! "$testbed" mx-use "$TB_DIR" "$mx" "${!chain_var}" >/dev/null 2>&1; then
            "$testbed" mx-start "$TB_DIR" "$mx" >/dev/null 2>&1
            "$testbed" mx-use "$TB_DIR" "$mx" "${!chain_var}" >/dev/null 2>&1
        fi
    done
    "$testbed" dovecot-use "$TB_DIR" "$TB_DOVECOT_FULLCHAIN" "$TB_DOVECOT_KEY" >/dev/null 2>&1
    for owner in _25._tcp.mx1 _25._tcp.mx2 _465._tcp.mx1 _143._tcp.imap _993._tcp.imap _110._tcp.imap \
        _995._tcp.imap _1143._tcp.imap _110._tcp.pop; do
        lines+="update delete $owner.example.test TLSA"$'\n'"update delete $owner.example.test TXT"$'\n'
    done
    printf 'server %s\nzone example.test\n%ssend\n' "$TB_PRIMARY_ADDR" "$lines" | nsupdate -k "$TB_TSIG_KEY_FILE"
}
