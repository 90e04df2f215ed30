#!/bin/bash
# `danekeeper audit` on the testbed after adopt + run: a pass with every EMLREQ_2/4/6 requirement
# and its evidence (the CA's SPKI and the DS cross-checked with openssl and the anchor file), then
# failures: a CA not on the certified list, an MX serving a key its TLSA does not match; a lint
# warning (a 2 1 1 record pinned to a CA that did not issue the served chain); --nagios in each
# case, and status --nagios; then `log --since --json` shows the engine's events.
# Usage: audit_test.sh ENV_FILE DANEKEEPER_BIN
set -uo pipefail
env_file=$1 dk_bin=$2
# shellcheck source=/dev/null
source "$env_file"
repo=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d /tmp/dk-audit-XXXXXX)
chmod 700 "$work"
mkdir -p "$work/served"
cleanup() {
    restore_testbed
    rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=../helpers.sh
source "$(dirname "$0")/../helpers.sh"
restore_testbed
json() {  # json FILE PYTHON-EXPRESSION-ON-d
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

"$repo/examples/render-testbed-config.sh" "$env_file" "$work/state" "$work/served" >"$work/base.toml"
ca_spki=$(openssl x509 -in "$TB_CA_CERT" -pubkey -noout | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)
{ cat "$work/base.toml"; printf '\n[audit]\ncertified_ca_spki_sha256 = ["%s"]\nrrsig_warn_days = 3\n' "$ca_spki"; } >"$work/dk.toml"
{ cat "$work/base.toml"; printf '\n[audit]\ncertified_ca_spki_sha256 = ["%s"]\n' "$(printf '%064d' 0)"; } >"$work/other-ca.toml"

cp "$TB_MX1_KEY" "$work/served/mx-key.pem"
cat "$TB_MX1_FULLCHAIN" >"$work/served/mx-chain.pem"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$TB_MX1_CHAIN" >/dev/null
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$TB_MX1_CHAIN" >/dev/null
start_time=$(date -u +%Y-%m-%dT%H:%M:%SZ)
dk adopt mx >/dev/null 2>&1 || bad "adopt"
# Run until the current and next records are served everywhere (a run may end while it waits
# for the secondary to serve them).
for _ in $(seq 1 60); do
    dk run --once >/dev/null 2>&1 || bad "run --once"
    [[ $(dk status --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["next"]["published_at"])') != None ]] && break
    sleep 0.5
done

# 1. The pass case.
dk audit --json >"$work/a1.json" 2>"$work/err"
expect "audit passes" 0 $?
expect "JSON pass" True "$(json "$work/a1.json" 'd["pass"]')"
expect "one item per endpoint x address" 3 "$(json "$work/a1.json" 'len(d["items"])')"
expect "ten requirements each, all met" "[10, 10, 10] True" \
    "$(json "$work/a1.json" '[len(i["requirements"]) for i in d["items"]], all(r["pass"] for i in d["items"] for r in i["requirements"])')"
expect "EMLREQ_2/4/6 all covered" "['EMLREQ_2', 'EMLREQ_4', 'EMLREQ_6']" \
    "$(json "$work/a1.json" 'sorted({r["id"] for r in d["items"][0]["requirements"]})')"
evidence() { json "$work/a1.json" "next(r['evidence'] for r in d['items'][0]['requirements'] if r['check']=='$1')"; }
[[ $(evidence certified_ca) == *"$ca_spki is on the certified CA list"* ]] && ok "CA SPKI evidence matches openssl's" || bad "certified_ca evidence: $(evidence certified_ca)"
ds_digest=$(awk '{for (i = 1; i < NF; i++) if ($i == "DS") print tolower($NF)}' "$TB_TRUST_ANCHOR_DS" | head -1)
[[ -n $ds_digest && $(evidence ds_matches_dnskey) == *"$ds_digest"* ]] && ok "DS evidence is the anchor's" || bad "ds evidence: $(evidence ds_matches_dnskey) vs $ds_digest"
leaf_spki=$(openssl x509 -in "$TB_MX1_CERT" -pubkey -noout | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)
[[ $(evidence tlsa_matches_served_chain) == *"leaf SPKI $leaf_spki matched 3 1 1 $leaf_spki"* ]] && ok "served chain evidence" || bad "match evidence: $(evidence tlsa_matches_served_chain)"
[[ $(evidence rrsig_time_left) =~ ^[0-9]+\ s\ left ]] && ok "RRSIG time left: $(evidence rrsig_time_left)" || bad "rrsig evidence"
[[ $(evidence zone_signed_chain_of_trust) == *"$TB_PRIMARY (IPv4): serial "*", validated"*"$TB_SECONDARY (IPv4): serial "*", validated"* ]] && ok "both servers validated with serials" || bad "chain evidence: $(evidence zone_signed_chain_of_trust)"
expect "no lint findings" 0 "$(json "$work/a1.json" 'len(d["lint"])')"
dk audit --nagios >"$work/n1"
expect "nagios OK" 0 $?
grep -q '^DANE-AUDIT OK - EMLREQ_2/4/6 met at 3 endpoint addresses | addresses=3;;;0 failed=0;;0;0 lint_errors=0;;0;0 lint_warnings=0;0;;0 time=' "$work/n1" && ok "nagios line" || bad "nagios: $(cat "$work/n1")"
dk audit >"$work/t1"
expect "text output ends with the verdict" "audit: PASS (3 endpoint addresses, 0 failed; 0 lint findings)" "$(tail -1 "$work/t1")"

dk status --nagios >"$work/s1"
expect "status --nagios OK" 0 $?
grep -q '^DANEKEEPER OK - 1 key slots | mx_failed_verifications=0;;0;0 mx_cert_days=[0-9]*;15:;7: last_run_age=[0-9]*s;7200;21600;0$' "$work/s1" && ok "status nagios line" || bad "status nagios: $(cat "$work/s1")"

# 2. A CA not on the certified list.
"$dk_bin" --config "$work/other-ca.toml" audit --json >"$work/a2.json" 2>/dev/null
expect "audit fails with another CA list" 1 $?
expect "only EMLREQ_6 fails" "['EMLREQ_6 certified_ca']" \
    "$(json "$work/a2.json" 'sorted({r["id"]+" "+r["check"] for i in d["items"] for r in i["requirements"] if not r["pass"]})')"
"$dk_bin" --config "$work/other-ca.toml" audit --nagios >"$work/n2"
expect "nagios CRITICAL" 2 $?
grep -q '^DANE-AUDIT CRITICAL - 3 of 3 endpoint addresses fail: EMLREQ_6 certified_ca |' "$work/n2" && ok "nagios names the requirement" || bad "nagios: $(head -1 "$work/n2")"

# 3. mx2 serves a key its TLSA records do not match.
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$TB_MX2_ALT_CHAIN" >/dev/null
dk audit --json >"$work/a3.json" 2>/dev/null
expect "audit fails on the mismatching MX" 1 $?
expect "mx2 fails exactly tlsa_matches_served_chain (its other key has the same CA)" "['EMLREQ_4 tlsa_matches_served_chain']" \
    "$(json "$work/a3.json" 'sorted({r["id"]+" "+r["check"] for i in d["items"] if i["endpoint"]=="mx2.example.test:25" for r in i["requirements"] if not r["pass"]})')"
expect "mx1 still passes" "[True, True]" "$(json "$work/a3.json" '[i["pass"] for i in d["items"] if i["endpoint"].startswith("mx1")]')"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$TB_MX1_CHAIN" >/dev/null
# Postfix reloads in the background: wait until mx2 presents mx1's key again.
for _ in $(seq 1 40); do
    [[ $(echo | openssl s_client -connect "$TB_MX2_ADDR:25" -starttls smtp 2>/dev/null |
        openssl x509 -pubkey -noout 2>/dev/null | openssl pkey -pubin -outform DER 2>/dev/null |
        openssl dgst -sha256 -r | cut -d' ' -f1) == "$leaf_spki" ]] && break
    sleep 0.25
done

# 4. Lint: a 2 1 1 record for a CA that did not issue the served chain.
bogus_ca="2 1 1 $(printf '%064d' 7)"
printf 'server %s\nzone example.test\nupdate add _25._tcp.mx1.example.test 5 TLSA %s\nsend\n' "$TB_PRIMARY_ADDR" "$bogus_ca" | nsupdate -k "$TB_TSIG_KEY_FILE"
# The secondary takes it by NOTIFY + IXFR: wait until it serves it too.
for _ in $(seq 1 40); do
    dig +short +norec @"${TB_SECONDARY%:*}" -p "${TB_SECONDARY##*:}" _25._tcp.mx1.example.test TLSA |
        tr -d " " | grep -q "^2110*7$" && break
    sleep 0.25
done
dk audit --json >"$work/a4.json" 2>/dev/null
expect "a lint warning does not fail the audit" 0 $?
expect "the warning names the rule and owner" "['tlsa-2-other-ca warning _25._tcp.mx1.example.test.']" \
    "$(json "$work/a4.json" '[f["rule"]+" "+f["severity"]+" "+f["where"] for f in d["lint"]]')"
dk audit --nagios >"$work/n4"
expect "nagios WARNING" 1 $?
printf 'server %s\nzone example.test\nupdate delete _25._tcp.mx1.example.test TLSA %s\nsend\n' "$TB_PRIMARY_ADDR" "$bogus_ca" | nsupdate -k "$TB_TSIG_KEY_FILE"

# 5. config check runs the offline lint: a TLSA TTL the rollover plan cannot wait out.
sed -e 's/^tlsa_ttl = 5$/tlsa_ttl = 86400/' -e 's/^renew_before_days = 30$/renew_before_days = 1/' "$work/dk.toml" >"$work/ttl.toml"
"$dk_bin" --config "$work/ttl.toml" config check >"$work/cc" 2>&1
expect "config check: lint error is exit 2" 2 $?
grep -q "^$work/ttl.toml: lint error tlsa-ttl-too-long mx: a key switch waits 2 x TTL 86400 + margin = 172802 s" "$work/cc" && ok "the lint line" || bad "config check: $(cat "$work/cc")"
dk config check >/dev/null 2>&1
expect "config check on the audited configuration" 0 $?

# 6. The event log.
dk log --since "$start_time" --json >"$work/log.json"
expect "log exits 0" 0 $?
kinds=$(json "$work/log.json" '" ".join(sorted({e["kind"] for e in d}))')
[[ " $kinds " == *" adopt "* && " $kinds " == *" publish "* ]] && ok "log has adopt and publish ($kinds)" || bad "log kinds: $kinds"
expect "every event at or after --since" True "$(json "$work/log.json" "all(e['at'] >= '$start_time' for e in d)")"
expect "nothing after a future --since" "[]" "$(dk log --since 2099-01-01T00:00:00Z --json | tr -d ' \n')"
dk log --since yesterday >/dev/null 2>&1
expect "a bad --since is bad input" 2 $?

echo "$failures failures"
exit $((failures > 0))
