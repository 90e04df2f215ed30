#!/bin/bash
# Exit codes and one-line errors of the command line itself.
set -u
dk=$1
failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
expect() {  # expect CODE PATTERN -- ARGS...
    local code=$1 pattern=$2
    shift 3
    local out rc
    out=$(timeout 20 "$dk" "$@" 2>&1)  # 124: it hung
    rc=$?
    if [[ $rc -ne $code ]] || ! grep -qE -- "$pattern" <<<"$out"; then
        echo "FAIL: danekeeper $* -> rc=$rc (want $code), output: $out"
        failures=$((failures + 1))
    else
        echo "ok: danekeeper $* -> $rc"
    fi
}
expect 2 "^danekeeper: unknown verb 'frobnicate'" -- frobnicate
expect 2 "^danekeeper: unknown option '--bogus'" -- --bogus
expect 2 "^danekeeper: --config needs a file" -- --config
expect 2 "Verbs:" --
expect 0 "^danekeeper [0-9.]+$" -- version
expect 0 "^danekeeper [0-9.]+$" -- --config /nonexistent version
expect 2 "^danekeeper: sign: give exactly one ZONEFILE" -- sign --keys /nonexistent
expect 2 "^danekeeper: sign: --keys DIR is required" -- sign zone.db
expect 2 "^danekeeper: /nonexistent: cannot open the key directory" -- sign zone.db --keys /nonexistent
expect 2 "^danekeeper: dnssec: give status, rollover or ds, and a ZONE" -- dnssec
expect 2 "^danekeeper: dnssec rollover: give exactly one of --zsk and --ksk" -- dnssec rollover example.net
expect 2 "^danekeeper: dnssec status: --zsk and --ksk belong to rollover" -- dnssec status example.net --ksk
# A FIFO is refused at once (not waited on for a writer), naming the file.
mkfifo "$work/fifo.toml"
expect 2 "^$work/fifo.toml: not a regular file$" -- --config "$work/fifo.toml" config check
expect 2 "^danekeeper: $work/fifo.toml: not a regular file$" -- --config "$work/fifo.toml" status

# config check reads what the configuration names: the TSIG key itself, the configuration's own
# mode (it holds commands we run), the directories the served files go to.
config_with() {  # config_with FILE TSIG_KEY SERVED_DIR
    cat >"$1" <<EOF
state_dir = "$work/state"
[[zone]]
name = "example.net"
primary = "127.0.0.1:53"
tsig_key_file = "$2"
[[key]]
name = "mx"
endpoints = ["mx1.example.net:25"]
cert_file = "$3/chain.pem"
key_file = "$3/key.pem"
issue_command = ["/bin/true", "{csr}"]
EOF
    chmod 644 "$1"
}
tsig_key() {  # tsig_key FILE ALGORITHM SECRET
    printf 'key "dk" {\n\talgorithm %s;\n\tsecret "%s";\n};\n' "$2" "$3" >"$1"
    chmod 600 "$1"
}
mkdir -p "$work/served"
tsig_key "$work/good.key" hmac-sha256 "c2VjcmV0IHNlY3JldCBzZWNyZXQgc2VjcmV0IQ=="
tsig_key "$work/md5.key" hmac-md5 "c2VjcmV0IHNlY3JldCBzZWNyZXQgc2VjcmV0IQ=="
tsig_key "$work/base64.key" hmac-sha256 "not*base64!"
config_with "$work/good.toml" "$work/good.key" "$work/served"
expect 0 "^ok: 1 zones, 1 key slots$" -- --config "$work/good.toml" config check
config_with "$work/md5.toml" "$work/md5.key" "$work/served"
expect 2 "^$work/md5.toml: zone example.net.: tsig_key_file: $work/md5.key:2: unknown algorithm hmac-md5" \
    -- --config "$work/md5.toml" config check
config_with "$work/base64.toml" "$work/base64.key" "$work/served"
expect 2 "^$work/base64.toml: zone example.net.: tsig_key_file: $work/base64.key:3: secret of key dk. is not valid base64" \
    -- --config "$work/base64.toml" config check
config_with "$work/writable.toml" "$work/good.key" "$work/served"
chmod 666 "$work/writable.toml"
expect 2 "^$work/writable.toml: writable by others \(mode 0666\)" -- --config "$work/writable.toml" config check
config_with "$work/unserved.toml" "$work/good.key" "$work/no-such-dir"
expect 2 "^$work/unserved.toml: key mx: cert_file: $work/no-such-dir is not a directory" \
    -- --config "$work/unserved.toml" config check

# status only reads: without a state database it says so and creates none (no lock is held).
mkdir -m 700 "$work/state"
expect 0 "^slot mx: not adopted yet" -- --config "$work/good.toml" status
expect 0 "^\[\]$" -- --config "$work/good.toml" log --json
# rollover check only reads as well: not adopted without a state database, and one of an older
# schema is refused (exit 3) and left as it is, for a verb that holds the state lock to migrate.
expect 2 "^danekeeper: slot mx is not adopted yet" -- --config "$work/good.toml" rollover check mx
# rollover start takes several slots: each is checked before any request is left.
expect 2 "^danekeeper: usage: danekeeper rollover start SLOT\.\.\." -- rollover start
expect 2 "^danekeeper: usage: danekeeper rollover start SLOT\.\.\." -- rollover check mx mx
expect 2 "^danekeeper: no key slot named 'nosuch'" -- --config "$work/good.toml" rollover start mx nosuch
expect 2 "^danekeeper: slot mx is not adopted yet" -- --config "$work/good.toml" rollover start mx
if [[ -e $work/state/requests ]]; then
    echo "FAIL: a refused rollover start left $(ls "$work/state/requests")"
    failures=$((failures + 1))
fi
mkdir -m 700 "$work/old"
sed "s|$work/state|$work/old|" "$work/good.toml" >"$work/old.toml"
schema_version() { python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT MAX(version) FROM schema_version").fetchone()[0])' "$1"; }
python3 - "$(dirname "$0")/../../db/migrations" "$work/old/state.db" <<'PY'
import pathlib, sqlite3, sys
db = sqlite3.connect(sys.argv[2])
for sql in sorted(pathlib.Path(sys.argv[1]).glob("*.sql"))[:-1]:  # all but the newest
    db.executescript(sql.read_text())
    db.execute("INSERT INTO schema_version (version) VALUES (?)", (int(sql.name.split("_")[0]),))
    db.commit()
PY
old_version=$(schema_version "$work/old/state.db")
expect 3 "^danekeeper: state database $work/old/state.db: schema version $old_version, .* migrates it" \
    -- --config "$work/old.toml" rollover check mx
if [[ $(schema_version "$work/old/state.db") != "$old_version" ]]; then
    echo "FAIL: rollover check migrated $work/old/state.db"
    failures=$((failures + 1))
fi
# --nagios: a check that cannot run is the plugin API's UNKNOWN (3) with an "UNKNOWN - " line on
# stdout, never CRITICAL (2): bad options, bad arguments, a bad configuration, in every verb
# that takes --nagios.
expect 3 "^DANEKEEPER UNKNOWN - status: .*bogus" -- status --nagios --bogus
expect 3 "^DANEKEEPER UNKNOWN - usage: danekeeper status" -- status --nagios one two
expect 3 "^DANEKEEPER UNKNOWN - .*/nonexistent" -- --config /nonexistent status --nagios
expect 3 "^DANEKEEPER UNKNOWN - --config needs a file" -- status --nagios --config
expect 3 "^DANEKEEPER UNKNOWN - .*fifo.toml: not a regular file" -- --config "$work/fifo.toml" status --nagios
expect 3 "^DANE UNKNOWN - check: .*bogus" -- check --nagios --bogus example.net
expect 3 "^DANE UNKNOWN - usage: danekeeper check DOMAIN" -- check --nagios
expect 3 "^DANE UNKNOWN - 'bad!name' is not a domain name" -- check --nagios 'bad!name'
expect 3 "^DANE UNKNOWN - --port: 1..65535" -- check --nagios --port 0 example.net
expect 3 "^DANE UNKNOWN - check: --timeout: " -- check --nagios --timeout ten example.net
expect 3 "^DANE UNKNOWN - --resolver" -- check --nagios --resolver nonsense:x example.net
expect 3 "^DANE UNKNOWN - .*/nonexistent" -- --config /nonexistent check --nagios example.net
expect 3 "^DANE-AUDIT UNKNOWN - audit: .*bogus" -- audit --nagios --bogus
expect 3 "^DANE-AUDIT UNKNOWN - audit: unexpected argument 'extra'" -- audit --nagios extra
expect 3 "^DANE-AUDIT UNKNOWN - .*/nonexistent" -- --config /nonexistent audit --nagios
# Without --nagios the same mistakes keep their documented codes.
expect 2 "^danekeeper: status: .*bogus" -- status --bogus
expect 2 "^danekeeper: audit: unexpected argument 'extra'" -- audit extra

# Read-only verbs change nothing: with a signed-file zone whose keys_dir holds no key yet,
# `tlsrpt record` and `audit` say what is served and make no key and no directory.
mkdir -m 700 "$work/ro" "$work/ro/keys" "$work/ro/state"
printf '$TTL 300\n@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n  NS ns1\nns1 A 192.0.2.1\n' >"$work/ro/unsigned.zone"
cat >"$work/ro/dk.toml" <<EOF
state_dir = "$work/ro/state"
[tlsrpt]
rua = ["mailto:tlsrpt@example.net"]
[[zone]]
name = "example.net"
publisher = "signed-file"
unsigned_file = "$work/ro/unsigned.zone"
signed_file = "$work/ro/signed.zone"
keys_dir = "$work/ro/keys"
authoritative = ["127.0.0.1:53"]
EOF
chmod 644 "$work/ro/dk.toml"
expect 3 "no signing key" -- --config "$work/ro/dk.toml" tlsrpt record
expect 1 "tlsrpt-record.*no signing key" -- --config "$work/ro/dk.toml" audit
leftover=$(find "$work/ro/keys" "$work/ro/state" -mindepth 1 ! -name 'state.db*')
if [[ -n $leftover ]]; then
    echo "FAIL: tlsrpt record or audit made files: $leftover"
    failures=$((failures + 1))
fi

if [[ -e $work/state/state.db ]]; then
    echo "FAIL: status, log or rollover check or start created $work/state/state.db"
    failures=$((failures + 1))
fi
exit $((failures > 0))
