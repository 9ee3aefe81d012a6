#!/usr/bin/env bash
# iot-enroll est over coaps:// (EST-coaps): the options that make no sense there (HTTP basic,
# --retry-max) or only there (--accept, --max-fragment-length, --discover) refused with exit 64
# and one line; an untrusted, a silent and an absent server (69); answers in a format not asked
# for (76). The server is the coap test driver (one EST resource: /crts answering the pkix-cert
# of its own certificate). (The operations are tested against a full fake server in
# tests/unit/est_coaps_client.cpp and against coap-server-openssl in tests/interop/coaps_libcoap.sh.)
set -euo pipefail
source "$IOTOPS_SRC/tests/cli/lib/servers.sh"
source "$IOTOPS_SRC/tests/cli/lib/expect.sh"
source "$IOTOPS_SRC/tests/cli/lib/pki.sh"
enroll="$IOTOPS_BIN/iot-enroll"
driver="$IOTOPS_BUILD/drivers/driver_coap"
fails() {  # fails CODE MESSAGE -- est arguments...
    local code=$1 msg=$2; shift 3
    expect "$code" -- "$enroll" est "$@"
    grep -qF -- "$msg" "$tmp/err" || { echo "FAIL: '$msg' not in: $(cat "$tmp/err")"; exit 1; }
    [[ $(grep -vc "^iot-enroll: hint: " "$tmp/err") -eq 1 && $(grep -c "^iot-enroll: error: " "$tmp/err") -eq 1 ]] ||
        { echo "FAIL: not one error line: $(cat "$tmp/err")"; exit 1; }
    [[ ! -s "$tmp/out" ]] || { echo "FAIL: output on a failure"; exit 1; }
}

pki_ca ca "EST-coaps test CA"
pki_leaf server "/CN=localhost" ca "subjectAltName=IP:127.0.0.1"
pki_leaf device "/CN=device-1/serialNumber=D1" ca
pki_ca other "Another CA"
timeout 60 "$driver" serve "$tmp/server.pem" "$tmp/server.key" 2>"$tmp/serve.log" &
pids+=($!)
for _ in $(seq 100); do grep -q "listening on" "$tmp/serve.log" && break; sleep 0.1; done
url=$(sed -n 's/.*listening on \(coaps:\/\/[^ ]*\).*/\1/p' "$tmp/serve.log")
[[ -n "$url" ]] || { echo "FAIL: driver server did not start"; cat "$tmp/serve.log"; exit 1; }
trust=(--url "$url" --ca-file "$tmp/ca.pem")
me=(--cert "$tmp/device.pem" --key "$tmp/device.key")

# The one thing the driver serves right: its certificate as pkix-cert, with and without a client
# certificate, with max_fragment_length, and found through /.well-known/core first.
expect 0 -- "$enroll" est cacerts "${trust[@]}" --accept 287 -o "$tmp/crts.pem"
cmp -s <(openssl x509 -in "$tmp/crts.pem" -outform DER) <(openssl x509 -in "$tmp/server.pem" -outform DER) ||
    { echo "FAIL: crts is not the server certificate"; exit 1; }
expect 0 -- "$enroll" est cacerts "${trust[@]}" "${me[@]}" --accept pkix-cert --max-fragment-length 512 --discover
grep -q "BEGIN CERTIFICATE" "$tmp/out" || { echo "FAIL: no certificate"; exit 1; }
echo "ok: cacerts over coaps://"

# Answers in a format not asked for: 76.
fails 76 "EST-coaps crts: the answer has content-format 287, not 281 (PKCS#7 certs-only)" -- cacerts "${trust[@]}"
fails 76 "EST-coaps crts: the answer has content-format 287, not 62 (the Accept sent)" -- cacerts "${trust[@]}" --accept 62
fails 76 "EST-coaps sren (/.well-known/est/sren): the server answered 4.04" -- reenroll "${trust[@]}" "${me[@]}"
echo "ok: wrong formats and missing resources"

# Options that do not fit the transport: 64, before any packet is sent.
fails 64 "HTTP basic authentication (--user, --pass) does not exist over coaps://" -- \
    enroll "${trust[@]}" --user alice --pass pass:x --subject CN=a --key-out "$tmp/k"
fails 64 "--retry-max is for https://" -- cacerts "${trust[@]}" --retry-max 2
fails 64 "--accept, --max-fragment-length and --discover are for a coaps:// server" -- \
    cacerts --url https://127.0.0.1:1 --ca-file "$tmp/ca.pem" --accept 281
fails 64 "--accept, --max-fragment-length and --discover are for a coaps:// server" -- \
    cacerts --url https://127.0.0.1:1 --ca-file "$tmp/ca.pem" --discover
fails 64 "est csrattrs: --accept 287 does not apply" -- csrattrs "${trust[@]}" --accept 287
fails 64 "est enroll: --accept 62 does not apply" -- enroll "${trust[@]}" --accept 62 --subject CN=a --key-out "$tmp/k"
fails 64 "--accept: 999 not in" -- cacerts "${trust[@]}" --accept 999
fails 64 "--max-fragment-length needs a client certificate" -- cacerts "${trust[@]}" --max-fragment-length 1024
fails 64 "--max-fragment-length: 4096 not in {512,1024}" -- cacerts "${trust[@]}" "${me[@]}" --max-fragment-length 4096
fails 64 "EST-coaps needs DTLS: coaps://, not coap://" -- cacerts --url coap://127.0.0.1:1 --ca-file "$tmp/ca.pem"
fails 64 "a CoAP server URI has no path" -- cacerts --url "$url/est" --ca-file "$tmp/ca.pem"
fails 64 "--ca-file is required" -- cacerts --url "$url"
[[ ! -e "$tmp/k" ]] || { echo "FAIL: a key file was written"; exit 1; }
echo "ok: options refused"

# Servers that cannot be trusted or reached: 69, with why.
fails 69 "server certificate refused (CN=localhost): unable to get local issuer certificate" -- \
    cacerts --url "$url" --ca-file "$tmp/other.pem"
closed=$(/usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fails 69 "Connection refused" -- cacerts --url "coaps://127.0.0.1:$closed" --ca-file "$tmp/ca.pem"
# A usage error is found before the handshake, so a closed port does not hide it.
fails 64 "est enroll: give --subject or --csr" -- enroll --url "coaps://127.0.0.1:$closed" --ca-file "$tmp/ca.pem"
fails 64 "est serverkeygen: --key-out is required" -- serverkeygen --url "coaps://127.0.0.1:$closed" --ca-file "$tmp/ca.pem" \
    --subject CN=a
echo "ok: unreachable and untrusted servers"
