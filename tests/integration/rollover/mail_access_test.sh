#!/bin/bash
# One slot spanning Postfix and Dovecot (BSI TR-03108-1 EMLREQ_1: TLS for the user's access too):
# mx1:25 (Postfix), Dovecot's IMAP 143 STARTTLS, IMAPS 993, POP3 110 STLS, POP3S 995, IMAP STARTTLS
# on 1143 given as imap://, and pop.example.test:110, whose A record points where nothing
# listens, reached only through its probe address (@DOVECOT:1110, a "load balancer" port). Two
# rollovers (the second with danekeeper SIGKILLed at random points) while the independent
# observer (observer.sh: TLSA from the validating resolver, openssl s_client -starttls
# smtp/imap/pop3 -dane_tlsa_rrdata) probes every endpoint: zero failures required.
# Usage: mail_access_test.sh ENV_FILE DANEKEEPER_BIN
set -euo pipefail
env_file=$1 dk_bin=$2
# shellcheck source=/dev/null
source "$env_file"
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
# shellcheck source=tests/integration/helpers.sh
source "$repo/tests/integration/helpers.sh"
testbed=$repo/tests/testbed/testbed.sh
work=$(mktemp -d /tmp/dk-mail-access-XXXXXX)
chmod 700 "$work"
mkdir -p "$work/served"
observer_pid=""
cleanup() {
    [[ -n $observer_pid ]] && kill "$observer_pid" 2>/dev/null && wait "$observer_pid" 2>/dev/null
    restore_testbed "$repo" || true
    if [[ ${KEEP_WORK:-} == 1 ]]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap "exit 143" TERM INT  # so that cleanup runs

lb=$TB_DOVECOT_ADDR:$TB_DOVECOT_LB_POP3_PORT
imap=$TB_DOVECOT_HOST pop=$TB_DOVECOT_LB_HOST
cat >"$work/dk.toml" <<TOML
state_dir = "$work/state"

[dns]
resolver = "$TB_RESOLVER"
trust_anchor_file = "$TB_TRUST_ANCHOR_DS"

[[zone]]
name = "example.test"
primary = "$TB_PRIMARY"
tsig_key_file = "$TB_TSIG_KEY_FILE"
authoritative = ["$TB_PRIMARY", "$TB_SECONDARY"]
tlsa_ttl = 5

[[key]]
name = "mail"
endpoints = ["$TB_MX1_HOST:25", "$imap:143", "$imap:993", "$imap:110", "$imap:995",
             "imap://$imap:1143", "pop3://$pop:110@$lb"]
cert_file = "$work/served/chain.pem"
key_file = "$work/served/key.pem"
combined_file = "$work/served/combined.pem"
reload = [["$testbed", "mx-use", "$TB_DIR", "mx1", "$work/served/combined.pem"],
          ["$testbed", "dovecot-use", "$TB_DIR", "$work/served/chain.pem", "$work/served/key.pem"]]
issue_command = ["$repo/tests/tools/sign-csr.sh", "$TB_CA_CERT", "$TB_CA_KEY", "{csr}", "{chain}"]
issuer_ca_file = "$TB_CA_CERT"
margin_seconds = 2
TOML

echo "== Postfix and Dovecot serve one key, its chain naming every endpoint host"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/served/key.pem" 2>/dev/null
chmod 600 "$work/served/key.pem"
openssl req -new -key "$work/served/key.pem" -subj "/CN=$TB_MX1_HOST" \
    -addext "subjectAltName=DNS:$TB_MX1_HOST,DNS:$imap,DNS:$pop" -out "$work/first.csr"
"$repo/tests/tools/sign-csr.sh" "$TB_CA_CERT" "$TB_CA_KEY" "$work/first.csr" "$work/served/chain.pem"
cat "$work/served/key.pem" "$work/served/chain.pem" >"$work/served/combined.pem"
chmod 600 "$work/served/combined.pem"
"$testbed" mx-use "$TB_DIR" mx1 "$work/served/combined.pem"
"$testbed" dovecot-use "$TB_DIR" "$work/served/chain.pem" "$work/served/key.pem"

echo "== the probe address is what reaches $pop:110 (its A record is $TB_DOVECOT_LB_ADDR)"
tlsa_now=$(openssl x509 -in "$work/served/chain.pem" -noout -pubkey | openssl pkey -pubin -outform DER |
    openssl dgst -sha256 -r | cut -d' ' -f1)
rc=0
dk probe --tlsa "3 1 1 $tlsa_now" --resolver "$TB_RESOLVER" "$pop:110" >"$work/probe-direct.txt" 2>&1 || rc=$?
expect "probe of $pop:110 at its A record: network failure" 3 "$rc"
rc=0
dk probe --tlsa "3 1 1 $tlsa_now" --resolver "$TB_RESOLVER" "pop3://$pop:110@$lb" >"$work/probe-lb.txt" 2>&1 || rc=$?
expect "probe of pop3://$pop:110@$lb" 0 "$rc"
if grep -qF "[$lb]" "$work/probe-lb.txt" && grep -q "^ok" "$work/probe-lb.txt"; then
    ok "it verified there: $(cut -c1-80 "$work/probe-lb.txt")"
else
    bad "no verified probe at $lb: $(cat "$work/probe-lb.txt")"
fi

echo "== adopt and publish current + next"
dk adopt mail
dk run --once >>"$work/runs.log" 2>&1 || true
# A sender that asked before the first publication holds a validated "no TLSA" (Unbound also
# synthesizes it from cached NSEC records) for up to 30 s here; the observed window starts once
# the resolver serves every owner's records, before the first rollover.
owners=("_25._tcp.$TB_MX1_HOST" "_143._tcp.$imap" "_993._tcp.$imap" "_110._tcp.$imap" "_995._tcp.$imap"
    "_1143._tcp.$imap" "_110._tcp.$pop")
wait_until_resolver_serves "${owners[@]}" || exit 1
ok "the resolver serves all ${#owners[@]} owners' records"
first_key=$(status_field "['current']['id']")

rollover() {  # rollover KILL(0|1): request a rollover and drive it to the end
    local kill_runs=$1 before after step pid
    before=$(status_field "['current']['id']")
    dk rollover start mail
    for step in $(seq 1 120); do
        if [[ $kill_runs == 1 && $step -le 30 ]]; then
            dk run --once >>"$work/runs.log" 2>&1 &
            pid=$!
            sleep "0.$((RANDOM % 10))$((RANDOM % 10))"
            kill -KILL "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        else
            dk run --once >>"$work/runs.log" 2>&1 || true
        fi
        after=$(status_field "['current']['id']")
        if [[ $after != "$before" && $(status_field "['previous']") == None && $(status_field "['next']['published_at']") != None ]]; then
            ok "rolled from $before to $after after $step runs"
            return 0
        fi
        sleep 0.5
    done
    bad "rollover did not finish"
    tail -n 30 "$work/runs.log"
    return 1
}

echo "== independent observer starts"
: >"$work/observer.log"
"$here/observer.sh" "$env_file" "$work/observer.log" \
    "$TB_MX1_HOST $TB_MX1_ADDR 25 smtp" "$imap $TB_DOVECOT_ADDR 143 imap" \
    "$imap $TB_DOVECOT_ADDR 993 none" "$imap $TB_DOVECOT_ADDR 110 pop3" \
    "$imap $TB_DOVECOT_ADDR 995 none" "$imap $TB_DOVECOT_ADDR 1143 imap" \
    "$pop $TB_DOVECOT_ADDR 110 pop3 $TB_DOVECOT_LB_POP3_PORT" &
observer_pid=$!
sleep 3

echo "== planned rollover"
rollover 0
echo "== planned rollover with danekeeper SIGKILLed at random points"
rollover 1
sleep 6  # the observer keeps probing past the last TTL

kill "$observer_pid" 2>/dev/null
wait "$observer_pid" 2>/dev/null || true
observer_pid=""

echo "== danekeeper's own view: every endpoint verifies against the published records"
rc=0
dk probe --resolver "$TB_RESOLVER" "$TB_MX1_HOST:25" "$imap:143" "$imap:993" "$imap:110" \
    "$imap:995" "imap://$imap:1143" "pop3://$pop:110@$lb" >"$work/probe-all.txt" 2>&1 || rc=$?
expect "probe verb over all seven endpoints" 0 "$rc"
expect "endpoint lines that verified" 7 "$(grep -c '^ok' "$work/probe-all.txt" || true)"
[[ $rc -eq 0 ]] || cat "$work/probe-all.txt"
# The engine's own probes (the run's probe.result lines) went to the probe address as well.
if grep -q "event=probe.result endpoint=$pop:110 address=$lb .*dane=ok" "$work/runs.log"; then
    ok "the engine probed $pop:110 at $lb"
else
    bad "no engine probe of $pop:110 at $lb verified"
fi
served_dovecot=$(echo | timeout 5 openssl s_client -connect "$TB_DOVECOT_ADDR:993" 2>/dev/null |
    openssl x509 -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)
served_postfix=$(echo | timeout 5 openssl s_client -starttls smtp -connect "$TB_MX1_ADDR:25" 2>/dev/null |
    openssl x509 -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)
expect "Postfix and Dovecot serve the same key" "$served_postfix" "$served_dovecot"
expect "that key is the current one" "$(status_field "['current']['spki_sha256']")" "$served_dovecot"

probes=$(wc -l <"$work/observer.log")
observer_failures=$(grep -c '^FAIL' "$work/observer.log" || true)
last_key=$(status_field "['current']['id']")
echo "observer: $probes probes over 7 endpoints, $observer_failures failures; key $first_key -> $last_key"
for endpoint in "$TB_MX1_HOST:25" "$imap:143" "$imap:993" "$imap:110" "$imap:995" "$imap:1143" "$pop:110"; do
    n=$(grep -cx "ok $endpoint" "$work/observer.log" || true)
    [[ $n -gt 3 ]] || bad "the observer verified $endpoint only $n times"
done
if [[ $observer_failures -ne 0 ]]; then
    bad "the observer saw $observer_failures failures"
    grep '^FAIL' "$work/observer.log" | head -n 10
fi
[[ $first_key != "$last_key" ]] || bad "the key did not change"
[[ $probes -gt 60 ]] || bad "only $probes observer probes"
echo "failures: $failures"
[[ $failures -eq 0 ]]
