# Shared by the integration scripts (source it after the testbed's env file): count and print
# checks, and put the testbed back as the other tests expect it. Read $failures at the end.
failures=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect() {  # expect WHAT WANT GOT
    if [[ "$2" == "$3" ]]; then ok "$1 ($3)"; else bad "$1: got '$3', wanted '$2'"; fi
}
# The verbs on the test's configuration ($dk_bin, $work/dk.toml), and one field of the first
# slot's `status --json`, e.g. status_field "['current']['id']".
dk() { "$dk_bin" --config "$work/dk.toml" "$@"; }
status_field() { dk status --json 2>/dev/null | python3 -c "import json,sys; s=json.load(sys.stdin)[0]; print(s$1)"; }
# wait_until_rolled BEFORE TRIES: polls every 0.5 s, TRIES times, until the slot's current key is
# no longer BEFORE and no previous key is left; $after is the current key then.
wait_until_rolled() {
    local _
    for _ in $(seq 1 "$2"); do
        after=$(status_field "['current']['id']")
        [[ $after != "$1" && $(status_field "['previous']") == None ]] && return 0
        sleep 0.5
    done
    return 1
}
# wait_until_resolver_serves OWNER...: a sender that asked before the first publication holds a
# validated "no TLSA" (Unbound also synthesizes it from cached NSEC records) for up to the
# negative TTL; an independent observer starts once the validating resolver serves a signed
# TLSA RRset at every owner. Counts a failure after 60 s.
resolver_serves_tlsa() {
    local owner answer
    for owner in "$@"; do
        answer=$(dig @"$TB_RESOLVER_ADDR" "$owner" TLSA +dnssec +time=2 +tries=1)
        grep -q 'flags:.* ad' <<<"$answer" && grep -q "IN.TLSA.3 1 1" <<<"$answer" || return 1
    done
}
wait_until_resolver_serves() {
    local _
    for _ in $(seq 1 120); do
        resolver_serves_tlsa "$@" && return 0
        sleep 0.5
    done
    bad "the resolver does not serve TLSA records at every owner: $*"
    return 1
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
    "$testbed" ext-start "$TB_DIR" >/dev/null 2>&1
    for owner in _25._tcp.mx1 _25._tcp.mx2 _465._tcp.mx1 _143._tcp.imap _993._tcp.imap _110._tcp.imap \
        _995._tcp.imap _1143._tcp.imap _110._tcp.pop _dane.mx _smtp._tls _mta-sts; do
        lines+="update delete $owner.$TB_ZONE TLSA"$'\n'"update delete $owner.$TB_ZONE TXT"$'\n'
        lines+="update delete $owner.$TB_ZONE CNAME"$'\n'  # shared TLSA owner links
    done
    # The zone's MX RRset as the testbed made it (the MTA-STS test changes it), only if it differs.
    if [[ $TB_ZONE == example.test && $(dig @"$TB_PRIMARY_ADDR" "$TB_ZONE" MX +short +norec | sort | tr '\n' ' ') != "10 mx1.$TB_ZONE. 20 mx2.$TB_ZONE. " ]]; then
        lines+="update delete $TB_ZONE MX"$'\n'"update add $TB_ZONE 10 MX 10 mx1.$TB_ZONE"$'\n'
        lines+="update add $TB_ZONE 10 MX 20 mx2.$TB_ZONE"$'\n'
    fi
    printf 'server %s\nzone %s\n%ssend\n' "$TB_PRIMARY_ADDR" "$TB_ZONE" "$lines" | nsupdate -k "$TB_TSIG_KEY_FILE"
}

# env_for_primary ENV_FILE bind|knot|pdns OUT: the testbed's env with the zone, primary,
# authoritative servers, trust anchor and MX names of that signing primary (BIND: example.test
# with its Knot secondary; Knot: knot-primary.test; PowerDNS: pdns.test), so one test runs
# against each.
env_for_primary() {
    local env_file=$1 primary=$2 out=$3 zone server addr anchor
    # shellcheck source=/dev/null
    source "$env_file"
    case $primary in
    bind) cp "$env_file" "$out"
        return 0 ;;
    knot) zone=$TB_KNOT_PRIMARY_ZONE server=$TB_KNOT_PRIMARY addr=$TB_KNOT_PRIMARY_ADDR
        anchor=$TB_KNOT_PRIMARY_TRUST_ANCHOR_DS ;;
    pdns) zone=$TB_PDNS_ZONE server=$TB_PDNS_PRIMARY addr=$TB_PDNS_PRIMARY_ADDR
        anchor=$TB_PDNS_TRUST_ANCHOR_DS ;;
    *) echo "env_for_primary: the primary is bind, knot or pdns, not '$primary'" >&2
        return 2 ;;
    esac
    # Replaced, not appended: render-testbed-config.sh uses a key's first line.
    { grep -vE '^TB_(ZONE|PRIMARY|PRIMARY_ADDR|TRUST_ANCHOR_DS|MX1_HOST|MX2_HOST)=' "$env_file"
        printf '%s\n' "TB_ZONE=$zone" "TB_PRIMARY=$server" "TB_PRIMARY_ADDR=$addr" \
            "TB_TRUST_ANCHOR_DS=$anchor" "TB_MX1_HOST=mx1.$zone" "TB_MX2_HOST=mx2.$zone"
    } >"$out"
}
# render_config ENV_FILE STATE_DIR SERVED_DIR [TEMPLATE]: the testbed configuration for the zone
# the env names: example.test in the template becomes TB_ZONE, and a zone other than example.test
# has its primary as its only authoritative server.
render_config() {
    local zone primary
    zone=$(sed -n 's/^TB_ZONE=//p' "$1")
    primary=$(sed -n 's/^TB_PRIMARY=//p' "$1")
    if [[ $zone == example.test ]]; then
        "$(dirname "${BASH_SOURCE[0]}")/../../examples/render-testbed-config.sh" "$@"
    else
        "$(dirname "${BASH_SOURCE[0]}")/../../examples/render-testbed-config.sh" "$@" |
            sed -e "s/example\.test/$zone/g" -e "s/^authoritative = .*/authoritative = [\"$primary\"]/"
    fi
}
