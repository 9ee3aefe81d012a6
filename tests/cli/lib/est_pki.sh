# Sourced by the EST tests (after $tmp is set): a PKI made with openssl in $tmp and a registrar.
#   domain-ca.pem/.key   the registrar's CA, issuing LDevIDs into $tmp/db/index.txt
#   tls.pem/.key         the registrar's TLS certificate (localhost, 127.0.0.1), from tls-ca.pem
#   vendor.pem/.key      IDevID CA (--client-ca); idevid.pem/.key: serialNumber JADA-0001
#   other-ca.pem/.key    an unrelated CA; stranger.pem/.key: a client certificate from it
#   users                alice / secret (openssl passwd -6)
source "$IOTOPS_SRC/tests/cli/lib/pki.sh"
pki_ca domain-ca "EST test domain CA"
pki_ca tls-ca "EST test TLS CA"
pki_ca vendor "EST test vendor CA"
pki_ca other-ca "EST test unrelated CA"
pki_leaf tls "/CN=localhost" tls-ca "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth"
pki_leaf idevid "/CN=pledge/serialNumber=JADA-0001" vendor
pki_leaf stranger "/CN=pledge/serialNumber=JADA-0001" other-ca
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
    url=$(wait_listening "$reg_pid" "$tmp/registrar.log") || exit 1
}
stop_registrar() { [[ -n $reg_pid ]] && kill "$reg_pid" 2>/dev/null && wait "$reg_pid" 2>/dev/null; reg_pid=; true; }
