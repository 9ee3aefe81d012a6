#!/usr/bin/env bash
# iot-enroll est (each verb) against iot-enroll registrar serve: basic and certificate auth,
# renewal and rekey, server key generation, labels, csrattrs, and refusals with exit code and
# message (bad CSRs, missing or wrong credentials, foreign certificates, untrusted or unreachable
# servers, bad answers).
set -euo pipefail
tmp=$(mktemp -d)
cleanup() { stop_registrar; [[ -n ${fake_pid:-} ]] && kill "$fake_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
source "$(dirname "$0")/lib/expect.sh"
source "$(dirname "$0")/lib/est_pki.sh"
start_registrar --label factory --csr-attr 1.2.840.10045.2.1=1.2.840.10045.3.1.7 --csr-attr 1.2.840.10045.4.3.2
est() { "$enroll" est "$1" --url "$url" "${@:2}"; }
trust=(--ca-file "$tmp/tls-ca.pem")
alice=(--user alice --pass pass:secret)
fails() {  # fails CODE MESSAGE-REGEX -- command...
    local code=$1 msg=$2; shift 3
    expect "$code" -- "$@"
    grep -Eq "$msg" "$tmp/err" || { echo "FAIL: message /$msg/ not in: $(cat "$tmp/err")"; exit 1; }
    [[ $(grep -c "^iot-enroll: error: " "$tmp/err") -eq 1 ]] || { echo "FAIL: not one error line: $(cat "$tmp/err")"; exit 1; }
}

# cacerts, verified and bootstrap
expect 0 -- est cacerts "${trust[@]}" -o "$tmp/cacerts.pem"
cmp <(openssl x509 -in "$tmp/cacerts.pem" -outform DER) <(openssl x509 -in "$tmp/domain-ca.pem" -outform DER) ||
    { echo "FAIL: cacerts is not the domain CA"; exit 1; }
expect 0 -- est cacerts --insecure-bootstrap-cacerts
fp=$(openssl x509 -in "$tmp/domain-ca.pem" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g')
grep -q "NOT verified" "$tmp/err" && grep -q "$fp" "$tmp/err" || { echo "FAIL: bootstrap warning"; cat "$tmp/err"; exit 1; }
expect 0 -- est cacerts "${trust[@]}" --label factory
echo "ok: cacerts with trust anchors, with a label, and the loud bootstrap with fingerprints"

# csrattrs
expect 0 -- est csrattrs "${trust[@]}"
check_json 'r == [{"oid":"1.2.840.10045.2.1","values":["1.2.840.10045.3.1.7"]},{"oid":"1.2.840.10045.4.3.2"}]'
echo "ok: csrattrs"

# enroll with a password: new key 0600 and a certificate from the domain CA
expect 0 -- est enroll "${trust[@]}" "${alice[@]}" --subject "CN=dev2,serialNumber=SN-2" --key-out "$tmp/dev2.key" -o "$tmp/dev2.pem"
[[ $(stat -c %a "$tmp/dev2.key") == 600 ]] || { echo "FAIL: key mode"; exit 1; }
openssl verify -CAfile "$tmp/domain-ca.pem" "$tmp/dev2.pem" >/dev/null || { echo "FAIL: dev2 does not verify"; exit 1; }
cmp <(openssl pkey -in "$tmp/dev2.key" -pubout) <(openssl x509 -in "$tmp/dev2.pem" -noout -pubkey) || { echo "FAIL: key/cert"; exit 1; }
openssl x509 -in "$tmp/dev2.pem" -noout -ext extendedKeyUsage | grep -q "TLS Web Client Authentication" || { echo "FAIL: EKU"; exit 1; }
echo "ok: enroll with basic auth (key 0600, certificate verifies, EKU clientAuth)"

# enroll with an IDevID as TLS client certificate, and with a CSR from openssl
expect 0 -- est enroll "${trust[@]}" --cert "$tmp/idevid.pem" --key "$tmp/idevid.key" --subject "CN=pledge,serialNumber=JADA-0001" --key-out "$tmp/ld.key" -o "$tmp/ld.pem"
openssl x509 -in "$tmp/ld.pem" -noout -subject | grep -q "serialNumber = JADA-0001" || { echo "FAIL: serialNumber kept"; exit 1; }
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/o.key" -subj "/CN=from-openssl" -out "$tmp/o.csr" 2>/dev/null
expect 0 -- est enroll "${trust[@]}" "${alice[@]}" --csr "$tmp/o.csr" --label factory -o "$tmp/o.pem"
openssl x509 -in "$tmp/o.pem" -noout -subject | grep -q "CN = from-openssl" || { echo "FAIL: openssl CSR"; exit 1; }
echo "ok: enroll with an IDevID client certificate, and with an openssl CSR under a label"

# reenroll: renew (same key) and rekey (new key), with the LDevID as client certificate
expect 0 -- est reenroll "${trust[@]}" --cert "$tmp/dev2.pem" --key "$tmp/dev2.key" -o "$tmp/dev2-renewed.pem"
cmp <(openssl x509 -in "$tmp/dev2.pem" -noout -pubkey) <(openssl x509 -in "$tmp/dev2-renewed.pem" -noout -pubkey) || { echo "FAIL: renew key"; exit 1; }
expect 0 -- est reenroll "${trust[@]}" --cert "$tmp/dev2.pem" --key "$tmp/dev2.key" --key-out "$tmp/dev2-new.key" -o "$tmp/dev2-rekeyed.pem"
cmp <(openssl pkey -in "$tmp/dev2-new.key" -pubout) <(openssl x509 -in "$tmp/dev2-rekeyed.pem" -noout -pubkey) || { echo "FAIL: rekey"; exit 1; }
[[ $(openssl x509 -in "$tmp/dev2-rekeyed.pem" -noout -subject) == $(openssl x509 -in "$tmp/dev2.pem" -noout -subject) ]] || { echo "FAIL: subject"; exit 1; }
echo "ok: reenroll renews and rekeys with the same subject"

# serverkeygen
expect 0 -- est serverkeygen "${trust[@]}" "${alice[@]}" --subject "CN=dev3" --key-out "$tmp/k3.key" -o "$tmp/k3.pem"
cmp <(openssl pkey -in "$tmp/k3.key" -pubout) <(openssl x509 -in "$tmp/k3.pem" -noout -pubkey) || { echo "FAIL: serverkeygen"; exit 1; }
[[ $(stat -c %a "$tmp/k3.key") == 600 ]] || { echo "FAIL: serverkeygen key mode"; exit 1; }
echo "ok: serverkeygen returns a key (0600) and its certificate"

# Every issued certificate is in the CA database, which iot-revoke reads.
n=$(grep -c "^V" "$tmp/db/index.txt")
[[ $n -eq 6 ]] || { echo "FAIL: $n entries in index.txt"; cat "$tmp/db/index.txt"; exit 1; }
[[ $(grep -c '"result":"issued"' "$tmp/audit.ndjson") -eq 6 ]] || { echo "FAIL: audit log"; cat "$tmp/audit.ndjson"; exit 1; }
echo "ok: six certificates recorded in index.txt and the audit log"

# Bad inputs: exit code and message.
printf 'not a csr at all' >"$tmp/garbage.csr"
fails 65 'CSR|csr' -- est enroll "${trust[@]}" "${alice[@]}" --csr "$tmp/garbage.csr"
openssl req -in "$tmp/o.csr" -outform DER -out "$tmp/o.der"
python3 -c "import sys; b=bytearray(open(sys.argv[1],'rb').read()); b[-5]^=1; open(sys.argv[2],'wb').write(b)" "$tmp/o.der" "$tmp/badsig.der"
fails 65 'signature does not verify' -- est enroll "${trust[@]}" "${alice[@]}" --csr "$tmp/badsig.der"
fails 77 'answered 401: no client certificate' -- est enroll "${trust[@]}" --subject CN=x --key-out "$tmp/x.key"
fails 77 'answered 401: wrong user name or password' -- est enroll "${trust[@]}" --user alice --pass pass:wrong --subject CN=x --key-out "$tmp/x.key"
fails 77 'answered 401: wrong user name or password' -- est enroll "${trust[@]}" --user mallory --pass pass:secret --subject CN=x --key-out "$tmp/x.key"
[[ ! -e $tmp/x.key ]] || { echo "FAIL: a refused enrolment left a key"; exit 1; }
fails 77 'answered 401: the client certificate .* is not trusted' -- est reenroll "${trust[@]}" --cert "$tmp/stranger.pem" --key "$tmp/stranger.key"
fails 77 'answered 403: simplereenroll needs a TLS client certificate this CA issued' -- est reenroll "${trust[@]}" --cert "$tmp/idevid.pem" --key "$tmp/idevid.key"
fails 77 'answered 403: the CSR subject .* differs' -- est reenroll "${trust[@]}" --cert "$tmp/dev2.pem" --key "$tmp/dev2.key" --csr "$tmp/o.csr"
fails 76 'answered 404: unknown EST label' -- est cacerts "${trust[@]}" --label nosuch
fails 69 'certificate verification failed' -- est cacerts --ca-file "$tmp/other-ca.pem"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
fails 69 "127.0.0.1:$port" -- "$enroll" est cacerts --url "https://127.0.0.1:$port" "${trust[@]}"
fails 64 'ca-file is required' -- est cacerts
fails 64 'only for .est cacerts' -- est enroll --insecure-bootstrap-cacerts "${alice[@]}" --subject CN=x --key-out "$tmp/x.key"
fails 64 'key-out is required' -- est enroll "${trust[@]}" "${alice[@]}" --subject CN=x
fails 66 'nosuch.csr' -- est enroll "${trust[@]}" "${alice[@]}" --csr "$tmp/nosuch.csr"
echo "ok: 15 refusals with their exit codes and messages"

# A server that answers garbage, and one that keeps answering 202.
cat >"$tmp/fake.py" <<'PY'
import http.server, ssl, sys
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def reply(self):
        if self.path.endswith("/cacerts"):
            body = b"!!! not base64 !!!"
            self.send_response(200); self.send_header("Content-Type", "application/pkcs7-mime")
        else:
            n = int(self.headers.get("Content-Length", 0)); self.rfile.read(n)
            body = b"later"
            self.send_response(202); self.send_header("Retry-After", "0")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    do_GET = reply
    do_POST = reply
s = http.server.HTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(sys.argv[1], sys.argv[2])
s.socket = ctx.wrap_socket(s.socket, server_side=True)
print(s.server_address[1], flush=True)
s.timeout = 30
for _ in range(20): s.handle_request()
PY
/usr/bin/python3 "$tmp/fake.py" "$tmp/tls.pem" "$tmp/tls.key" >"$tmp/fake.port" &
fake_pid=$!
for _ in $(seq 50); do [[ -s $tmp/fake.port ]] && break; sleep 0.1; done
fake="https://127.0.0.1:$(cat "$tmp/fake.port")"
fails 76 'not base64' -- "$enroll" est cacerts --url "$fake" "${trust[@]}"
fails 69 'still pending after 3 tries' -- "$enroll" est enroll --url "$fake" "${trust[@]}" "${alice[@]}" --subject CN=x --key-out "$tmp/x.key" --retry-max 2
echo "ok: a bad base64 answer (76) and a server pending past --retry-max (69)"
