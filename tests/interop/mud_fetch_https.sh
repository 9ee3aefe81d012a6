#!/usr/bin/env bash
# iot-mud fetch against a local python3 HTTPS server: the file and its signature are fetched with
# Accept: application/mud+json, verified against explicit trust anchors and cached; the cache is
# used while cache-validity lasts; a tampered file, a missing signature, an untrusted server and a
# foreign MUD URL fail.
set -euo pipefail
: "${IOTOPS_BIN:?}" "${IOTOPS_SRC:?}" "${IOTOPS_BUILD:?}"
tmp=$(mktemp -d)
. "$IOTOPS_SRC/tests/cli/lib/expect.sh"
pid=
cleanup() { [[ -z $pid ]] || kill "$pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
mud="$IOTOPS_BIN/iot-mud"

mkdir "$tmp/www" "$tmp/pki"
"$IOTOPS_BUILD/drivers/driver_mud_pki" "$tmp/pki"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/tls.key" -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1" -days 1 -out "$tmp/tls.pem" 2>/dev/null
/usr/bin/python3 "$IOTOPS_SRC/tests/interop/https/serve.py" "$tmp/www" "$tmp/tls.pem" "$tmp/tls.key" "$tmp/requests.log" >"$tmp/port" &
pid=$!
for i in $(seq 50); do [[ -s "$tmp/port" ]] && break; sleep 0.1; done
port=$(cat "$tmp/port")
url="https://127.0.0.1:$port/things/thermostat.json"
mkdir "$tmp/www/things"
printf 'mud-url: %s\ncache-validity: 1\nallow:\n  - dns: cloud.things.example.com\n    protocol: tcp\n    port: 443\n' "$url" >"$tmp/d.yaml"
"$mud" create "$tmp/d.yaml" -o "$tmp/www/things/thermostat.json"
"$mud" sign --key "$tmp/pki/signer.key" --cert "$tmp/pki/signer.pem" "$tmp/www/things/thermostat.json" -o "$tmp/www/things/thermostat.p7s"

expect 0 -- "$mud" fetch --tls-ca "$tmp/tls.pem" --ca "$tmp/pki/ca.pem" --device-cert "$tmp/pki/device.pem" --cache "$tmp/cache" "$url" -o "$tmp/got.json"
cmp "$tmp/got.json" "$tmp/www/things/thermostat.json"
grep -q "fetched, signature https://127.0.0.1:$port/things/thermostat.p7s verified" "$tmp/err"
grep -qx "/things/thermostat.json application/mud+json" "$tmp/requests.log"
grep -qx "/things/thermostat.p7s application/pkcs7-signature" "$tmp/requests.log"
echo "ok: fetched with Accept: application/mud+json, signature found and verified"

# within cache-validity the cache answers, even with the server's file changed
n=$(wc -l <"$tmp/requests.log")
sed -i 's/"cache-validity": 1/"cache-validity": 2/' "$tmp/www/things/thermostat.json"
expect 0 -- "$mud" fetch --tls-ca "$tmp/tls.pem" --ca "$tmp/pki/ca.pem" --cache "$tmp/cache" "$url"
grep -q "from cache" "$tmp/err"
[[ $(wc -l <"$tmp/requests.log") -eq $n ]] || { echo "FAIL: the cache did not answer"; exit 1; }
# once it runs out, the server is asked again, and the changed file no longer matches its signature
for f in "$tmp"/cache/*.fetched; do printf '2020-01-01T00:00:00Z' >"$f"; done
expect 1 -- "$mud" fetch --tls-ca "$tmp/tls.pem" --ca "$tmp/pki/ca.pem" --cache "$tmp/cache" "$url" -o "$tmp/bad.json"
grep -q "^iot-mud: error: fetch: the signature .* does not verify: signature:" "$tmp/err"
[[ ! -e "$tmp/bad.json" ]] || { echo "FAIL: output left behind"; exit 1; }
echo "ok: cache-validity honoured; a tampered file fails"

# a signature that is not there
"$mud" create "$tmp/d.yaml" -o "$tmp/www/things/thermostat.json"
rm "$tmp/www/things/thermostat.p7s"
expect 76 -- "$mud" fetch --tls-ca "$tmp/tls.pem" --ca "$tmp/pki/ca.pem" "$url"
grep -q "thermostat.p7s: HTTP status 404" "$tmp/err"
# a server certificate that is not trusted
expect 69 -- "$mud" fetch --tls-ca "$tmp/pki/ca.pem" --ca "$tmp/pki/ca.pem" "$url"
grep -q "^iot-mud: error: fetch: $url" "$tmp/err"
# a file that names another MUD URL
"$mud" sign --key "$tmp/pki/signer.key" --cert "$tmp/pki/signer.pem" "$tmp/www/things/thermostat.json" -o "$tmp/www/things/thermostat.p7s"
cp "$tmp/www/things/thermostat.json" "$tmp/www/things/other.json"
expect 1 -- "$mud" fetch --tls-ca "$tmp/tls.pem" --ca "$tmp/pki/ca.pem" "https://127.0.0.1:$port/things/other.json"
grep -q "is not the URL fetched" "$tmp/err"
# http is refused before any connection
expect 65 -- "$mud" fetch --ca "$tmp/pki/ca.pem" "http://127.0.0.1:$port/things/thermostat.json"
grep -q "does not use https" "$tmp/err"
# the right file again verifies
expect 0 -- "$mud" fetch --tls-ca "$tmp/tls.pem" --ca "$tmp/pki/ca.pem" "$url"
echo "ok: 4 failures: missing signature 76, untrusted server 69, foreign URL 1, http 65"
