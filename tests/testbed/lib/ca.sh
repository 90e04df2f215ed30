# The testbed's own CA and the MX (and Pebble HTTPS) certificates it issues.

make_ca() {
    local ca=$DIR/ca
    mkdir -p "$ca"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 30 \
        -subj "/CN=danekeeper testbed CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -keyout "$ca/ca.key" -out "$ca/ca.pem" 2>/dev/null
    chmod 600 "$ca/ca.key"
}

# issue_leaf PREFIX SAN [ec|rsa]: PREFIX.key, PREFIX.pem (leaf), PREFIX.chain.pem (leaf + CA) and
# PREFIX.postfix.pem (key, leaf, CA: Postfix's smtpd_tls_chain_files order). The key is ECDSA
# P-256, or RSA 2048 with `rsa`.
issue_leaf() {
    local prefix=$1 san=$2 kind=${3:-ec} ext
    ext=$(mktemp)
    printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "$san" >"$ext"
    if [[ $kind == rsa ]]; then
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$prefix.key" 2>/dev/null
    else
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$prefix.key" 2>/dev/null
    fi
    chmod 600 "$prefix.key"
    openssl req -new -key "$prefix.key" -subj "/CN=${san#*:}" -out "$prefix.csr" 2>/dev/null
    openssl x509 -req -in "$prefix.csr" -CA "$DIR/ca/ca.pem" -CAkey "$DIR/ca/ca.key" \
        -CAcreateserial -CAserial "$DIR/ca/serial" -days 30 -sha256 -extfile "$ext" \
        -out "$prefix.pem" 2>/dev/null
    rm -f "$ext" "$prefix.csr"
    cat "$prefix.pem" "$DIR/ca/ca.pem" >"$prefix.chain.pem"
    cat "$prefix.key" "$prefix.pem" "$DIR/ca/ca.pem" >"$prefix.postfix.pem"
    chmod 600 "$prefix.postfix.pem"
}
