#!/bin/bash
# The daemon drives a planned rollover of mx on the real testbed while a sender's SMTP TLS report
# (RFC 8460) with DANE failures arrives in the TLSRPT mailbox's Maildir, written as an MDA writes
# (tmp/, then rename into new/), composed by Python's email package (not by danekeeper). The
# daemon's next pass stores it once, moves the message to cur/, raises the alert
# tlsrpt.dane_failures naming the rollover step in progress; the same report resent is a
# duplicate, a malformed message goes to .Refused. `tlsrpt list/summary --json` show it. The
# daemon is stopped (SIGTERM) mid-rollover: the rollover itself is other tests' subject.
# Usage: tlsrpt_test.sh ENV_FILE DANEKEEPER_BIN
set -euo pipefail
dk_bin=$2
repo=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d /tmp/dk-tlsrpt-XXXXXX)
chmod 700 "$work"
mkdir -p "$work/served" "$work/mail/new" "$work/mail/cur" "$work/mail/tmp"
# shellcheck source=../helpers.sh
source "$repo/tests/integration/helpers.sh"
env_file=$1
# shellcheck source=/dev/null
source "$env_file"
failures=0
daemon_pid=""
cleanup() {
    [[ -n $daemon_pid ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
    restore_testbed || true
    rm -rf "$work"
}
restore_testbed || true
trap cleanup EXIT

render_config "$env_file" "$work/state" "$work/served" >"$work/dk.toml"
printf '\n[tlsrpt]\nmaildir = "%s"\n\n[metrics]\nfile = "%s"\n' "$work/mail" "$work/metrics.prom" \
    >>"$work/dk.toml"

cp "$TB_MX1_KEY" "$work/served/mx-key.pem"
cat "$TB_MX1_FULLCHAIN" >"$work/served/mx-chain.pem"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$TB_MX1_CHAIN"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$TB_MX1_CHAIN"
dk adopt mx
dk run --once >"$work/run.log" 2>&1

# deliver NAME REPORT_ID [broken]: a TLSRPT mail as a large sender sends it, its date range the
# last hour up to now (so it covers the rollover's steps so far).
deliver() {
    python3 - "$work/mail" "$1" "$2" "${3:-}" "$TB_ZONE" "$TB_MX1_HOST" <<'PY'
import datetime, email.message, gzip, json, os, sys
maildir, name, report_id, broken, zone, mx = sys.argv[1:7]
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
fmt = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
report = {
    "organization-name": "Sender Example", "contact-info": "tlsrpt@sender.example",
    "report-id": report_id,
    "date-range": {"start-datetime": fmt(now - datetime.timedelta(hours=1)),
                   "end-datetime": fmt(now + datetime.timedelta(seconds=1))},
    "policies": [
        {"policy": {"policy-type": "tlsa", "policy-domain": zone, "mx-host": [mx],
                    "policy-string": ["3 1 1 00"]},
         "summary": {"total-successful-session-count": 90, "total-failure-session-count": 9},
         "failure-details": [
             {"result-type": "tlsa-invalid", "sending-mta-ip": "192.0.2.25",
              "receiving-mx-hostname": mx, "receiving-ip": "127.0.0.1",
              "failed-session-count": 7, "failure-reason-code": "X509_V_ERR_DANE_NO_MATCH"},
             {"result-type": "starttls-not-supported", "sending-mta-ip": "192.0.2.26",
              "receiving-mx-hostname": mx, "failed-session-count": 2}]},
        {"policy": {"policy-type": "no-policy-found", "policy-domain": zone},
         "summary": {"total-successful-session-count": 5, "total-failure-session-count": 0}}]}
if broken:
    del report["report-id"]
msg = email.message.EmailMessage()
msg["From"] = "noreply-smtp-tls-reporting@sender.example"
msg["To"] = "tlsrpt@" + zone
msg["Subject"] = f"Report Domain: {zone} Submitter: sender.example Report-ID: <{report_id}>"
msg["TLS-Report-Domain"] = zone
msg["TLS-Report-Submitter"] = "sender.example"
msg.set_content("This is an aggregate TLS report from sender.example")
msg.add_attachment(gzip.compress(json.dumps(report).encode()), maintype="application",
                   subtype="tlsrpt+gzip", filename=f"sender.example!{zone}!{report_id}.json.gz")
tmp = os.path.join(maildir, "tmp", name)
with open(tmp, "wb") as f:
    f.write(msg.as_bytes())
os.rename(tmp, os.path.join(maildir, "new", name))
PY
}

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
alert_logged() { dk log --json 2>/dev/null | python3 -c '
import json, sys
sys.exit(0 if any(e["kind"] == "tlsrpt_dane_failures" for e in json.load(sys.stdin)) else 1)'; }
rolling() { [[ $(status_field "['phase']") == rolling ]]; }

started=$(date +%s)
"$dk_bin" --config "$work/dk.toml" daemon >"$work/daemon.log" 2>&1 &
daemon_pid=$!
dk rollover start mx
poll_for 60 rolling || bad "the rollover did not start"
deliver 1700000000.M1P1.mailhost r-during-rollover
deliver 1700000001.M2P2.mailhost r-broken broken
deliver 1700000002.M3P3.mailhost r-during-rollover  # the same report resent
poll_for 60 alert_logged || bad "no tlsrpt_dane_failures event within 60 s"
new_empty() { [[ -z $(ls "$work/mail/new") ]]; }
poll_for 10 new_empty || true
metrics_show_it() { grep -qx 'danekeeper_tlsrpt_dane_failed_sessions 9' "$work/metrics.prom" 2>/dev/null; }
poll_for 30 metrics_show_it && ok "the metrics file shows 9 DANE-failed sessions" ||
    bad "no danekeeper_tlsrpt_dane_failed_sessions 9 in the metrics file"
grep -q "^danekeeper_tlsrpt_failed_sessions{result_type=\"tlsa-invalid\",policy_type=\"tlsa\",mx=\"$TB_MX1_HOST\",dane=\"1\"} 7\$" \
    "$work/metrics.prom" && ok "the metrics file shows tlsa-invalid on $TB_MX1_HOST" ||
    bad "no tlsa-invalid row in the metrics file"
echo "took $(($(date +%s) - started)) s"

[[ -e $work/mail/cur/1700000000.M1P1.mailhost:2,S ]] && ok "the report mail moved to cur/" ||
    bad "the report mail is not in cur/"
[[ -e $work/mail/.Refused/cur/1700000001.M2P2.mailhost:2,S ]] && ok "the malformed mail moved to .Refused" ||
    bad "the malformed mail is not in .Refused/cur"
new_empty && ok "new/ is empty" || bad "new/ still holds $(ls "$work/mail/new")"
[[ -e $work/mail/cur/1700000002.M3P3.mailhost:2,S ]] && ok "the resent mail moved to cur/" ||
    bad "the resent mail is not in cur/"
grep -q 'event=tlsrpt.mail_refused .*report-id: missing' "$work/daemon.log" &&
    ok "the refusal's reason is logged" || bad "no tlsrpt.mail_refused line naming report-id"
grep -q 'event=tlsrpt.report_duplicate' "$work/daemon.log" && ok "the resent report is a duplicate" ||
    bad "no tlsrpt.report_duplicate line"

alert=$(grep 'event=tlsrpt.dane_failures' "$work/daemon.log" | head -n 1)
echo "alert: $alert"
[[ $alert == *'steps="mx: '* ]] && ok "the alert names the slot's steps" || bad "the alert names no step of mx"
[[ $alert == *"tlsa-invalid $TB_MX1_HOST 7"* ]] && ok "the alert names the failure" ||
    bad "the alert does not name tlsa-invalid on $TB_MX1_HOST"
event=$(dk log --json | python3 -c '
import json, sys
print(json.dumps([e for e in json.load(sys.stdin) if e["kind"] == "tlsrpt_dane_failures"]))')
expect "one alert event, for slot mx" 'mx' "$(python3 -c 'import json,sys; e=json.loads(sys.argv[1]); print(",".join(x["slot"] for x in e))' "$event")"
# The step named in progress is the last one the engine logged for mx before the report arrived.
step=$(python3 -c '
import json, re, sys
e = json.loads(sys.argv[1])[0]
m = re.search(r"steps=\"mx: ([a-z_]+) since ([0-9TZ:-]+)", e["details"])
print(m.group(1) + " " + m.group(2) if m else "")' "$event")
logged=$(dk log --json | python3 -c '
import json, sys
print("\n".join(e["kind"] + " " + e["at"] for e in json.load(sys.stdin) if e["slot"] == "mx"))')
[[ -n $step ]] && grep -qx "$step" <<<"$logged" && ok "the step named ($step) is in the event log" ||
    bad "the step named ($step) is not among mx's events: $logged"

summary=$(dk tlsrpt summary --json)
expect "reports stored" 1 "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["reports"])' "$summary")"
expect "DANE-failed sessions" 9 "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["dane_failed_sessions"])' "$summary")"
dk tlsrpt list
status=$(dk status)
grep -q '^tlsrpt: 1 reports from 1 senders in the last 7 days: 95 sessions succeeded, 9 failed, 9 of them DANE failures$' <<<"$status" &&
    ok "status sums the report up" || bad "status does not sum the report up: $status"
grep -q "^  alert .* slot mx: .*steps=\"mx: " <<<"$status" && ok "status shows the alert with its steps" ||
    bad "status shows no alert for mx"
audit_dane=$(dk audit --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["tlsrpt"]["dane_failed_sessions"])') || true
expect "audit --json: DANE-failed sessions" 9 "$audit_dane"
kill -TERM "$daemon_pid"
wait "$daemon_pid" || bad "the daemon did not stop cleanly"
daemon_pid=""
exit $((failures > 0))
