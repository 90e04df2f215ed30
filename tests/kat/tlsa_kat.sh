#!/bin/bash
# Known-answer test: `danekeeper tlsa` gives byte-identical RDATA to the openssl command line and
# to hash-slinger's `tlsa --create`, for every key type and every selector/matching type, from
# the certificate and (selector 1) from the private and the public key.
# Usage: tlsa_kat.sh DANEKEEPER_BIN
set -euo pipefail
dk=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
check() {  # check WHAT EXPECTED GOT
    if [[ ${2,,} == "${3,,}" && -n $2 ]]; then
        echo "ok: $1"
    else
        echo "FAIL: $1: expected '$2' got '$3'"
        failures=$((failures + 1))
    fi
}
digest() {  # digest MTYPE < DER
    case $1 in
    0) od -An -v -tx1 | tr -d ' \n' ;;
    1) openssl dgst -sha256 -binary | od -An -v -tx1 | tr -d ' \n' ;;
    2) openssl dgst -sha512 -binary | od -An -v -tx1 | tr -d ' \n' ;;
    esac
}
declare -A keygen=(
    [rsa2048]="-algorithm RSA -pkeyopt rsa_keygen_bits:2048"
    [rsa3072]="-algorithm RSA -pkeyopt rsa_keygen_bits:3072"
    [rsa4096]="-algorithm RSA -pkeyopt rsa_keygen_bits:4096"
    [p256]="-algorithm EC -pkeyopt ec_paramgen_curve:P-256"
    [p384]="-algorithm EC -pkeyopt ec_paramgen_curve:P-384"
    [ed25519]="-algorithm ED25519")
for type in "${!keygen[@]}"; do
    # shellcheck disable=SC2086
    openssl genpkey ${keygen[$type]} -out "$work/$type.key" 2>/dev/null
    openssl req -new -x509 -key "$work/$type.key" -subj "/CN=mx.example.net" -days 30 -out "$work/$type.pem" 2>/dev/null
    openssl pkey -in "$work/$type.key" -pubout -out "$work/$type.pub"
    openssl x509 -in "$work/$type.pem" -outform DER -out "$work/$type.der"
    for selector in 0 1; do
        for mtype in 0 1 2; do
            if [[ $selector == 0 ]]; then
                want=$(digest $mtype <"$work/$type.der")
            else
                want=$(openssl x509 -in "$work/$type.pem" -noout -pubkey | openssl pkey -pubin -outform DER | digest $mtype)
            fi
            got=$("$dk" tlsa "$work/$type.pem" --selector $selector --mtype $mtype | awk '{print $4}')
            check "$type 3 $selector $mtype (certificate) vs openssl" "$want" "$got"
            got=$("$dk" tlsa "$work/$type.der" --selector $selector --mtype $mtype | awk '{print $4}')
            check "$type 3 $selector $mtype (DER certificate) vs openssl" "$want" "$got"
            hs=$(tlsa --create --usage 3 --selector $selector --mtype $mtype --certificate "$work/$type.pem" \
                --port 25 mx.example.net 2>/dev/null | awk '/TLSA/ {print $NF}')
            check "$type 3 $selector $mtype vs hash-slinger" "$hs" "$got"
            if [[ $selector == 1 ]]; then
                got=$("$dk" tlsa "$work/$type.key" --selector 1 --mtype $mtype | awk '{print $4}')
                check "$type 3 1 $mtype (private key)" "$want" "$got"
                got=$("$dk" tlsa "$work/$type.pub" --selector 1 --mtype $mtype | awk '{print $4}')
                check "$type 3 1 $mtype (public key)" "$want" "$got"
            fi
        done
    done
done
line=$("$dk" tlsa "$work/p256.pem" --host mx1.example.net --port 465 --ttl 300)
[[ $line == "_465._tcp.mx1.example.net. 300 IN TLSA 3 1 1 "* ]] && echo "ok: zone-file line" || { echo "FAIL: zone-file line: $line"; failures=$((failures + 1)); }
mnemonic=$("$dk" tlsa "$work/p256.pem" --usage DANE-EE --selector SPKI --mtype SHA2-256)
[[ $mnemonic == "$("$dk" tlsa "$work/p256.pem")" ]] && echo "ok: RFC 7218 mnemonics" || { echo "FAIL: mnemonics"; failures=$((failures + 1)); }
echo "$failures failures"
exit $((failures > 0))
