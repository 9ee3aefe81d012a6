#!/usr/bin/env bash
# iot-suit apply fetches payloads over http: and https: from a python3 server on 127.0.0.1 (free
# port, self-signed certificate made by openssl): it installs with --https-ca, and refuses (device
# unchanged) without it or when the server answers 404.
set -euo pipefail
: "${IOTOPS_BIN:?}" "${IOTOPS_VECTORS:?}" "${IOTOPS_SRC:?}"
source "$IOTOPS_SRC/tests/cli/lib/servers.sh"
cd "$tmp"
suit="$IOTOPS_BIN/iot-suit"
v="$IOTOPS_VECTORS/suit/manifest-spec"
VENDOR=fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe
CLASS=1492af14-2569-5e48-bf42-9b2d51f2ab45
make() { /usr/bin/python3 "$IOTOPS_SRC/tests/cli/support/suit_manifest.py" --key "$v/private_key.pem" "$@"; }

mkdir www && head -c 20000 /dev/urandom >www/fw.bin
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout srv.key -out srv.crt -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
serve() {  # serve PORTFILE [tls]: a file server on 127.0.0.1, port 0, gone after 60 s
    /usr/bin/python3 - "$@" <<'PY' &
import functools, http.server, ssl, sys, threading
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory="www")
handler.log_message = lambda *a: None
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
if len(sys.argv) > 2:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain("srv.crt", "srv.key")
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
open(sys.argv[1], "w").write(str(srv.server_address[1]))
threading.Timer(60, srv.shutdown).start()
srv.serve_forever()
PY
    pids+=($!)
    for _ in $(seq 50); do [[ -s $1 ]] && return 0; sleep 0.1; done
    echo "FAIL: server did not start"; exit 1
}
serve http.port
serve https.port tls
HTTP=$(cat http.port) HTTPS=$(cat https.port)

"$suit" device-init dev --vendor-id $VENDOR --class-id $CLASS --trust "$v/public_key.pem" 2>/dev/null
make --mode file --seq 1 --vendor $VENDOR --class $CLASS --image www/fw.bin --uri "http://127.0.0.1:$HTTP/fw.bin" --out h.suit
"$suit" apply --device dev h.suit >/dev/null
cmp www/fw.bin dev/components/00
echo "ok: http fetch installs"

make --mode file --seq 2 --vendor $VENDOR --class $CLASS --image www/fw.bin --uri "https://127.0.0.1:$HTTPS/fw.bin" --out s.suit
before=$(find dev -type f -exec sha256sum {} + | sort | sha256sum)
set +e; "$suit" apply --device dev s.suit >/dev/null 2>err; rc=$?; set -e
[[ $rc -eq 1 ]] && grep -q "apply refused: fetch: https://127.0.0.1:$HTTPS/fw.bin" err || { echo "FAIL: untrusted https ($rc)"; cat err; exit 1; }
[[ "$(find dev -type f -exec sha256sum {} + | sort | sha256sum)" == "$before" ]] || { echo "FAIL: device changed"; exit 1; }
"$suit" apply --device dev --https-ca srv.crt s.suit >/dev/null
grep -q '"sequence-number": 2' dev/device.json
echo "ok: https fetch refuses an untrusted server and installs with --https-ca"

make --mode file --seq 3 --vendor $VENDOR --class $CLASS --image www/fw.bin --uri "http://127.0.0.1:$HTTP/none.bin" --out n.suit
set +e; "$suit" apply --device dev n.suit >/dev/null 2>err; rc=$?; set -e
[[ $rc -eq 1 ]] && grep -q "HTTP status 404" err || { echo "FAIL: 404 ($rc)"; cat err; exit 1; }
echo "ok: a 404 refuses"
