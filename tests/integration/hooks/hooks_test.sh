#!/bin/bash
# certificates = "hook" on the real testbed: real certbot against Pebble (dns-01 through BIND
# with certbot's RFC 2136 plugin) hands its lineage to danekeeper through hooks/certbot-deploy-hook.
#   1. certbot's own new key: refused (exit 1, event logged), the served certificate unchanged.
#   2. certbot renewing with the slot's current key (--reuse-key): accepted, deployed, probed.
#   3. a certificate for the published next key (from `hook csr --next`): kept, and the rollover
#      then uses it without asking for another.
#   4. after the switch, certbot's certificate for the old key: refused, nothing changes.
# Before 2: a self-signed chain and one valid to 2126, both for the slot's key, are refused.
# Usage: hooks_test.sh ENV_FILE DANEKEEPER_BIN
set -euo pipefail
env_file=$1 dk_bin=$2
# shellcheck source=/dev/null
source "$env_file"
repo=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d /tmp/dk-hooks-XXXXXX)
chmod 755 "$work"  # postfix reads the served files below it
mkdir -p "$work/served" "$work/le"
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

# Deliveries must verify to the slot's roots: Pebble's (certbot) and the testbed CA's (hook csr).
cat "$TB_CA_CERT" "$TB_PEBBLE_ROOT" >"$work/roots.pem"
"$repo/examples/render-testbed-config.sh" "$env_file" "$work/state" "$work/served" |
    sed -e 's/^certificates = "command"/certificates = "hook"/' -e '/^issue_command/d' \
        -e "s|^issuer_ca_file = .*|issuer_ca_file = \"$work/roots.pem\"|" >"$work/dk.toml"
grep -q "^issuer_ca_file = \"$work/roots.pem\"" "$work/dk.toml" || fail "issuer_ca_file not set"
served_sha() { sha256sum "$work/served/mx-chain.pem" | cut -d' ' -f1; }
# The event log, one "kind details" line each (into a file: grep -q must not cut the pipe).
has_event() {
    python3 -c "import sqlite3,sys; print('\n'.join(' '.join(map(str,r)) for r in sqlite3.connect(sys.argv[1]).execute('select kind, details from events order by id')))" \
        "$work/state/state.db" >"$work/events.txt"
    grep -q "^$1" "$work/events.txt"
}

echo "== slot mx serves mx1's key on mx1 and mx2; adopt it and publish current + next"
cp "$TB_MX1_KEY" "$work/served/mx-key.pem"
cat "$TB_MX1_FULLCHAIN" >"$work/served/mx-chain.pem"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$TB_MX1_CHAIN"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$TB_MX1_CHAIN"
dk adopt mx
dk run --once
[[ $(status_field "['next']['published_at']") != None ]] || fail "next key not published"

echo "== certbot with its RFC 2136 plugin against Pebble"
secret=$(sed -n 's/.*secret "\([^"]*\)".*/\1/p' "$TB_TSIG_KEY_FILE")
umask 077
cat >"$work/rfc2136.ini" <<INI
dns_rfc2136_server = $TB_PRIMARY_ADDR
dns_rfc2136_port = 53
dns_rfc2136_name = $TB_TSIG_KEY_NAME
dns_rfc2136_secret = $secret
dns_rfc2136_algorithm = HMAC-SHA256
INI
umask 022
hook="env DANEKEEPER=$dk_bin DANEKEEPER_CONFIG=$work/dk.toml $repo/hooks/certbot-deploy-hook mx"
certbot_run() {
    REQUESTS_CA_BUNDLE=$TB_PEBBLE_TLS_CA certbot --non-interactive --agree-tos \
        --register-unsafely-without-email --server "$TB_PEBBLE_DIRECTORY" \
        --config-dir "$work/le/config" --work-dir "$work/le/work" --logs-dir "$work/le/logs" \
        --dns-rfc2136 --dns-rfc2136-credentials "$work/rfc2136.ini" \
        --dns-rfc2136-propagation-seconds 1 --key-type ecdsa --elliptic-curve secp256r1 "$@"
}

echo "== 1. certbot's own new key is refused"
before=$(served_sha)
set +e
certbot_run certonly --cert-name mx -d mx1.example.test -d mx2.example.test \
    --deploy-hook "$hook" >"$work/certbot1.log" 2>&1
set -e
grep -q "REFUSED" "$work/certbot1.log" || { cat "$work/certbot1.log"; fail "no refusal in certbot's output"; }
grep -q "neither the slot's current nor its published next key" "$work/certbot1.log" ||
    fail "refusal does not say why"
[[ -s $work/le/config/live/mx/fullchain.pem ]] || fail "certbot did not get a certificate"
[[ $(served_sha) == "$before" ]] || fail "the served chain changed after a refusal"
has_event hook_refused || fail "no hook_refused event"
# Running the hook by hand shows its exit code: 1 = refused.
set +e
RENEWED_LINEAGE=$work/le/config/live/mx DANEKEEPER=$dk_bin DANEKEEPER_CONFIG=$work/dk.toml \
    "$repo/hooks/certbot-deploy-hook" mx 2>/dev/null
rc=$?
set -e
[[ $rc == 1 ]] || fail "refused delivery exited $rc, wanted 1"

echo "== 1b. chains for the slot's own key that are self-signed or valid to 2126 are refused"
# refused_delivery NAME CHAIN WANT: exit 1, one REFUSED line saying WANT, nothing served changes.
refused_delivery() {
    local name=$1 chain=$2 want=$3 rc
    before=$(served_sha)
    set +e
    dk hook deliver mx "$chain" "$work/served/mx-key.pem" >"$work/$name.out" 2>"$work/$name.err"
    rc=$?
    set -e
    [[ $rc == 1 ]] || fail "$name: exit $rc, wanted 1: $(cat "$work/$name.err")"
    [[ $(grep -c "REFUSED" "$work/$name.err") == 1 ]] || fail "$name: $(cat "$work/$name.err")"
    grep "REFUSED" "$work/$name.err" | grep -q "$want" || fail "$name: $(cat "$work/$name.err")"
    [[ $(served_sha) == "$before" ]] || fail "$name: the served chain changed"
}
openssl req -x509 -key "$work/served/mx-key.pem" -subj "/CN=mx1.example.test" -days 90 \
    -addext "subjectAltName=DNS:mx1.example.test,DNS:mx2.example.test" \
    -addext "extendedKeyUsage=serverAuth" -out "$work/self-signed.pem" 2>/dev/null
refused_delivery self_signed "$work/self-signed.pem" "does not verify to $work/roots.pem: self-signed certificate"
dk hook csr mx -o "$work/current.csr"
days=$(( ($(date -d 2126-06-01 +%s) - $(date +%s)) / 86400 ))
"$repo/tests/tools/sign-csr.sh" "$TB_CA_CERT" "$TB_CA_KEY" "$work/current.csr" "$work/2126.pem" "$days"
refused_delivery far_future "$work/2126.pem" "valid until 2126-"

echo "== 2. certbot renewing with the slot's current key is accepted, deployed and probed"
# What an operator does once: give certbot's lineage the key danekeeper serves, and --reuse-key.
archive_key=$(readlink -f "$work/le/config/live/mx/privkey.pem")
cp "$work/served/mx-key.pem" "$archive_key"
# Off a terminal, certbot renew first sleeps up to 8 minutes at random unless told not to.
certbot_run renew --cert-name mx --force-renewal --reuse-key --no-random-sleep-on-renew \
    --deploy-hook "$hook" \
    >"$work/certbot2.log" 2>&1 ||
    { cat "$work/certbot2.log"; fail "certbot renew failed"; }
grep -q "accepted: renewal of the current key" "$work/certbot2.log" ||
    { cat "$work/certbot2.log"; fail "renewal not accepted"; }
grep -q "deploy: renewal" "$work/certbot2.log" || { cat "$work/certbot2.log"; fail "not deployed"; }
openssl x509 -in "$work/served/mx-chain.pem" -noout -issuer | grep -qi pebble ||
    fail "the served chain is not Pebble's"
for ep in "mx1.example.test:25@$TB_MX1_ADDR" "mx2.example.test:25@$TB_MX2_ADDR"; do
    out=$(echo | openssl s_client -connect "${ep#*@}:25" -starttls smtp -servername "${ep%%:*}" 2>/dev/null |
        openssl x509 -noout -issuer)
    grep -qi pebble <<<"$out" || fail "$ep does not present the Pebble certificate: $out"
done
has_event hook_delivered || fail "no hook_delivered event"
grep -q "^hook_delivered .*issued by .*, valid until 20" "$work/events.txt" ||
    { cat "$work/events.txt"; fail "the hook_delivered event does not name the issuer"; }
echo "-- a second delivery of the same certificate changes nothing"
RENEWED_LINEAGE=$work/le/config/live/mx DANEKEEPER=$dk_bin DANEKEEPER_CONFIG=$work/dk.toml \
    "$repo/hooks/certbot-deploy-hook" mx | grep -q "nothing to do" || fail "repeat not idempotent"

echo "-- the dehydrated and acme.sh scripts pass the same files the way those clients call them"
lineage=$work/le/config/live/mx
out=$(DANEKEEPER=$dk_bin DANEKEEPER_CONFIG=$work/dk.toml DANEKEEPER_SLOT_mx1_example_test=mx \
    "$repo/hooks/dehydrated-hook" deploy_cert mx1.example.test "$lineage/privkey.pem" \
    "$lineage/cert.pem" "$lineage/fullchain.pem" "$lineage/chain.pem" 1700000000)
grep -q "nothing to do" <<<"$out" || fail "dehydrated-hook: $out"
DANEKEEPER=/bin/false "$repo/hooks/dehydrated-hook" deploy_challenge mx1.example.test t v ||
    fail "dehydrated-hook must ignore other handlers"
out=$(DANEKEEPER=$dk_bin DANEKEEPER_CONFIG=$work/dk.toml CERT_FULLCHAIN_PATH=$lineage/fullchain.pem \
    CERT_KEY_PATH=$lineage/privkey.pem "$repo/hooks/acme.sh-reloadcmd" mx)
grep -q "nothing to do" <<<"$out" || fail "acme.sh-reloadcmd: $out"
set +e
"$repo/hooks/acme.sh-reloadcmd" mx 2>/dev/null
rc=$?
set -e
[[ $rc == 2 ]] || fail "acme.sh-reloadcmd without CERT_* exited $rc, wanted 2"

echo "== 3. a certificate for the published next key is kept for the switch"
next_id=$(status_field "['next']['id']")
dk hook csr mx --next -o "$work/next.csr"
"$repo/tests/tools/sign-csr.sh" "$TB_CA_CERT" "$TB_CA_KEY" "$work/next.csr" "$work/next.pem"
dk hook deliver mx "$work/next.pem" "$work/state/keys/mx/$next_id.key.pem" | tee "$work/next.log"
grep -q "accepted: certificate for the next key" "$work/next.log" || fail "next not accepted"
[[ $(status_field "['next_cert_not_after']") != None ]] || fail "next certificate not stored"
dk rollover start mx
for _ in $(seq 1 60); do
    dk run --once >>"$work/runs.log" 2>&1 || true
    [[ $(status_field "['current']['id']") == "$next_id" ]] && break
    sleep 0.5
done
[[ $(status_field "['current']['id']") == "$next_id" ]] || { tail -20 "$work/runs.log"; fail "no switch"; }
! grep -q "request_certificate: rollover" "$work/runs.log" || fail "the engine asked for another certificate"

echo "== 4. after the switch, a renewed certificate for the old key is refused"
set +e
RENEWED_LINEAGE=$work/le/config/live/mx DANEKEEPER=$dk_bin DANEKEEPER_CONFIG=$work/dk.toml \
    "$repo/hooks/certbot-deploy-hook" mx 2>"$work/old.err"
rc=$?
set -e
[[ $rc == 1 ]] || fail "old key delivery exited $rc, wanted 1"
grep -q "neither the slot's current nor its published next key" "$work/old.err" || fail "$(cat "$work/old.err")"
served_before=$(served_sha)
dk run --once >>"$work/runs.log" 2>&1 || true
[[ $(served_sha) == "$served_before" ]] || fail "a refused delivery changed the served chain"
echo "-- a key file that is not the certificate's key is refused"
set +e
dk hook deliver mx "$work/next.pem" "$TB_MX2_KEY" 2>"$work/mismatch.err"
rc=$?
set -e
if [[ $rc != 1 ]] || ! grep -q "is not the key of the certificate" "$work/mismatch.err"; then
    fail "mismatched key file: exit $rc $(cat "$work/mismatch.err")"
fi
echo "-- a slot that is not in hook mode is bad input"
sed 's/^certificates = "hook"/certificates = "command"\nissue_command = ["\/bin\/false"]/' "$work/dk.toml" >"$work/cmd.toml"
set +e
"$dk_bin" --config "$work/cmd.toml" hook deliver mx "$work/next.pem" "$TB_MX2_KEY" 2>/dev/null
rc=$?
set -e
[[ $rc == 2 ]] || fail "hook deliver on a command slot exited $rc, wanted 2"
echo "== 5. a hook run as root acts as the owner of state_dir: nothing it leaves there is root's"
if [[ $(id -u) == 0 ]] && command -v useradd >/dev/null; then
    owner=dkhook$$
    useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
    trap 'userdel "$owner" 2>/dev/null || true; cleanup' EXIT
    current_id=$(status_field "['current']['id']")
    dk hook csr mx -o "$work/renew.csr"
    sleep 1 # a later notAfter than the stored certificate's
    "$repo/tests/tools/sign-csr.sh" "$TB_CA_CERT" "$TB_CA_KEY" "$work/renew.csr" "$work/renew.pem"
    chmod 600 "$work/renew.pem" # readable by root only, as certbot's archive is
    chown -R "$owner:" "$work/state"
    # As in production, the service user owns the TSIG key it publishes with (secret files must
    # belong to the user danekeeper runs as, or root, and be private).
    tsig_key=$(sed -n 's/^tsig_key_file = "\(.*\)"$/\1/p' "$work/dk.toml")
    install -m 600 -o "$owner" "$tsig_key" "$work/owner-tsig.key"
    sed "s|^tsig_key_file = .*|tsig_key_file = \"$work/owner-tsig.key\"|" "$work/dk.toml" >"$work/owner.toml"
    # Accepted and left for the lock holder; the engine run after it may still fail as that user
    # (the served files are root's here): only the ownership of what the hook leaves is checked.
    "$dk_bin" --config "$work/owner.toml" hook deliver mx "$work/renew.pem" \
        "$work/state/keys/mx/$current_id.key.pem" >"$work/owner.log" 2>&1 || true
    grep -q "accepted: renewal of the current key" "$work/owner.log" || fail "$(cat "$work/owner.log")"
    not_owned=$(find "$work/state" ! -user "$owner")
    [[ -z $not_owned ]] || fail "left in state_dir not owned by $owner: $not_owned"
else
    echo "-- skipped: needs root and useradd"
fi
echo "PASS"
