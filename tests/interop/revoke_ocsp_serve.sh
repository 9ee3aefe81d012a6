#!/usr/bin/env bash
# iot-revoke ocsp serve answers `openssl ocsp` (good/revoked/unknown, with and without nonce, a
# delegated responder with OCSPSigning and ocsp-nocheck, two issuers), GET with RFC 5019 caching
# headers, sees database changes, and refuses garbage, unknown issuers and nonces over 128 octets.
set -euo pipefail
tmp=$(mktemp -d)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
source "$(dirname "$0")/lib/revoke_ca.bash"
ca="$tmp/ca"; ca2="$tmp/ca2"
make_ca "$ca"; make_ca "$ca2" "Second CA"
printf '\n[ ocspnc ]\nbasicConstraints = CA:FALSE\nkeyUsage = digitalSignature\nextendedKeyUsage = OCSPSigning\nnoCheck = ignored\n' >>"$ca/ca.cnf"
issue "$ca" good "/CN=good"; issue "$ca" bad "/CN=bad"; issue "$ca" later "/CN=later"
issue "$ca" resp "/CN=OCSP responder" ocspnc
issue "$ca2" other "/CN=other"; issue "$ca2" other2 "/CN=other2"
"$revoke" revoke --db "$ca/index.txt" --cert "$ca/bad.crt" --reason keyCompromise >/dev/null
"$revoke" revoke --db "$ca2/index.txt" --cert "$ca2/other2.crt" --reason superseded >/dev/null
make_ca "$tmp/stranger" "Stranger CA"; issue "$tmp/stranger" x "/CN=x"

"$revoke" ocsp serve --ca "$ca/ca.crt" --db "$ca/index.txt" --rsigner "$ca/resp.crt" --rkey "$ca/resp.key" \
    --ca "$ca2/ca.crt" --db "$ca2/index.txt" --rsigner "$ca2/ca.crt" --rkey "$ca2/ca.key" \
    --port 0 --validity 10m 2>"$tmp/serve.log" &
pid=$!
wait_log "$tmp/serve.log" "listening on"
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$tmp/serve.log")

ask() {  # ask CADIR CERT [openssl ocsp options...]
    local d=$1 c=$2; shift 2
    openssl ocsp -issuer "$d/ca.crt" -cert "$c" -url "$url" -CAfile "$d/ca.crt" "$@" 2>&1
}
out=$(ask "$ca" "$ca/good.crt"); grep -q "good.crt: good" <<<"$out" && grep -q "Response verify OK" <<<"$out" || { echo "FAIL: good: $out"; exit 1; }
out=$(ask "$ca" "$ca/bad.crt"); grep -q "bad.crt: revoked" <<<"$out" && grep -q "Reason: keyCompromise" <<<"$out" || { echo "FAIL: bad: $out"; exit 1; }
out=$(ask "$ca" "$ca/good.crt" -no_nonce); grep -q "good.crt: good" <<<"$out" && ! grep -qi "nonce" <<<"$out" || { echo "FAIL: no nonce: $out"; exit 1; }
out=$(ask "$ca" "$ca/bad.crt" -no_nonce); grep -q "bad.crt: revoked" <<<"$out" || { echo "FAIL: bad no nonce: $out"; exit 1; }
out=$(ask "$ca" "$ca/good.crt" -resp_text); grep -q "OCSP No Check" <<<"$out" && grep -q "OCSP Nonce" <<<"$out" || { echo "FAIL: delegated responder / nonce: $out"; exit 1; }
echo "ok: openssl ocsp gets good and revoked, with and without nonce, from a delegated responder"

out=$(ask "$ca2" "$ca2/other.crt"); grep -q "other.crt: good" <<<"$out" || { echo "FAIL: issuer 2: $out"; exit 1; }
out=$(ask "$ca2" "$ca2/other2.crt"); grep -q "other2.crt: revoked" <<<"$out" || { echo "FAIL: issuer 2 revoked: $out"; exit 1; }
echo "ok: a second issuer with its own database and key"

# The database changes while serving (the cached nonce-less answer is dropped).
out=$(ask "$ca" "$ca/later.crt" -no_nonce); grep -q "later.crt: good" <<<"$out" || { echo "FAIL: later: $out"; exit 1; }
"$revoke" revoke --db "$ca/index.txt" --cert "$ca/later.crt" --reason cessationOfOperation >/dev/null
out=$(ask "$ca" "$ca/later.crt" -no_nonce); grep -q "later.crt: revoked" <<<"$out" || { echo "FAIL: change not seen: $out"; exit 1; }
echo "ok: a revocation made while serving is answered at once"

# unknown serial: a certificate of this CA's name that the database never saw
openssl x509 -in "$ca/good.crt" -noout >/dev/null
openssl ocsp -issuer "$ca/ca.crt" -serial 0xDEADBEEF -url "$url" -CAfile "$ca/ca.crt" >"$tmp/o" 2>&1
grep -q "0xDEADBEEF: unknown" "$tmp/o" || { echo "FAIL: unknown serial"; cat "$tmp/o"; exit 1; }
echo "ok: unknown serial answered unknown"

# GET with RFC 5019 caching headers
openssl ocsp -issuer "$ca/ca.crt" -cert "$ca/good.crt" -no_nonce -reqout "$tmp/req.der" >/dev/null 2>&1
b64=$(base64 -w0 "$tmp/req.der" | sed 's/+/%2B/g; s/\//%2F/g; s/=/%3D/g')
curl -s -D "$tmp/h" -o "$tmp/get.der" "$url$b64"
grep -qi "^cache-control: max-age=[0-9]*, public, no-transform, must-revalidate" "$tmp/h" && grep -qi "^etag:" "$tmp/h" &&
    grep -qi "^last-modified:" "$tmp/h" && grep -qi "^expires:" "$tmp/h" || { echo "FAIL: GET headers"; cat "$tmp/h"; exit 1; }
openssl ocsp -respin "$tmp/get.der" -issuer "$ca/ca.crt" -cert "$ca/good.crt" -CAfile "$ca/ca.crt" 2>&1 | grep -q "good.crt: good" ||
    { echo "FAIL: GET response"; exit 1; }
echo "ok: GET answered with Cache-Control, ETag, Last-Modified, Expires"

# Bad requests: OCSP error responses (HTTP 200, RFC 6960 status)
post() { curl -s -o "$tmp/r.der" -H 'Content-Type: application/ocsp-request' --data-binary "@$1" "$url"; xxd -p "$tmp/r.der"; }
printf 'garbage' >"$tmp/g1"; [[ $(post "$tmp/g1") == 30030a0101 ]] || { echo "FAIL: garbage POST"; exit 1; }
: >"$tmp/g2"; [[ $(post "$tmp/g2") == 30030a0101 ]] || { echo "FAIL: empty POST"; exit 1; }
head -c 300 /dev/urandom >"$tmp/g3"; [[ $(post "$tmp/g3") == 30030a0101 ]] || { echo "FAIL: random POST"; exit 1; }
cat "$tmp/req.der" <(printf 'x') >"$tmp/g4"; [[ $(post "$tmp/g4") == 30030a0101 ]] || { echo "FAIL: trailing byte"; exit 1; }
curl -s -o "$tmp/r.der" "${url}not-base64!!"; [[ $(xxd -p "$tmp/r.der") == 30030a0101 ]] || { echo "FAIL: bad GET"; exit 1; }
echo "ok: garbage, empty, random, trailing-byte POST bodies and a bad GET path -> malformedRequest"
out=$(openssl ocsp -issuer "$tmp/stranger/ca.crt" -cert "$tmp/stranger/x.crt" -url "$url" 2>&1 || true)
grep -q "unauthorized (6)" <<<"$out" || { echo "FAIL: unknown issuer: $out"; exit 1; }
echo "ok: unknown issuer -> unauthorized"

# HTTP itself: a kept-alive connection with pipelined requests, HTTP/1.0, other methods, limits.
port=${url#http://127.0.0.1:}; port=${port%/}
/usr/bin/python3 - "$port" "$tmp/req.der" <<'PY' || { echo "FAIL: HTTP behaviour"; exit 1; }
import socket, sys
port, der = int(sys.argv[1]), open(sys.argv[2], "rb").read()
def exchange(data, until_close=True):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(data)
    out = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        out += chunk
    s.close()
    return out
post = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/ocsp-request\r\nContent-Length: %d\r\n\r\n" % len(der) + der
two = exchange(post + post + b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
assert two.count(b"HTTP/1.1 200 OK\r\n") == 2 and two.count(b"application/ocsp-response") == 2, two[:300]
assert b"HTTP/1.1 404 Not Found" in two and two.endswith(b"base64 OCSP request in the path\n"), two[-200:]
old = exchange(b"POST / HTTP/1.0\r\nContent-Length: %d\r\n\r\n" % len(der) + der)  # closed after one answer
assert old.startswith(b"HTTP/1.1 200 OK\r\n") and b"Connection: close\r\n" in old, old[:200]
put = exchange(b"PUT / HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
assert put.startswith(b"HTTP/1.1 405 ") and b"Allow: GET, POST\r\n" in put, put
big = exchange(b"POST / HTTP/1.1\r\nContent-Length: 70000\r\n\r\n")
assert big.startswith(b"HTTP/1.1 413 ") and b"request body over 65536 bytes" in big, big
bad = exchange(b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03")  # a TLS ClientHello on the plain port
assert bad.startswith(b"HTTP/1.1 400 Bad Request\r\n") and b"malformed HTTP request" in bad, bad
# A client that sends 20000 requests and reads nothing for a second: the answers (18 MB) outgrow
# every socket buffer, the server stops reading until the client drains them, and none is lost.
import threading, time
s = socket.create_connection(("127.0.0.1", port), timeout=10)
sender = threading.Thread(target=s.sendall, args=(post * 19999 + post.replace(b"Host: x", b"Connection: close"),))
sender.start()
time.sleep(1)
many = b""
while chunk := s.recv(1 << 20):
    many += chunk
sender.join()
first = len(many[:many.index(b"HTTP/1.1 200 OK", 1)])  # every answer has this length; the last adds Connection: close
assert many.count(b"HTTP/1.1 200 OK\r\n") == 20000 and len(many) == 20000 * first + len(b"Connection: close\r\n"), len(many)
PY
echo "ok: pipelined requests on one connection, a client that reads 20000 answers only after a second, HTTP/1.0, PUT -> 405, 70000-byte body -> 413, TLS bytes -> 400"

# Nonces: 128 octets are echoed, 129 are malformedRequest (RFC 9654).
for n in 128 129; do
    /usr/bin/python3 - "$ca/good.crt" "$ca/ca.crt" "$n" "$tmp/nonce$n.der" <<'PY'
import sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
cert = x509.load_pem_x509_certificate(open(sys.argv[1], "rb").read())
issuer = x509.load_pem_x509_certificate(open(sys.argv[2], "rb").read())
b = ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA1())
b = b.add_extension(x509.OCSPNonce(b"\x5a" * int(sys.argv[3])), critical=False)
open(sys.argv[4], "wb").write(b.build().public_bytes(serialization.Encoding.DER))
PY
done
[[ $(post "$tmp/nonce129.der") == 30030a0101 ]] || { echo "FAIL: 129-octet nonce accepted"; exit 1; }
post "$tmp/nonce128.der" >/dev/null
/usr/bin/python3 - "$tmp/r.der" <<'PY' || { echo "FAIL: 128-octet nonce"; exit 1; }
import sys
from cryptography import x509
from cryptography.x509 import ocsp
r = ocsp.load_der_ocsp_response(open(sys.argv[1], "rb").read())
assert r.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
assert r.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce == b"\x5a" * 128
assert r.certificate_status == ocsp.OCSPCertStatus.GOOD
PY
echo "ok: a 128-octet nonce is echoed, 129 octets -> malformedRequest"

kill -TERM "$pid"; wait "$pid"; rc=$?; pid=
[[ $rc -eq 0 ]] || { echo "FAIL: server exit $rc after SIGTERM"; exit 1; }
echo "ok: SIGTERM stops the server cleanly"

expect_err 64 "--rkey is required" -- "$revoke" ocsp serve --ca "$ca/ca.crt" --db "$ca/index.txt"
expect_err 64 "does not match" -- "$revoke" ocsp serve --ca "$ca/ca.crt" --db "$ca/index.txt" --rkey "$ca2/ca.key"
expect_err 66 "" -- "$revoke" ocsp serve --ca "$ca/ca.crt" --db "$tmp/none/index.txt" --rkey "$ca/ca.key"
expect_err 64 "" -- "$revoke" ocsp stop --ca "$ca/ca.crt"
echo "ok: bad command lines"
