# Sourced by the EST tests (after $tmp is set): a PKI made with openssl in $tmp and a registrar.
#   domain-ca.pem/.key   the registrar's CA, issuing LDevIDs into $tmp/db/index.txt
#   tls.pem/.key         the registrar's TLS certificate (localhost, 127.0.0.1), from tls-ca.pem
#   vendor.pem/.key      IDevID CA (--client-ca); idevid.pem/.key: serialNumber JADA-0001
#   other-ca.pem/.key    an unrelated CA; stranger.pem/.key: a client certificate from it
#   users                alice / secret (openssl passwd -6)
est_key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1" 2>/dev/null; }
est_ca() {  # est_ca NAME CN
    est_key "$tmp/$1.key"
    openssl req -x509 -new -key "$tmp/$1.key" -subj "/CN=$2" -days 30 -out "$tmp/$1.pem" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}
est_leaf() {  # est_leaf NAME SUBJECT CA [EXTRA-EXT-LINES]
    est_key "$tmp/$1.key"
    openssl req -new -key "$tmp/$1.key" -subj "$2" -out "$tmp/$1.csr" 2>/dev/null
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n%s\n' "${4:-}" >"$tmp/$1.ext"
    openssl x509 -req -in "$tmp/$1.csr" -CA "$tmp/$3.pem" -CAkey "$tmp/$3.key" -CAcreateserial -days 10 \
        -extfile "$tmp/$1.ext" -out "$tmp/$1.pem" 2>/dev/null
}
est_ca domain-ca "EST test domain CA"
est_ca tls-ca "EST test TLS CA"
est_ca vendor "EST test vendor CA"
est_ca other-ca "EST test unrelated CA"
est_leaf tls "/CN=localhost" tls-ca "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth"
est_leaf idevid "/CN=pledge/serialNumber=JADA-0001" vendor
est_leaf stranger "/CN=pledge/serialNumber=JADA-0001" other-ca
printf 'alice:%s\n' "$(printf secret | openssl passwd -6 -stdin)" >"$tmp/users"
mkdir -p "$tmp/db"

enroll="$IOTOPS_BIN/iot-enroll"
reg_pid=
# start_registrar [extra options...]: runs a registrar on a free port; sets $url and $reg_pid.
start_registrar() {
    "$enroll" registrar serve --tls-cert "$tmp/tls.pem" --tls-key "$tmp/tls.key" \
        --ca-cert "$tmp/domain-ca.pem" --ca-key "$tmp/domain-ca.key" --db "$tmp/db/index.txt" \
        --client-ca "$tmp/vendor.pem" --users "$tmp/users" --audit-log "$tmp/audit.ndjson" --port 0 "$@" \
        2>"$tmp/registrar.log" &
    reg_pid=$!
    local i
    for i in $(seq 100); do
        grep -q "listening on" "$tmp/registrar.log" 2>/dev/null && break
        kill -0 "$reg_pid" 2>/dev/null || { echo "FAIL: registrar did not start"; cat "$tmp/registrar.log"; exit 1; }
        sleep 0.1
    done
    grep -q "listening on" "$tmp/registrar.log" || { echo "FAIL: registrar not listening"; cat "$tmp/registrar.log"; exit 1; }
    url=$(sed -n 's/.*listening on \(https:[^ ]*[0-9]\)\/.*/\1/p' "$tmp/registrar.log" | head -1)
}
stop_registrar() { [[ -n $reg_pid ]] && kill "$reg_pid" 2>/dev/null && wait "$reg_pid" 2>/dev/null; reg_pid=; true; }
