#!/bin/bash
# The _smtp._tls TLSRPT record (RFC 8460 section 3) kept in step through the zone's publisher on
# the real testbed: against BIND, Knot or PowerDNS by RFC 2136 (guarded updates), or signed.test,
# whose zone file danekeeper signs and the second Knot serves (publisher = "signed-file"). A
# foreign TXT record at the owner stays; a run adds the record from [tlsrpt] rua; the validating
# resolver (Unbound) answers it with the AD bit; a changed rua replaces it (one TLSRPT record,
# the foreign one still there); a second TLSRPT record added by hand is removed by the next run;
# `tlsrpt record` reports served / not served (exit 0 / 1) and audit's lint has tlsrpt-record
# until it is served; a bad rua is refused (exit 2).
# Usage: record_test.sh ENV_FILE DANEKEEPER_BIN bind|knot|pdns|signed
set -euo pipefail
dk_bin=$2 primary=$3
repo=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d /tmp/dk-tlsrpt-record-XXXXXX)
chmod 700 "$work"
mkdir -p "$work/served"
# shellcheck source=../helpers.sh
source "$repo/tests/integration/helpers.sh"
failures=0
started=$(date +%s.%N)
if [[ $primary == signed ]]; then
    env_file=$1
    # shellcheck source=/dev/null
    source "$env_file"
    zone=$TB_SIGNED_ZONE
    cp "$TB_SIGNED_FILE" "$work/signed-before"
else
    env_for_primary "$1" "$primary" "$work/testbed.env"
    env_file=$work/testbed.env
    # shellcheck source=/dev/null
    source "$env_file"
    zone=$TB_ZONE
fi
owner=_smtp._tls.$zone
cleanup() {
    if [[ $primary == signed ]]; then
        cp "$work/signed-before" "$TB_SIGNED_FILE"
        knotc -c "$TB_SIGNED_KNOT_CONF" -b zone-reload "$TB_SIGNED_ZONE" >/dev/null || true
    fi
    restore_testbed || true
    rm -rf "$work"
}
restore_testbed || true
trap cleanup EXIT

# nsupdate to the zone's primary (not danekeeper: the foreign records are someone else's).
by_hand() {  # by_hand "update add ..."...
    local lines="" line
    for line in "$@"; do lines+="$line"$'\n'; done
    printf 'server %s %s\nzone %s\n%ssend\n' "${TB_PRIMARY%:*}" "${TB_PRIMARY##*:}" "$zone" "$lines" |
        nsupdate -k "$TB_TSIG_KEY_FILE"
}
rua_config() {  # rua_config 'TOML list'
    if [[ $primary == signed ]]; then
        local args=(-e "s|@STATE_DIR@|$work/state|g" -e "s|@SERVED_DIR@|$work/served|g" -e "s|@REPO@|$repo|g")
        while IFS='=' read -r key value; do
            [[ $key == TB_* ]] && args+=(-e "s|@${key}@|${value}|g")
        done <"$env_file"
        sed "${args[@]}" "$repo/tests/integration/signed_file/signed.toml.in" >"$work/dk.toml"
    else
        render_config "$env_file" "$work/state" "$work/served" >"$work/dk.toml"
    fi
    printf '\n[tlsrpt]\nrua = %s\n' "$1" >>"$work/dk.toml"
}
# The TXT strings the validating resolver answers with the AD bit, one record a line; empty when
# the answer is not validated.
resolver_txt() {
    local answer
    answer=$(dig @"$TB_RESOLVER_ADDR" "$owner" TXT +dnssec +time=2 +tries=1)
    grep -q 'flags:.* ad' <<<"$answer" || return 0
    dig @"$TB_RESOLVER_ADDR" "$owner" TXT +short +time=2 +tries=1 | sort
}
# Polls (TXT TTL 5 s) until the resolver's validated answer is exactly $1; fails after 20 s.
wait_resolver() {
    local want=$1 got="" _
    for _ in $(seq 1 80); do
        got=$(resolver_txt)
        [[ $got == "$want" ]] && { ok "resolver (AD) serves: $(tr '\n' '|' <<<"$got")"; return 0; }
        sleep 0.25
    done
    bad "resolver serves '$(tr '\n' '|' <<<"$got")', want '$(tr '\n' '|' <<<"$want")'"
}

foreign='"v=spf1 -all"'
if [[ $primary == signed ]]; then
    # signed.test's operator file is the operator's: the foreign record is served from it as is.
    foreign=""
else
    by_hand "update add $owner 5 TXT $foreign"
fi

echo "== [tlsrpt] rua: the first run adds the record beside the foreign TXT"
rua_config '["mailto:tlsrpt@'"$zone"'"]'
dk config check
if dk tlsrpt record >"$work/record.txt"; then bad "tlsrpt record exits 0 before the record is there"; fi
grep -q 'not served; the primary serves no TLSRPT record' "$work/record.txt" &&
    ok "tlsrpt record: not served yet" || bad "tlsrpt record before: $(cat "$work/record.txt")"
# audit's lint names it (tlsrpt-record) until a run publishes it.
audit_rules() {
    dk audit --json 2>/dev/null | python3 -c 'import json,sys
print(" ".join(sorted(f["rule"] for f in json.load(sys.stdin)["lint"])))' || true
}
mkdir -p -m 0700 "$work/state"  # audit opens the state database; nothing has made it yet
grep -qw tlsrpt-record <<<"$(audit_rules)" && ok "audit lint: tlsrpt-record" ||
    bad "audit lint without tlsrpt-record: $(audit_rules)"
dk run --once >"$work/run1.log" 2>&1 || true
grep -q 'event=tlsrpt.record_published' "$work/run1.log" && ok "run published the record" ||
    bad "no tlsrpt.record_published: $(grep tlsrpt "$work/run1.log")"
want1=$(printf '%s\n' "\"v=TLSRPTv1; rua=mailto:tlsrpt@$zone\"" ${foreign:+"$foreign"} | sort)
wait_resolver "$want1"
expect "tlsrpt record exit code" 0 "$(dk tlsrpt record >"$work/record.txt"; echo $?)"
grep -q "^$owner. TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@$zone\": served" "$work/record.txt" &&
    ok "tlsrpt record: served" || bad "tlsrpt record: $(cat "$work/record.txt")"
grep -qw tlsrpt-record <<<"$(audit_rules)" && bad "audit still lints tlsrpt-record" ||
    ok "audit lint: no tlsrpt-record once served"

echo "== a changed rua replaces it in one change; the foreign TXT stays"
rua_config '["mailto:tls-reports@'"$zone"'", "https://tlsrpt.'"$zone"'/v1/report"]'
dk run --once >"$work/run2.log" 2>&1 || true
want2=$(printf '%s\n' "\"v=TLSRPTv1; rua=mailto:tls-reports@$zone,https://tlsrpt.$zone/v1/report\"" \
    ${foreign:+"$foreign"} | sort)
wait_resolver "$want2"
grep -q 'event=tlsrpt.record_published.*replaced=1' "$work/run2.log" && ok "replaced=1 logged" ||
    bad "run2: $(grep tlsrpt "$work/run2.log")"
dk run --once >"$work/run3.log" 2>&1 || true
grep -q 'tlsrpt.record_published' "$work/run3.log" && bad "a run in step changed the record again" ||
    ok "a run in step changes nothing"

if [[ $primary != signed ]]; then
    echo "== a second TLSRPT record added by hand: senders would use none; the next run removes it"
    by_hand "update add $owner 5 TXT \"v=TLSRPTv1; rua=mailto:someone@elsewhere.example\""
    expect "tlsrpt record with two records" 1 "$(dk tlsrpt record >/dev/null; echo $?)"
    dk run --once >"$work/run4.log" 2>&1 || true
    grep -q 'event=tlsrpt.record_published.*replaced=2' "$work/run4.log" &&
        ok "the second record removed" || bad "run4: $(grep tlsrpt "$work/run4.log")"
    expect "tlsrpt record after the run" 0 "$(dk tlsrpt record >/dev/null; echo $?)"
    wait_resolver "$want2"
fi

echo "== a rua that would inject a field is refused; nothing changes"
rua_config '["mailto:a@'"$zone"'; ruf=mailto:b@evil.example"]'
out=$(dk config check 2>&1) && rc=0 || rc=$?
expect "config check exit code" 2 "$rc"
grep -q "tlsrpt.rua: rua \"mailto:a@$zone; ruf=mailto:b@evil.example\": ';' and ','" <<<"$out" &&
    ok "names the field and the URI" || bad "config check said: $out"
out=$(dk run --once 2>&1) && rc=0 || rc=$?
expect "run exit code" 2 "$rc"
wait_resolver "$want2"

echo "took $(python3 -c "import time; print(round(time.time() - $started, 1))") s"
[[ $failures -eq 0 ]] || { echo "$failures failure(s)"; exit 1; }
echo "all passed"
