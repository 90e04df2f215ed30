#!/bin/bash
# SMTP TLS reports by HTTPS POST (RFC 8460 section 3) to the daemon's receiver on a testbed
# loopback address, sent by curl over TLS (the testbed CA's certificate for tlsrpt.TB_ZONE):
# a gzip report is stored (201), sent again it is stored before (200), a JSON report is stored;
# a report without report-id (400), a body not of its type (400), GET (405), text/plain (415),
# a body over https_max_body_bytes (413) and another path (404) store nothing; `tlsrpt list`
# shows each stored report once with its https source. SIGHUP with another path: the new path
# takes reports, the old one is 404. `status --nagios` is CRITICAL with the senders' DANE failures.
# SIGTERM stops the daemon and the listener.
# Usage: https_test.sh ENV_FILE DANEKEEPER_BIN
set -euo pipefail
dk_bin=$2 env_file=$1
repo=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d /tmp/dk-tlsrpt-https-XXXXXX)
chmod 700 "$work"
mkdir -p "$work/served"
# shellcheck source=../helpers.sh
source "$repo/tests/integration/helpers.sh"
# shellcheck source=/dev/null
source "$env_file"
failures=0
started=$(date +%s.%N)
daemon_pid=""
cleanup() {
    if [[ -n $daemon_pid ]]; then kill "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null; fi
    restore_testbed || true
    rm -rf "$work"
}
restore_testbed || true
trap cleanup EXIT

host=tlsrpt.$TB_ZONE addr=$TB_NET.9.3 port=8443
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/https-key.pem" \
    -subj "/CN=$host" -addext "subjectAltName=DNS:$host" -out "$work/https.csr" 2>/dev/null
chmod 600 "$work/https-key.pem"
"$repo/tests/tools/sign-csr.sh" "$TB_CA_CERT" "$TB_CA_KEY" "$work/https.csr" "$work/https-chain.pem"
config() {  # config PATH
    render_config "$env_file" "$work/state" "$work/served" >"$work/dk.toml"
    printf '\n[tlsrpt]\nhttps_listen = "%s"\nhttps_cert_file = "%s"\nhttps_key_file = "%s"\n' \
        "$addr:$port" "$work/https-chain.pem" "$work/https-key.pem" >>"$work/dk.toml"
    printf 'https_path = "%s"\nhttps_max_body_bytes = 65536\nhttps_max_connections = 4\n' "$1" \
        >>"$work/dk.toml"
}
config /v1/tlsrpt
dk config check

# report FILE REPORT_ID [broken]: a report shaped as large senders send it (RFC 8460 4.5's
# example, with a TLSA policy and DANE failures); FILE.gz is its gzip form.
report() {
    python3 - "$1" "$2" "${3:-}" "$TB_ZONE" <<'PY'
import datetime, gzip, json, sys
path, report_id, broken, zone = sys.argv[1:5]
day = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)).strftime("%Y-%m-%d")
report = {
    "organization-name": "Company-X", "contact-info": "sts-reporting@company-x.example",
    "report-id": report_id,
    "date-range": {"start-datetime": day + "T00:00:00Z", "end-datetime": day + "T23:59:59Z"},
    "policies": [{
        "policy": {"policy-type": "tlsa", "policy-string": ["3 1 1 00"], "policy-domain": zone,
                   "mx-host": ["mx1." + zone]},
        "summary": {"total-successful-session-count": 5326, "total-failure-session-count": 303},
        "failure-details": [
            {"result-type": "tlsa-invalid", "sending-mta-ip": "2001:db8:abcd:0012::1",
             "receiving-mx-hostname": "mx1." + zone, "failed-session-count": 200},
            {"result-type": "dnssec-invalid", "sending-mta-ip": "198.51.100.62",
             "receiving-mx-hostname": "mx1." + zone, "receiving-ip": "203.0.113.56",
             "failed-session-count": 3, "additional-information": "https://company-x.example/x"},
            {"result-type": "validation-failure", "sending-mta-ip": "198.51.100.62",
             "receiving-ip": "203.0.113.56", "receiving-mx-hostname": "mx2." + zone,
             "failed-session-count": 100, "failure-reason-code": "X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED"}]}]}
if broken:
    del report["report-id"]
body = json.dumps(report).encode()
open(path, "wb").write(body)
open(path + ".gz", "wb").write(gzip.compress(body))
PY
}
# post PATH TYPE FILE [curl args]: the HTTP status curl got.
post() {
    local path=$1 type=$2 file=$3
    shift 3
    curl -sS -o "$work/answer" -w '%{http_code}' --max-time 10 --cacert "$TB_CA_CERT" \
        --resolve "$host:$port:$addr" -H "Content-Type: $type" --data-binary "@$file" "$@" \
        "https://$host:$port$path" || true
}
reports() { dk tlsrpt list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

"$dk_bin" --config "$work/dk.toml" daemon >"$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 1 100); do
    grep -q 'event=tlsrpt.https_listening' "$work/daemon.log" && break
    sleep 0.1
done
grep -q 'event=tlsrpt.https_listening' "$work/daemon.log" && ok "the receiver listens" ||
    { bad "no listener"; tail -n 5 "$work/daemon.log"; }

echo "== good reports"
report "$work/r1.json" "2026-12-06T00:00:00Z_company-x_1"
report "$work/r2.json" "2026-12-06T00:00:00Z_company-x_2"
expect "gzip report" 201 "$(post /v1/tlsrpt application/tlsrpt+gzip "$work/r1.json.gz")"
expect "the same report again" 200 "$(post /v1/tlsrpt application/tlsrpt+gzip "$work/r1.json.gz")"
expect "JSON report" 201 "$(post /v1/tlsrpt application/tlsrpt+json "$work/r2.json")"
expect "reports stored" 2 "$(reports)"
dk tlsrpt list --json | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    assert r["source"].startswith("https:127."), r["source"]
    assert r["dane_failed_sessions"] == 303, r
' && ok "source https:PEER, 303 DANE-failed sessions each" || bad "tlsrpt list --json"
grep -q 'event=tlsrpt.dane_failures' "$work/daemon.log" && ok "the DANE failures raised the alert" ||
    bad "no tlsrpt.dane_failures alert"

# status --nagios: yesterday's report with DANE failures is CRITICAL, naming count and sender.
dk status --nagios >"$work/nagios" && rc=0 || rc=$?
expect "status --nagios exit code" 2 "$rc"
grep -q '^DANEKEEPER CRITICAL - .*senders reported 606 DANE-failed sessions (Company-X 606)' \
    "$work/nagios" && ok "status --nagios names the count and the sender" ||
    bad "status --nagios: $(head -1 "$work/nagios")"
grep -q 'tlsrpt_dane_failed_sessions=606;0;;0' "$work/nagios" && ok "perfdata" ||
    bad "no tlsrpt_dane_failed_sessions perfdata"

echo "== refused: nothing stored"
report "$work/bad.json" unused broken
expect "a report without report-id" 400 "$(post /v1/tlsrpt application/tlsrpt+gzip "$work/bad.json.gz")"
grep -q 'report-id' "$work/answer" && ok "the answer names the field" || bad "answer: $(cat "$work/answer")"
expect "+gzip with a JSON body" 400 "$(post /v1/tlsrpt application/tlsrpt+gzip "$work/r1.json")"
expect "GET" 405 "$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$TB_CA_CERT" \
    --resolve "$host:$port:$addr" "https://$host:$port/v1/tlsrpt")"
expect "text/plain" 415 "$(post /v1/tlsrpt text/plain "$work/r1.json")"
head -c 70000 /dev/urandom >"$work/big"
# Answered while curl still sends: three times, as a reset instead of the answer was seen once in 4.
for try in 1 2 3; do
    expect "70000 bytes over a 65536 limit ($try)" 413 \
        "$(post /v1/tlsrpt application/tlsrpt+gzip "$work/big")"
done
expect "another path" 404 "$(post /tlsrpt application/tlsrpt+gzip "$work/r1.json.gz")"
expect "reports stored" 2 "$(reports)"

echo "== SIGHUP with another path"
config /reports
kill -HUP "$daemon_pid"
report "$work/r3.json" "2026-12-06T00:00:00Z_company-x_3"
code=""
for _ in $(seq 1 50); do
    code=$(post /reports application/tlsrpt+gzip "$work/r3.json.gz")
    [[ $code == 201 ]] && break
    sleep 0.1
done
expect "the new path" 201 "$code"
expect "the old path" 404 "$(post /v1/tlsrpt application/tlsrpt+gzip "$work/r3.json.gz")"

echo "== SIGTERM"
kill "$daemon_pid"
wait "$daemon_pid" && rc=0 || rc=$?
daemon_pid=""
expect "daemon exit code" 0 "$rc"
curl -s -o /dev/null --max-time 3 --cacert "$TB_CA_CERT" --resolve "$host:$port:$addr" \
    "https://$host:$port/reports" && bad "the listener still answers" || ok "the listener is gone"

echo "took $(python3 -c "import time; print(round(time.time() - $started, 1))") s"
[[ $failures -eq 0 ]] || { echo "$failures failure(s)"; exit 1; }
echo "all passed"
