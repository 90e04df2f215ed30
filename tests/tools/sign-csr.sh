#!/bin/bash
# A certificate source for the testbed and the demo: signs a CSR with the testbed's CA, the way
# an operator's own `issue_command` would ask a CA. Usage:
#   sign-csr.sh CA_CERT CA_KEY CSR_FILE CHAIN_OUT [DAYS]
# Writes the leaf followed by the CA certificate to CHAIN_OUT. Exit 0 on success.
set -euo pipefail
ca_cert=$1 ca_key=$2 csr=$3 chain_out=$4 days=${5:-90}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Copy the SANs the CSR asks for into the certificate.
sans=$(openssl req -in "$csr" -noout -text | sed -n '/Subject Alternative Name/{n;s/^ *//;s/, /,/g;p}')
if [[ -z $sans ]]; then
    echo "sign-csr: $csr carries no subjectAltName" >&2
    exit 1
fi
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "$sans" >"$work/ext.cnf"
openssl x509 -req -in "$csr" -CA "$ca_cert" -CAkey "$ca_key" -CAcreateserial -CAserial "$work/serial" \
    -days "$days" -sha256 -extfile "$work/ext.cnf" -out "$work/leaf.pem" 2>"$work/err" || {
    cat "$work/err" >&2
    exit 1
}
cat "$work/leaf.pem" "$ca_cert" >"$work/chain.pem"
mv "$work/chain.pem" "$chain_out"
