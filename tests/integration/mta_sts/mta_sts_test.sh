#!/bin/bash
# MTA-STS (RFC 8461) on the real testbed: nginx serves https://mta-sts.example.test/.well-known/
# mta-sts.txt with a certificate from the testbed CA (the testbed's "WebPKI", given to danekeeper
# as mta_sts_ca_bundle and to the independent client as SSL_CERT_FILE).
# 1. `mta-sts sync` writes the policy from the validated MX RRset and publishes the TXT id through
#    BIND (RFC 2136); `mta-sts check` passes; postfix-mta-sts-resolver's mta-sts-query (its own
#    DNS and HTTPS client, resolving through the testbed's Unbound) fetches the same policy.
#    With a libcurl.so.4 that cannot be loaded, the check's policy fetch is one line naming it.
# 2. The MX RRset changes on the primary: a pass of `run` writes the new policy and bumps the id;
#    the resolver serves the new id validated; mta-sts-query sees the new policy.
# 3. A rollover whose certificate comes from a private CA (DANE-only) is refused at deploy while
#    the policy is enforce (the alert names the endpoints and the fix; `mta-sts check` fails on the
#    pending chain); switched to testing it stays refused until max_age has passed, then deploys,
#    and `mta-sts check` warns (the lint line) on each MX certificate.
# 4. A signed-file zone (signed.test, served by the testbed's second Knot): the TXT id is added to
#    the records danekeeper signs into the file; the resolver serves it validated.
# Usage: mta_sts_test.sh ENV_FILE DANEKEEPER_BIN
set -euo pipefail
dk_bin=$2
repo=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d /tmp/dk-mta-sts-XXXXXX)
chmod 755 "$work"
mkdir -p "$work/served" "$work/private-ca"
# shellcheck source=../helpers.sh
source "$repo/tests/integration/helpers.sh"
env_file=$1
# shellcheck source=/dev/null
source "$env_file"
failures=0
started=$(date +%s)
cp "$TB_SIGNED_FILE" "$work/signed-before"
cleanup() {
    mx_ttl=10 set_mx "10 mx1" "20 mx2"  # as the testbed made it
    { cp "$work/signed-before" "$TB_SIGNED_FILE" &&
        knotc -c "$TB_SIGNED_KNOT_CONF" -b zone-reload "$TB_SIGNED_ZONE" >/dev/null; } || true
    restore_testbed || true
    rm -f "$TB_MTA_STS_POLICY_FILE"
    rm -rf "$work"
}
restore_testbed || true
rm -f "$TB_MTA_STS_POLICY_FILE"
trap cleanup EXIT

# poll_for SECONDS COMMAND...: runs COMMAND every 0.5 s until it succeeds, at most SECONDS.
poll_for() {
    local limit=$(($1 * 2)) i
    shift
    for ((i = 0; i < limit; i++)); do
        "$@" && return 0
        sleep 0.5
    done
    return 1
}
# The independent MTA-STS client, with the testbed's Unbound as its resolver (a private mount
# namespace gives it its own resolv.conf) and the testbed CA as its trust store.
echo "nameserver $TB_RESOLVER_ADDR" >"$work/resolv.conf"
mta_sts_query() {
    unshare -m bash -c 'mount --bind "$1" /etc/resolv.conf && SSL_CERT_FILE="$2" exec mta-sts-query -v error "$3"' \
        _ "$work/resolv.conf" "$TB_CA_CERT" "$TB_ZONE" 2>&1
}
# The id the validating resolver serves at _mta-sts, with the AD bit.
served_id() {
    local answer
    answer=$(dig @"$TB_RESOLVER_ADDR" "_mta-sts.$TB_ZONE" TXT +dnssec +time=2 +tries=1)
    grep -q 'flags:.* ad' <<<"$answer" || return 1
    sed -n 's/.*TXT.*"v=STSv1; id=\([A-Za-z0-9]*\)".*/\1/p' <<<"$answer"
}
serves_id() { [[ -n $1 && $(served_id) == "$1" ]]; }
file_id() { python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest()[:32])' "$TB_MTA_STS_POLICY_FILE" 2>/dev/null || true; }
set_mx() {  # set_mx "10 mx1" ["20 mx2"]: the zone's MX RRset at the primary, TTL $mx_ttl
    local lines="update delete $TB_ZONE MX"$'\n' mx
    for mx in "$@"; do lines+="update add $TB_ZONE $mx_ttl MX ${mx% *} ${mx#* }.$TB_ZONE"$'\n'; done
    printf 'server %s\nzone %s\n%ssend\n' "$TB_PRIMARY_ADDR" "$TB_ZONE" "$lines" | nsupdate -k "$TB_TSIG_KEY_FILE"
}

# The same MX RRset with a TTL of 2 s, so the change below reaches the resolver within seconds.
mx_ttl=2
set_mx "10 mx1" "20 mx2"

render_config "$env_file" "$work/state" "$work/served" >"$work/dk.toml"
# MTA-STS for example.test: the [[zone]] keys after its tlsa_ttl line.
sed -i "/^tlsa_ttl = /a mta_sts_mode = \"enforce\"\nmta_sts_max_age = 15\nmta_sts_policy_file = \"$TB_MTA_STS_POLICY_FILE\"\nmta_sts_addresses = [\"$TB_MTA_STS_ADDR\"]\nmta_sts_ca_bundle = \"$TB_CA_CERT\"" "$work/dk.toml"
dk config check >/dev/null || bad "config check refuses the MTA-STS keys"
# The slot's key on both MX, first with mx1's certificate (it names mx1 only), then with one for
# both names from the testbed CA (what the slot's issue_command makes).
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$TB_MX1_CHAIN"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$TB_MX1_CHAIN"
openssl req -new -key "$TB_MX1_KEY" -subj "/CN=$TB_MX1_HOST" \
    -addext "subjectAltName=DNS:$TB_MX1_HOST,DNS:$TB_MX2_HOST" -out "$work/both.csr"
"$repo/tests/tools/sign-csr.sh" "$TB_CA_CERT" "$TB_CA_KEY" "$work/both.csr" "$work/both.chain.pem"
cat "$TB_MX1_KEY" "$work/both.chain.pem" >"$work/both.postfix.pem"
cp "$TB_MX1_KEY" "$work/served/mx-key.pem"
cp "$work/both.chain.pem" "$work/served/mx-chain.pem"
dk adopt mx >/dev/null

echo "== 1. the policy written, the id published, the independent client agrees"
t0=$(date +%s%N)
dk mta-sts sync || bad "mta-sts sync failed"
echo "sync took $((($(date +%s%N) - t0) / 1000000)) ms"
expect "policy file" "$(printf 'version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\nmx: mx2.example.test\r\nmax_age: 15\r\n')" "$(cat "$TB_MTA_STS_POLICY_FILE")"
id1=$(file_id)
poll_for 20 serves_id "$id1" && ok "the resolver serves id $id1 validated" ||
    bad "the resolver does not serve id $id1 (got '$(served_id)')"
dk mta-sts check >"$work/check0.txt" && bad "mta-sts check passes with mx2 presenting mx1's certificate" || true
grep -q "^example.test FAIL mx-certificate $TB_MX2_HOST@$TB_MX2_ADDR (ecdsa): MTA-STS senders refuse it (.*hostname mismatch)" "$work/check0.txt" &&
    ok "a certificate that does not name the MX fails" || bad "no hostname mismatch: $(cat "$work/check0.txt")"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$work/both.postfix.pem"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$work/both.postfix.pem"
t0=$(date +%s%N)
if dk mta-sts check >"$work/check1.txt"; then ok "mta-sts check passes"; else bad "mta-sts check: $(cat "$work/check1.txt")"; fi
echo "check took $((($(date +%s%N) - t0) / 1000000)) ms"
cat "$work/check1.txt"
grep -q "^example.test ok policy-host $TB_MTA_STS_ADDR: https://mta-sts.example.test/.well-known/mta-sts.txt: mode enforce, 2 mx" "$work/check1.txt" &&
    ok "the policy host serves the policy over WebPKI-valid HTTPS" || bad "no ok policy-host line"
expect "MX certificates valid under the WebPKI roots" 2 "$(grep -c '^example.test ok mx-certificate' "$work/check1.txt")"
# libcurl is loaded by the first request: with a libcurl.so.4 that cannot be loaded, the policy
# fetch is the one line naming it (environment: exit 3), and the rest of the check runs as before.
mkdir -p "$work/nocurl" && echo "not a shared library" >"$work/nocurl/libcurl.so.4"
rc=0
LD_LIBRARY_PATH=$work/nocurl dk mta-sts check >"$work/nocurl.txt" 2>&1 || rc=$?
[[ $rc == 3 ]] &&
    grep -q "^example.test unknown policy-host $TB_MTA_STS_ADDR: cannot load libcurl (libcurl.so.4, package libcurl4), needed for HTTPS requests: .*libcurl.so.4: file too short$" "$work/nocurl.txt" &&
    ok "without libcurl the policy fetch is one line naming it (exit 3)" ||
    bad "mta-sts check without libcurl: rc=$rc $(cat "$work/nocurl.txt")"
expect "MX certificates checked without libcurl" 2 "$(grep -c '^example.test ok mx-certificate' "$work/nocurl.txt")"
query=$(mta_sts_query)
echo "mta-sts-query: $query"
[[ $query == *"STSFetchResult.VALID"* && $query == *"'$id1'"* && $query == *"'mode': 'enforce'"* &&
    $query == *"'mx': ['mx1.example.test', 'mx2.example.test']"* ]] &&
    ok "mta-sts-query fetches the same policy (id $id1)" || bad "mta-sts-query: $query"
dk mta-sts sync | grep -q "policy unchanged.*TXT unchanged" && ok "a second sync changes nothing" ||
    bad "a second sync changed something"
# sync writes the zone and the policy file: it takes the state lock as run does, so it never
# writes beside a running daemon.
(exec 9>>"$work/state/danekeeper.lock" && flock -x 9 && exec sleep 20) &
holder=$!  # after the exec, the holder is the sleep that keeps fd 9: killing it frees the lock
poll_for 5 bash -c "! flock -n '$work/state/danekeeper.lock' true" || bad "the lock holder did not start"
rc=0
dk mta-sts sync >"$work/locked.txt" 2>&1 || rc=$?
kill "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true
[[ $rc == 3 ]] && grep -q "another danekeeper holds" "$work/locked.txt" &&
    ok "sync refuses while another holds the state lock (exit 3)" ||
    bad "sync beside a lock holder: rc=$rc $(cat "$work/locked.txt")"

echo "part 1 done at $(($(date +%s) - started)) s"
echo "== 2. the MX RRset changes on the primary: a pass keeps the policy in step"
set_mx "10 mx1"
mx_seen() { dk run --once >>"$work/run.log" 2>&1; grep -q "^mx: mx1.example.test.$" "$TB_MTA_STS_POLICY_FILE" && ! grep -q mx2 "$TB_MTA_STS_POLICY_FILE"; }
poll_for 30 mx_seen && ok "the policy lists mx1 only" || bad "the policy still lists: $(grep mx: "$TB_MTA_STS_POLICY_FILE")"
id2=$(file_id)
[[ $id2 != "$id1" ]] && ok "a new id $id2" || bad "the id did not change"
poll_for 20 serves_id "$id2" && ok "the resolver serves id $id2 validated" ||
    bad "the resolver does not serve id $id2 (got '$(served_id)')"
query=$(mta_sts_query)
[[ $query == *"'$id2'"* && $query == *"'mx': ['mx1.example.test']"* ]] &&
    ok "mta-sts-query sees the new policy" || bad "mta-sts-query: $query"
set_mx "10 mx1" "20 mx2"
poll_for 30 bash -c "'$dk_bin' --config '$work/dk.toml' mta-sts sync >/dev/null 2>&1; grep -q mx2 '$TB_MTA_STS_POLICY_FILE'" ||
    bad "the policy did not take mx2 back"

echo "part 2 done at $(($(date +%s) - started)) s"
echo "== 3. a private-CA chain while enforce: refused at deploy; in testing: deployed after max_age"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 30 \
    -subj "/CN=private DANE-only CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign" -keyout "$work/private-ca/ca.key" -out "$work/private-ca/ca.pem" 2>/dev/null
sed -i -e "s|^issue_command = .*|issue_command = [\"$repo/tests/tools/sign-csr.sh\", \"$work/private-ca/ca.pem\", \"$work/private-ca/ca.key\", \"{csr}\", \"{chain}\"]|" \
    -e "s|^issuer_ca_file = .*|issuer_ca_file = \"$work/private-ca/ca.pem\"|" "$work/dk.toml"
served_before=$(sha256sum <"$work/served/mx-chain.pem")
dk rollover start mx >/dev/null
refused() { dk run --once >"$work/run3.log" 2>&1; grep -q 'event=engine.alert .*refusing to deploy the next chain' "$work/run3.log"; }
poll_for 60 refused && ok "the rollover refuses to deploy the private-CA chain" ||
    bad "no refusal: $(tail -n 5 "$work/run3.log")"
alert=$(grep -m1 'event=engine.alert' "$work/run3.log")
echo "alert: $alert"
[[ $alert == *"mx1.example.test:25: example.test's MTA-STS policy is enforce"* && $alert == *"mx2.example.test:25"* &&
    $alert == *'fix: a certificate for mx1.example.test from a CA senders trust (WebPKI), or mta_sts_mode = \"testing\"'* ]] &&
    ok "the alert names each endpoint and the fix" || bad "the alert: $alert"
[[ $alert != *"mx1.example.test:465"* ]] && ok "port 465 is not an MTA-STS endpoint" || bad "465 named"
expect "the served chain is untouched" "$served_before" "$(sha256sum <"$work/served/mx-chain.pem")"
expect "the next key is not deployed" False "$(status_field "['next_deployed']" 2>/dev/null || echo '?')"
dk mta-sts check >"$work/check3.txt" && bad "mta-sts check passes with a refused pending chain" || true
grep -q "^example.test FAIL pending-chain mx: the rollover refuses to deploy it: mx1.example.test:25" "$work/check3.txt" &&
    ok "mta-sts check fails on the pending chain" || bad "no pending-chain line: $(cat "$work/check3.txt")"
dk config check >"$work/lint3.txt" 2>&1 && bad "config check passes with a refused pending chain" || true
grep -q "lint error mta-sts-webpki mx: the next key's chain: mx1.example.test:25: example.test's MTA-STS policy is enforce" "$work/lint3.txt" &&
    ok "the lint names the next chain as an error" || bad "no lint error: $(cat "$work/lint3.txt")"

# The window senders may hold the enforce policy runs max_age (15 s) from the last pass that kept
# it: one more such pass right before the switch to testing, so that only the sync comes between
# it and the run below, also on a loaded machine (with the checks above in between, a debug run
# beside three other tests and two builds came after the window).
refused || bad "the refusal did not hold: $(tail -n 5 "$work/run3.log")"
sed -i 's/^mta_sts_mode = "enforce"/mta_sts_mode = "testing"/' "$work/dk.toml"
dk mta-sts sync >/dev/null
dk run --once >"$work/run4.log" 2>&1 || true
grep -q "event=engine.alert .*example.test's MTA-STS policy was enforce and senders may hold it until" "$work/run4.log" &&
    ok "within max_age of the enforce policy it is still refused" || bad "not refused within max_age: $(grep engine.alert "$work/run4.log")"
before=$(status_field "['current']['id']")
rolled() { dk run --once >>"$work/run5.log" 2>&1; [[ $(status_field "['current']['id']") != "$before" && $(status_field "['phase']") == steady ]]; }
poll_for 60 rolled && ok "in testing mode the private-CA chain is deployed once max_age has passed" ||
    bad "the rollover did not complete: $(grep -E 'engine.(alert|action)' "$work/run5.log" | tail -n 3)"
openssl s_client -connect "$TB_MX1_ADDR:25" -starttls smtp -servername "$TB_MX1_HOST" </dev/null 2>/dev/null |
    grep -q "issuer=CN = private DANE-only CA" && ok "mx1 presents the private-CA chain" || bad "mx1 does not present the private-CA chain"
dk mta-sts check >"$work/check4.txt" && ok "mta-sts check passes in testing mode (warnings only)" ||
    bad "mta-sts check fails in testing mode: $(cat "$work/check4.txt")"
grep "mx-certificate" "$work/check4.txt"
expect "lint: each MX certificate warned" 2 "$(grep -c "^example.test warn mx-certificate .*MTA-STS senders refuse it .*in testing mode they deliver and report" "$work/check4.txt")"
grep -q '^mta-sts: warn$' "$work/check4.txt" && ok "the verdict is warn" || bad "verdict: $(tail -n 1 "$work/check4.txt")"
dk config check >"$work/lint4.txt" 2>&1 && ok "config check passes in testing mode" || bad "config check fails: $(cat "$work/lint4.txt")"
grep -q "lint warning mta-sts-webpki mx: the served chain: mx1.example.test:25: example.test's MTA-STS policy is testing" "$work/lint4.txt" &&
    ok "the lint warns about the served private-CA chain" || bad "no lint warning: $(cat "$work/lint4.txt")"

echo "part 3 done at $(($(date +%s) - started)) s"
echo "== 4. a signed-file zone: the TXT id goes into the file danekeeper signs"
signed_conf=$work/signed.toml
args=(-e "s|@STATE_DIR@|$work/signed-state|g" -e "s|@SERVED_DIR@|$work/served|g" -e "s|@REPO@|$repo|g")
while IFS='=' read -r key value; do
    [[ $key == TB_* ]] && args+=(-e "s|@${key}@|${value}|g")
done <"$env_file"
sed "${args[@]}" "$repo/tests/integration/signed_file/signed.toml.in" >"$signed_conf"
sed -i "/^tlsa_ttl = /a mta_sts_mode = \"testing\"\nmta_sts_policy_file = \"$work/signed-mta-sts.txt\"" "$signed_conf"
mkdir -p -m 700 "$work/signed-state"
"$dk_bin" --config "$signed_conf" mta-sts sync >"$work/signed-sync.txt" 2>&1 ||
    bad "mta-sts sync on the signed-file zone: $(cat "$work/signed-sync.txt")"
expect "the signed-file zone's policy" "$(printf 'version: STSv1\r\nmode: testing\r\nmx: mx1.%s\r\nmx: mx2.%s\r\nmax_age: 604800\r\n' "$TB_SIGNED_ZONE" "$TB_SIGNED_ZONE")" \
    "$(cat "$work/signed-mta-sts.txt" 2>/dev/null)"
signed_id=$(python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest()[:32])' "$work/signed-mta-sts.txt" 2>/dev/null || true)
signed_served() {
    dig @"$TB_RESOLVER_ADDR" "_mta-sts.$TB_SIGNED_ZONE" TXT +dnssec +time=2 +tries=1 |
        grep -q "flags:.* ad.*" && dig @"$TB_RESOLVER_ADDR" "_mta-sts.$TB_SIGNED_ZONE" TXT +short | grep -qx "\"v=STSv1; id=$signed_id\""
}
[[ -n $signed_id ]] && poll_for 20 signed_served && ok "the resolver serves the signed-file zone's id $signed_id validated" ||
    bad "the resolver does not serve _mta-sts.$TB_SIGNED_ZONE id $signed_id"

echo "took $(($(date +%s) - started)) s"
exit $((failures > 0))
