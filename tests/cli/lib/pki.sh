# Sourced by tests after they set $tmp: P-256 keys, CAs and leaf certificates made with openssl.
pki_key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1" 2>/dev/null; }
pki_ca() {  # pki_ca NAME CN: $tmp/NAME.pem and .key, self-signed
    pki_key "$tmp/$1.key"
    openssl req -x509 -new -key "$tmp/$1.key" -subj "/CN=$2" -days 30 -out "$tmp/$1.pem" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}
pki_leaf() {  # pki_leaf NAME SUBJECT CA [EXTRA-EXTENSION-LINES]: $tmp/NAME.pem and .key, issued by $tmp/CA
    pki_key "$tmp/$1.key"
    openssl req -new -key "$tmp/$1.key" -subj "$2" -out "$tmp/$1.csr" 2>/dev/null
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n%s\n' "${4:-}" >"$tmp/$1.ext"
    openssl x509 -req -in "$tmp/$1.csr" -CA "$tmp/$3.pem" -CAkey "$tmp/$3.key" -CAcreateserial -days 10 \
        -extfile "$tmp/$1.ext" -out "$tmp/$1.pem" 2>/dev/null
}
# wait_listening PID LOG: until LOG says "listening on"; prints the origin (scheme://host:port).
wait_listening() {
    local i
    for i in $(seq 150); do
        grep -q "listening on" "$2" 2>/dev/null && break
        kill -0 "$1" 2>/dev/null || { echo "FAIL: server did not start" >&2; cat "$2" >&2; return 1; }
        sleep 0.1
    done
    sed -n 's/.*listening on \(https\{0,1\}:\/\/[^ /]*\).*/\1/p' "$2" | head -1
}
# brski_pki: the two sides of a BRSKI test. The manufacturer: its IDevID CA (mfg), the MASA's
# voucher signer (masa) and TLS certificate (masa-tls). The domain: its CA (domain) and the
# registrar's certificate (registrar: TLS server and id-kp-cmcRA for voucher-requests), with
# registrar-chain.pem holding it and the domain CA.
brski_pki() {
    pki_ca mfg "Acme manufacturer CA"
    pki_leaf masa "/CN=Acme MASA" mfg
    pki_leaf masa-tls "/CN=localhost" mfg "subjectAltName=IP:127.0.0.1
extendedKeyUsage=serverAuth"
    pki_ca domain "Example domain CA"
    pki_leaf registrar "/CN=registrar.example" domain "subjectAltName=IP:127.0.0.1
extendedKeyUsage=serverAuth,1.3.6.1.5.5.7.3.28"
    cat "$tmp/registrar.pem" "$tmp/domain.pem" >"$tmp/registrar-chain.pem"
}
