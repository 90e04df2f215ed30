#!/bin/bash
# certificates = "acme" on the real testbed: danekeeper's own ACME client against the testbed's
# Pebble, dns-01 through BIND (TSIG, the zone's publisher) checked on BIND and Knot.
#   1. adopt the served key; the testbed certificate is due for renewal (30 days left,
#      renew_before_days = 30): the engine renews it over ACME FOR THE SAME KEY and deploys it.
#   2. a planned rollover: the certificate for the published next key comes from ACME, is
#      deployed after the DNS wait, and both MX serve it; the old key's record goes.
#   3. no _acme-challenge TXT is left; the account key is 0600; a bad [acme] value is exit 2.
# Usage: acme_rollover_test.sh ENV_FILE DANEKEEPER_BIN
set -euo pipefail
env_file=$1 dk_bin=$2
# shellcheck source=/dev/null
source "$env_file"
repo=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d /tmp/dk-acme-roll-XXXXXX)
chmod 755 "$work"  # postfix reads the served files below it
mkdir -p "$work/served"
cleanup() {
    restore_testbed || true
    rm -rf "$work"
}
# shellcheck source=../helpers.sh
source "$repo/tests/integration/helpers.sh"
restore_testbed || true
trap cleanup EXIT
fail() {
    echo "FAIL: $*"
    exit 1
}

"$repo/examples/render-testbed-config.sh" "$env_file" "$work/state" "$work/served" |
    sed -e 's/^certificates = "command"/certificates = "acme"/' -e '/^issue_command/d' >"$work/dk.toml"
cat >>"$work/dk.toml" <<TOML

[acme]
directory = "$TB_PEBBLE_DIRECTORY"
contact = ["mailto:hostmaster@example.test"]
ca_bundle = "$TB_PEBBLE_TLS_CA"
issuer_ca_file = "$TB_PEBBLE_ROOT"
challenge = "dns-01"
TOML
spki() { openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1; }
key_spki() { openssl pkey -in "$1" -pubout -outform DER | sha256sum | cut -d' ' -f1; }
served_issuer() { openssl x509 -in "$work/served/mx-chain.pem" -noout -issuer; }
presented() { # ADDR PORT HOST: the SPKI hash of the certificate the MX presents
    local opts=(-starttls smtp)
    [[ $2 == 465 ]] && opts=()
    echo | openssl s_client -connect "$1:$2" "${opts[@]}" -servername "$3" 2>/dev/null |
        openssl x509 -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1
}
challenge_txt() { dig +norec +short @"$TB_PRIMARY_ADDR" "_acme-challenge.$1" TXT; }

echo "== bad [acme] values are one line naming file:line:field, exit 2"
sed 's/^challenge = "dns-01"/challenge = "dns-02"/' "$work/dk.toml" >"$work/bad.toml"
set +e
"$dk_bin" --config "$work/bad.toml" status 2>"$work/bad.err"
rc=$?
set -e
[[ $rc == 2 ]] || fail "bad challenge exited $rc, wanted 2"
grep -q "bad.toml:[0-9]*: acme.challenge: must be \"dns-01\" or \"http-01\"" "$work/bad.err" ||
    fail "bad challenge message: $(cat "$work/bad.err")"

echo "== 1. adopt mx1's key; its certificate is due: renewed over ACME for the same key"
cp "$TB_MX1_KEY" "$work/served/mx-key.pem"
cat "$TB_MX1_FULLCHAIN" >"$work/served/mx-chain.pem"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$TB_MX1_CHAIN"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$TB_MX1_CHAIN"
dk adopt mx
current_spki=$(key_spki "$TB_MX1_KEY")
start=$(date +%s%N)
# Each run does what is due; between runs the engine may wait for propagation (a few seconds).
for _ in $(seq 1 60); do
    dk run --once >>"$work/runs.log" 2>&1 || true
    served_issuer | grep -qi pebble && break
    sleep 0.5
done
served_issuer | grep -qi pebble || { tail -30 "$work/runs.log"; fail "no ACME renewal deployed"; }
echo "renewal over ACME took $((($(date +%s%N) - start) / 1000000)) ms"
[[ $(spki "$work/served/mx-chain.pem") == "$current_spki" ]] || fail "the renewal changed the key"
grep -q "event=acme.issued" "$work/runs.log" || fail "no acme.issued event"
grep -q "event=acme.dns01_served servers=2" "$work/runs.log" || fail "TXT not checked on both servers"
for ep in "$TB_MX1_ADDR 25 mx1.example.test" "$TB_MX2_ADDR 25 mx2.example.test"; do
    # shellcheck disable=SC2086
    [[ $(presented $ep) == "$current_spki" ]] || fail "$ep does not present the current key"
done
[[ -z $(challenge_txt mx1.example.test) && -z $(challenge_txt mx2.example.test) ]] ||
    fail "challenge TXT left behind"
[[ $(stat -c %a "$work/state/acme/account.key") == 600 ]] || fail "account key not 0600"

echo "== 2. planned rollover: the next key's certificate comes from ACME"
for _ in $(seq 1 60); do
    [[ $(status_field "['next']['published_at']") != None ]] && break
    dk run --once >>"$work/runs.log" 2>&1 || true
    sleep 0.5
done
next_id=$(status_field "['next']['id']")
next_spki=$(key_spki "$work/state/keys/mx/$next_id.key.pem")
dk rollover start mx
start=$(date +%s%N)
for _ in $(seq 1 120); do
    dk run --once >>"$work/runs.log" 2>&1 || true
    [[ $(status_field "['current']['id']") == "$next_id" ]] && break
    sleep 0.5
done
[[ $(status_field "['current']['id']") == "$next_id" ]] || { tail -30 "$work/runs.log"; fail "no switch"; }
echo "rollover (DNS wait included) took $((($(date +%s%N) - start) / 1000000)) ms"
grep -q "request_certificate: rollover" "$work/runs.log" || grep -q "rollover: certificate for the next key" "$work/runs.log" ||
    fail "the engine did not ask for the next key's certificate"
[[ $(grep -c "event=acme.issued" "$work/runs.log") -ge 2 ]] || fail "the rollover certificate is not from ACME"
[[ $(spki "$work/served/mx-chain.pem") == "$next_spki" ]] || fail "served chain is not for the next key"
served_issuer | grep -qi pebble || fail "served chain is not Pebble's"
# The event log names the issuer of each certificate the engine obtained.
python3 -c "import sqlite3,sys; print('\n'.join(r[0] for r in sqlite3.connect(sys.argv[1]).execute(\"select details from events where kind = 'request_certificate'\")))" \
    "$work/state/state.db" >"$work/cert-events.txt"
grep -qi "issued by .*pebble.*, valid until 20" "$work/cert-events.txt" ||
    { cat "$work/cert-events.txt"; fail "request_certificate events do not name the issuer"; }
openssl verify -CAfile "$TB_PEBBLE_ROOT" -untrusted <(sed -n '/END CERTIFICATE/,$p' "$work/served/mx-chain.pem" | sed 1d) \
    "$work/served/mx-chain.pem" >/dev/null || fail "served chain does not verify to Pebble's root"
for ep in "$TB_MX1_ADDR 25 mx1.example.test" "$TB_MX2_ADDR 25 mx2.example.test" "$TB_MX1_ADDR 465 mx1.example.test"; do
    # shellcheck disable=SC2086
    [[ $(presented $ep) == "$next_spki" ]] || fail "$ep does not present the next key"
done
for _ in $(seq 1 20); do
    dig +norec +short @"$TB_PRIMARY_ADDR" _25._tcp.mx1.example.test TLSA | tr -d ' ' | grep -qi "311${current_spki}" || break
    dk run --once >>"$work/runs.log" 2>&1 || true
    sleep 0.5
done
dig +norec +short @"$TB_PRIMARY_ADDR" _25._tcp.mx1.example.test TLSA | tr -d ' ' | grep -qi "311${current_spki}" &&
    fail "the old key's TLSA record is still published"
dig +norec +short @"$TB_PRIMARY_ADDR" _25._tcp.mx1.example.test TLSA | tr -d ' ' | grep -qi "311${next_spki}" ||
    fail "the new current key's TLSA record is missing"

echo "== 3. nothing left behind"
[[ -z $(challenge_txt mx1.example.test) && -z $(challenge_txt mx2.example.test) ]] ||
    fail "challenge TXT left behind"
if grep -E "BEGIN (EC )?PRIVATE KEY|secret" "$work/runs.log"; then fail "a secret in the log"; fi

echo "== 4. status shows the next order while a refusal backoff holds it back"
# An issued certificate cleared any count; two refusals in a row as the issuer records them.
[[ ! -e $work/state/acme/refusals ]] || fail "refusal count left after issuance"
echo 2 >"$work/state/acme/refusals"
echo $(($(date +%s) + 240)) >"$work/state/acme/not-before"
dk status | grep -q "next ACME order: .* (backoff after 2 refusal(s) in a row)" ||
    { dk status; fail "status does not show the next ACME order"; }
[[ $(status_field "['acme_next_attempt']['refusals']") == 2 ]] || fail "status --json lacks acme_next_attempt"
rm -f "$work/state/acme/refusals" "$work/state/acme/not-before"
echo "PASS"
