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
exit $((failures > 0))
