#!/bin/bash
# Bad certificate/key input: one line on stderr naming the file and the problem, exit 2, nothing
# written. Usage: bad_input.sh DANEKEEPER_BIN
set -uo pipefail
dk=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
expect() {  # expect FILE PATTERN
    local out rc lines
    out=$("$dk" tlsa "$1" 2>&1 >/dev/null)
    rc=$?
    lines=$(printf '%s\n' "$out" | wc -l)
    if [[ $rc -eq 2 && $lines -eq 1 && $out == *"$1"* && $out =~ $2 ]]; then
        echo "ok: $(basename "$1"): $out"
    else
        echo "FAIL: $(basename "$1"): rc=$rc lines=$lines: $out"
        failures=$((failures + 1))
    fi
}
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/key.pem" 2>/dev/null
openssl req -new -x509 -key "$work/key.pem" -subj "/CN=a" -days 1 -out "$work/cert.pem" 2>/dev/null
: >"$work/empty.pem"
head -c 300 "$work/cert.pem" >"$work/truncated.pem"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes256 -pass pass:secret -out "$work/encrypted.pem" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$work/rsa1024.pem" 2>/dev/null
openssl dsaparam -genkey -out "$work/dsa.pem" 2048 2>/dev/null || openssl genpkey -genparam -algorithm DSA -out "$work/dsa.pem" 2>/dev/null
head -c 10485760 /dev/zero >"$work/big.pem"
printf 'hello\n' >"$work/garbage.pem"
openssl req -new -x509 -key "$work/key.pem" -subj "/CN=b" -days 1 -out "$work/other.pem" 2>/dev/null
# a "chain" whose second certificate did not issue the first
cat "$work/cert.pem" "$work/other.pem" >"$work/disordered.pem"
expect "$work/empty.pem" "empty file"
expect "$work/truncated.pem" "truncated"
expect "$work/encrypted.pem" "encrypted"
expect "$work/rsa1024.pem" "too short"
expect "$work/dsa.pem" "unsupported|no certificate or key|PEM"
expect "$work/big.pem" "too large"
expect "$work/garbage.pem" "neither PEM nor"
expect "$work/disordered.pem" "out of order"
expect "$work/missing.pem" "cannot open"
out=$("$dk" tlsa "$work/key.pem" --selector 0 2>&1)
[[ $? -eq 2 && $out == *"--selector 1"* ]] && echo "ok: key with selector 0 refused" || { echo "FAIL: key with selector 0: $out"; failures=$((failures + 1)); }
[[ $(find "$work" -newer "$work/disordered.pem" -type f | wc -l) -eq 0 ]] && echo "ok: nothing written" || { echo "FAIL: files were written"; failures=$((failures + 1)); }
echo "$failures failures"
exit $((failures > 0))
