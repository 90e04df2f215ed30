#!/bin/bash
# issuer_certificates on the testbed: the testbed CA (which issues the MX chains) and a backup CA
# are published as 2 1 1 beside the slot's 3 1 1 records and validated at BIND and Knot; the chain
# each MX serves matches the 2 1 1 and the 3 1 1 record (OpenSSL's DANE verifier, one record at a
# time); a bad file is one line, exit 2, nothing changed; a stale 2 1 1 (a CA that issues nothing
# served) is linted with its one-line fix, which works; the backup CA taken out of the list has
# its record removed, the 3 1 1 records stay; a renewal refused because of a stale record says how
# to unblock, and the fix unblocks it.
# Usage: issuer_records_test.sh ENV_FILE DANEKEEPER_BIN
set -uo pipefail
env_file=$1 dk_bin=$2
# shellcheck source=/dev/null
source "$env_file"
repo=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d /tmp/dk-issuers-XXXXXX)
chmod 700 "$work"
mkdir -p "$work/served" "$work/ca"
cleanup() {
    restore_testbed
    rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=../helpers.sh
source "$(dirname "$0")/../helpers.sh"
restore_testbed
started=$(date +%s.%N)

spki() { openssl x509 -in "$1" -pubkey -noout | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1; }
# served_at SERVER OWNER: the TLSA RRset one authoritative server serves, one record a line.
served_at() {
    dig +short +norec @"${1%:*}" -p "${1##*:}" "$2.$TB_ZONE" TLSA | tr 'A-F' 'a-f' |
        awk '{d=""; for (i = 4; i <= NF; i++) d = d $i; print $1, $2, $3, d}' | sort
}
# wait_for SERVER OWNER PRESENT|ABSENT RECORD: polls for up to 20 s.
wait_for() {
    local _
    for _ in $(seq 1 80); do
        if served_at "$1" "$2" | grep -qx "$4"; then [[ $3 == PRESENT ]] && return 0
        else [[ $3 == ABSENT ]] && return 0; fi
        sleep 0.25
    done
    return 1
}

# A backup CA (as an ACME CA's second intermediate): a real CA certificate nothing served comes
# from. A leaf stands for a wrong file.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 30 \
    -subj "/CN=danekeeper backup intermediate" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -keyout "$work/ca/backup.key" \
    -out "$work/ca/backup.pem" 2>/dev/null
cp "$TB_CA_CERT" "$work/ca/testbed-ca.pem"
ca_rec="2 1 1 $(spki "$TB_CA_CERT")"
backup_rec="2 1 1 $(spki "$work/ca/backup.pem")"
leaf_rec="3 1 1 $(spki "$TB_MX1_CERT")"

"$repo/examples/render-testbed-config.sh" "$env_file" "$work/state" "$work/served" >"$work/base.toml"
with_issuers() {  # with_issuers FILE...: the configuration with that issuer_certificates list
    local list="" f
    for f in "$@"; do list+="${list:+, }\"$f\""; done
    sed "s|^issuer_ca_file = .*|&\nissuer_certificates = [$list]|" "$work/base.toml"
    printf '\n[audit]\ncertified_ca_spki_sha256 = ["%s"]\n' "${ca_rec#2 1 1 }"
}
with_issuers "$work/ca/testbed-ca.pem" "$work/ca/backup.pem" >"$work/dk.toml"
# One chain for both MX that names both hosts: a DANE-TA record (unlike 3 1 1) makes a sender
# check the name (RFC 7672 section 3.2.3), as the chains danekeeper asks for do.
openssl req -new -key "$TB_MX1_KEY" -subj "/CN=mx1.$TB_ZONE" \
    -addext "subjectAltName=DNS:mx1.$TB_ZONE,DNS:mx2.$TB_ZONE" -out "$work/mx.csr" 2>/dev/null
"$repo/tests/tools/sign-csr.sh" "$TB_CA_CERT" "$TB_CA_KEY" "$work/mx.csr" "$work/served/mx-chain.pem" 30
cp "$TB_MX1_KEY" "$work/served/mx-key.pem"
cat "$work/served/mx-key.pem" "$work/served/mx-chain.pem" >"$work/served/mx-combined.pem"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$work/served/mx-combined.pem" >/dev/null
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$work/served/mx-combined.pem" >/dev/null
dk config check >"$work/cc" 2>&1
expect "config check with two CA files" 0 $?
dk adopt mx >/dev/null 2>&1 || bad "adopt"

# 1. Published beside the 3 1 1 records, at the primary and the secondary, validated.
for _ in $(seq 1 60); do
    dk run --once >"$work/run" 2>&1 || bad "run --once: $(tail -2 "$work/run")"
    grep -q "issuers_published" <<<"$(dk log 2>/dev/null)" && break
    sleep 0.25
done
for server in "$TB_PRIMARY" "$TB_SECONDARY"; do
    got=$(served_at "$server" _25._tcp.mx1)
    expect "$server serves 2 x 3 1 1 + 2 x 2 1 1 at _25._tcp.mx1" "3 1 1 3 1 1 2 1 1 2 1 1" \
        "$(awk '{print $1, $2, $3}' <<<"$got" | sort -r | tr '\n' ' ' | sed 's/ $//')"
    grep -qx "$ca_rec" <<<"$got" && ok "$server: the testbed CA's 2 1 1 (openssl's SPKI digest)" || bad "$server: no $ca_rec in: $got"
    grep -qx "$backup_rec" <<<"$got" && ok "$server: the backup CA's 2 1 1" || bad "$server: no $backup_rec"
done
dk dns-status --zone "$TB_ZONE" --server "$TB_PRIMARY" --server "$TB_SECONDARY" \
    --trust-anchor "$TB_TRUST_ANCHOR_DS" --owner _25._tcp.mx2 --expect "$ca_rec" \
    --expect "$backup_rec" --expect "$leaf_rec" >"$work/ds" 2>&1
expect "dns-status: every server serves them, validated" 0 $?
dk run --once >"$work/run" 2>&1
expect "the run ends without an alert" 0 $?

# 2. The chain each MX serves matches the 2 1 1 (its CA is in the chain it sends) and the 3 1 1.
for ep in "mx1.example.test:25@$TB_MX1_ADDR" "mx2.example.test:25@$TB_MX2_ADDR"; do
    for rec in "$ca_rec" "$leaf_rec"; do
        "$dk_bin" probe "$ep" --tlsa "$rec" --json >"$work/p" 2>&1
        expect "$ep matches ${rec:0:5} alone" 0 $?
        grep -q "\"matched\": *\"${rec}\"" "$work/p" && ok "probe names the record matched" || bad "probe: $(head -c 600 "$work/p")"
    done
    "$dk_bin" probe "$ep" --tlsa "$backup_rec" >/dev/null 2>&1
    expect "$ep does not match the backup CA alone" 1 $?
done
dk audit --json >"$work/a1.json" 2>/dev/null
verdict=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["pass"], len(d["lint"]))' "$work/a1.json")
expect "audit passes, no lint finding (the backup CA is listed)" "True 0" "$verdict"
[[ $verdict == "True 0" ]] || python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([(i["endpoint"], r["check"], r["evidence"]) for i in d["items"] for r in i["requirements"] if not r["pass"]], d["lint"])' "$work/a1.json"
evidence=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(next(r["evidence"] for r in d["items"][0]["requirements"] if r["check"]=="tlsa_matches_served_chain"))' "$work/a1.json")
[[ $evidence == *"matched $leaf_rec"*"the sent chain also matches $ca_rec"* ]] && ok "audit evidence: the 3 1 1 matched, and the 2 1 1 too" || bad "audit evidence: $evidence"

# 3. Bad files: one line naming the file, exit 2, the state untouched.
state_sum() {  # the event count and every slot's state, read-only
    python3 -c 'import hashlib, sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
rows = db.execute("select count(*) from events").fetchall() + db.execute("select state_json from slots").fetchall()
print(hashlib.sha256(repr(rows).encode()).hexdigest())' "$work/state/state.db"
}
before=$(state_sum)
with_issuers "$work/ca/testbed-ca.pem" "$TB_MX1_CERT" >"$work/leaf.toml"
"$dk_bin" --config "$work/leaf.toml" run --once >"$work/out" 2>"$work/err"
expect "a leaf as issuer: run exits 2" 2 $?
expect "one line" 1 "$(wc -l <"$work/err")"
grep -q "key mx: issuer_certificates: $TB_MX1_CERT: not a CA certificate" "$work/err" && ok "it names the file and why" || bad "err: $(cat "$work/err")"
"$dk_bin" --config "$work/leaf.toml" config check >"$work/out" 2>&1
expect "config check exits 2" 2 $?
grep -q "issuer_certificates: $TB_MX1_CERT: not a CA certificate" "$work/out" && ok "config check names it" || bad "config check: $(cat "$work/out")"
with_issuers "$work/ca/testbed-ca.pem" "$work/ca/none.pem" >"$work/missing.toml"
"$dk_bin" --config "$work/missing.toml" run --once >/dev/null 2>"$work/err"
expect "a missing file: exit 2" 2 $?
grep -q "issuer_certificates: $work/ca/none.pem" "$work/err" && ok "names the missing file" || bad "err: $(cat "$work/err")"
expect "the state is unchanged" "$before" "$(state_sum)"

# 4. A stale 2 1 1 (a CA that issues nothing served, published by hand): linted with its fix.
stale_rec="2 1 1 $(printf '%064d' 7)"
printf 'server %s\nzone %s\nupdate add _25._tcp.mx1.%s 5 TLSA %s\nsend\n' "$TB_PRIMARY_ADDR" "$TB_ZONE" "$TB_ZONE" "$stale_rec" | nsupdate -k "$TB_TSIG_KEY_FILE"
wait_for "$TB_SECONDARY" _25._tcp.mx1 PRESENT "$stale_rec" || bad "the secondary never served the stale record"
dk audit --json >"$work/a2.json" 2>/dev/null
expect "a lint warning does not fail the audit" 0 $?
fix=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("\n".join(f["message"] for f in d["lint"] if f["rule"]=="tlsa-2-other-ca"))' "$work/a2.json")
expect "one tlsa-2-other-ca warning" 1 "$(grep -c . <<<"$fix")"
command=$(sed -n 's/.*; fix: \(danekeeper publish .*\)$/\1/p' <<<"$fix")
[[ $command == "danekeeper publish --zone $TB_ZONE. --server $TB_PRIMARY --tsig-key $TB_TSIG_KEY_FILE --remove \"_25._tcp.mx1.$TB_ZONE. TLSA $stale_rec\"" ]] &&
    ok "the fix is the command that removes it" || bad "fix: $fix"
eval "\"$dk_bin\" ${command#danekeeper }" >/dev/null 2>&1
expect "the fix runs" 0 $?
wait_for "$TB_SECONDARY" _25._tcp.mx1 ABSENT "$stale_rec" || bad "the stale record stayed"
dk audit --json >"$work/a3.json" 2>/dev/null
expect "after the fix: no lint finding" 0 "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["lint"]))' "$work/a3.json")"

# 5. The backup CA taken out of the list: its record goes, everything else stays.
with_issuers "$work/ca/testbed-ca.pem" >"$work/dk.toml"
for _ in $(seq 1 60); do
    dk run --once >"$work/run" 2>&1 || bad "run --once: $(tail -2 "$work/run")"
    grep -q "forget_issuers" <<<"$(dk log 2>/dev/null)" && break
    sleep 0.25
done
grep -q "retire issuer records left out of issuer_certificates: remove _25._tcp.mx1.$TB_ZONE. TLSA $backup_rec" <<<"$(dk log 2>/dev/null)" &&
    ok "the log shows the guarded removal" || bad "log: $(dk log 2>/dev/null | tail -5)"
for server in "$TB_PRIMARY" "$TB_SECONDARY"; do
    got=$(served_at "$server" _25._tcp.mx2)
    expect "$server: 3 1 1 x 2 and the testbed CA's 2 1 1 stay" "3 1 1 3 1 1 2 1 1" \
        "$(awk '{print $1, $2, $3}' <<<"$got" | sort -r | tr '\n' ' ' | sed 's/ $//')"
    grep -qx "$backup_rec" <<<"$got" && bad "$server still serves the backup CA's record" || ok "$server: the backup CA's record is gone"
done
dk run --once >"$work/run" 2>&1
expect "every endpoint still DANE-valid against what is published (run without an alert)" 0 $?

# 6. A refusal because of a stale record says how to unblock, and the fix unblocks it. The list
# emptied: the testbed CA's record goes too; then a foreign 2 1 1 by hand, and a renewal due.
sed -i '/^issuer_certificates = /d' "$work/dk.toml"
for _ in $(seq 1 60); do
    dk run --once >"$work/run" 2>&1
    served_at "$TB_SECONDARY" _25._tcp.mx1 | grep -qx "$ca_rec" || break
    sleep 0.25
done
got=$(served_at "$TB_SECONDARY" _25._tcp.mx1)
expect "an empty list removes the last issuer record, the 3 1 1 records stay" "3 1 1 3 1 1" \
    "$(awk '{print $1, $2, $3}' <<<"$got" | tr '\n' ' ' | sed 's/ $//')"
printf 'server %s\nzone %s\nupdate add _25._tcp.mx1.%s 5 TLSA %s\nsend\n' "$TB_PRIMARY_ADDR" "$TB_ZONE" "$TB_ZONE" "$stale_rec" | nsupdate -k "$TB_TSIG_KEY_FILE"
wait_for "$TB_SECONDARY" _25._tcp.mx1 PRESENT "$stale_rec" || bad "the secondary never served the stale record"
# A renewal due: the served certificate (90 days, renewed at the first runs) is due, the one the
# CA will issue (200 days) will not be.
sed -i -e 's/^renew_before_days = 30$/renew_before_days = 100/' \
    -e 's|"{csr}", "{chain}"\]|"{csr}", "{chain}", "200"]|' "$work/dk.toml"
renewals=$(dk log 2>/dev/null | grep -c "renewal: deploy the renewed certificate")
dk run --once >"$work/run" 2>&1
expect "the renewal is refused (alert)" 1 $?
refusal=$(grep -o 'renewal: the renewed chain would not match.*' "$work/run" | head -1)
[[ $refusal == *"fix: add the certificate of the CA that issued the chain to issuer_certificates of slot mx, or remove the stale record: danekeeper publish --zone $TB_ZONE. --server $TB_PRIMARY --tsig-key $TB_TSIG_KEY_FILE --remove \"_25._tcp.mx1.$TB_ZONE. TLSA $stale_rec\""* ]] &&
    ok "the refusal names the stale record and the fix" || bad "refusal: $(tail -5 "$work/run")"
"$dk_bin" publish --zone "$TB_ZONE" --server "$TB_PRIMARY" --tsig-key "$TB_TSIG_KEY_FILE" \
    --remove "_25._tcp.mx1.$TB_ZONE. TLSA $stale_rec" >/dev/null 2>&1
expect "the fix runs" 0 $?
wait_for "$TB_SECONDARY" _25._tcp.mx1 ABSENT "$stale_rec" || bad "the stale record stayed"
dk run --once >"$work/run" 2>&1
expect "then the renewal goes ahead" 0 $?
expect "the renewed certificate is deployed (one more deployment in the log)" $((renewals + 1)) \
    "$(dk log 2>/dev/null | grep -c "renewal: deploy the renewed certificate")"

echo "took $(python3 -c "import time; print(round(time.time() - $started, 1))") s"
[[ $failures -eq 0 ]] && echo "PASS" || echo "FAILED: $failures"
exit $((failures > 0))
