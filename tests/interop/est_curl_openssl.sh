#!/usr/bin/env bash
# iot-enroll registrar serve against curl and openssl: cacerts and simpleenroll with an
# `openssl req` CSR (base64 PKCS#7 read by `openssl pkcs7`, the LDevID checked by `openssl verify`),
# the TLS setup as `openssl s_client` sees it, refusals with their status and reason, and the CA
# database read by `openssl ca -status` and iot-revoke.
set -euo pipefail
tmp=$(mktemp -d)
cleanup() { stop_registrar; rm -rf "$tmp"; }
trap cleanup EXIT
source "$IOTOPS_SRC/tests/cli/lib/est_pki.sh"
start_registrar
c=(curl -sS --cacert "$tmp/tls-ca.pem" --max-time 20)
est="$url/.well-known/est"

"${c[@]}" -D "$tmp/h" -o "$tmp/cacerts.b64" "$est/cacerts"
grep -qi '^content-type: application/pkcs7-mime' "$tmp/h" && grep -qi '^content-transfer-encoding: base64' "$tmp/h" ||
    { echo "FAIL: cacerts headers"; cat "$tmp/h"; exit 1; }
openssl base64 -d -in "$tmp/cacerts.b64" | openssl pkcs7 -inform DER -print_certs >"$tmp/cacerts.pem"
grep -q "subject=CN = EST test domain CA" "$tmp/cacerts.pem" || { echo "FAIL: cacerts content"; cat "$tmp/cacerts.pem"; exit 1; }
echo "ok: curl gets cacerts, openssl pkcs7 reads the domain CA"

openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/dev.key" \
    -subj "/CN=dev-7/serialNumber=SN-0007" -outform DER -out "$tmp/dev.der" 2>/dev/null
openssl base64 -in "$tmp/dev.der" >"$tmp/dev.b64"
post() { "${c[@]}" -H "Content-Type: ${ctype:-application/pkcs10}" --data-binary "@$1" -D "$tmp/h" -o "$tmp/body" -w '%{http_code}' "${@:2}"; }
code=$(post "$tmp/dev.b64" -u alice:secret "$est/simpleenroll")
[[ $code == 200 ]] || { echo "FAIL: simpleenroll $code"; cat "$tmp/body"; exit 1; }
grep -qi '^content-type: application/pkcs7-mime; smime-type=certs-only' "$tmp/h" || { echo "FAIL: enroll type"; cat "$tmp/h"; exit 1; }
openssl base64 -d -in "$tmp/body" | openssl pkcs7 -inform DER -print_certs >"$tmp/dev.pem"
openssl verify -CAfile "$tmp/domain-ca.pem" -purpose sslclient "$tmp/dev.pem" >/dev/null || { echo "FAIL: openssl verify"; exit 1; }
openssl x509 -in "$tmp/dev.pem" -noout -subject | grep -q "CN = dev-7, serialNumber = SN-0007" || { echo "FAIL: subject"; exit 1; }
echo "ok: curl simpleenroll with an openssl CSR; the LDevID verifies with openssl verify (sslclient)"

# With the IDevID as TLS client certificate instead of a password.
openssl req -new -key "$tmp/idevid.key" -subj "/CN=pledge/serialNumber=JADA-0001" -outform DER 2>/dev/null | openssl base64 >"$tmp/p.b64"
code=$(post "$tmp/p.b64" --cert "$tmp/idevid.pem" --key "$tmp/idevid.key" "$est/simpleenroll")
[[ $code == 200 ]] || { echo "FAIL: IDevID enroll $code"; cat "$tmp/body"; exit 1; }
echo "ok: curl simpleenroll authenticated by an IDevID client certificate"

refused() {  # refused STATUS REASON-REGEX FILE curl-args...
    local want=$1 re=$2 f=$3; shift 3
    code=$(post "$f" "$@")
    [[ $code == "$want" ]] && { [[ -z $re ]] || grep -Eq "$re" "$tmp/body"; } || { echo "FAIL: want $want /$re/, got $code: $(cat "$tmp/body")"; exit 1; }
}
printf 'garbage!' >"$tmp/garbage"
refused 400 "not base64" "$tmp/garbage" -u alice:secret "$est/simpleenroll"
printf 'aGVsbG8gd29ybGQ=' >"$tmp/hello"
refused 400 "malformed CSR" "$tmp/hello" -u alice:secret "$est/simpleenroll"
refused 401 "no client certificate" "$tmp/dev.b64" "$est/simpleenroll"
grep -qi '^www-authenticate: Basic' "$tmp/h" || { echo "FAIL: WWW-Authenticate"; exit 1; }
refused 401 "wrong user name or password" "$tmp/dev.b64" -u alice:nope "$est/simpleenroll"
refused 401 "not trusted" "$tmp/dev.b64" --cert "$tmp/stranger.pem" --key "$tmp/stranger.key" "$est/simpleenroll"
refused 403 "this CA issued" "$tmp/p.b64" --cert "$tmp/idevid.pem" --key "$tmp/idevid.key" "$est/simplereenroll"
refused 404 "unknown EST label" "$tmp/dev.b64" -u alice:secret "$url/.well-known/est/nolabel/simpleenroll"
ctype=text/plain refused 415 "application/pkcs10" "$tmp/dev.b64" -u alice:secret "$est/simpleenroll"
head -c 2000000 /dev/zero | tr '\0' A >"$tmp/big"
refused 413 "" "$tmp/big" -u alice:secret "$est/simpleenroll"
echo "ok: 9 refusals with their HTTP status and reason"

# TLS as openssl s_client sees it: the server certificate, and a client certificate requested.
echo | openssl s_client -connect "${url#https://}" -CAfile "$tmp/tls-ca.pem" -verify_return_error >"$tmp/s" 2>&1 || true
grep -q "Verify return code: 0 (ok)" "$tmp/s" && grep -q "subject=CN = localhost" "$tmp/s" &&
    grep -Eq "(No client certificate CA names sent|Acceptable client certificate CA names)" "$tmp/s" || { echo "FAIL: s_client"; cat "$tmp/s"; exit 1; }
echo "ok: openssl s_client verifies the server certificate and is asked for a client certificate"

# The database is what `openssl ca` and iot-revoke read.
serial=$(openssl x509 -in "$tmp/dev.pem" -noout -serial | sed 's/serial=//')
printf '[ca]\ndefault_ca=d\n[d]\ndatabase=%s\nserial=%s\n' "$tmp/db/index.txt" "$tmp/db/serial" >"$tmp/ca.cnf"
st=$(openssl ca -config "$tmp/ca.cnf" -status "$serial" 2>&1 || true)
grep -q "$serial=Valid (V)" <<<"$st" || { echo "FAIL: openssl ca -status: $st"; exit 1; }
out=$("$IOTOPS_BIN/iot-revoke" list --db "$tmp/db/index.txt")
grep -q "SN-0007" <<<"$out" || { echo "FAIL: iot-revoke list: $out"; exit 1; }
echo "ok: openssl ca -status and iot-revoke read the LDevID in the registrar's database"

# The device serial number in the LDevID's subject lets decommissioning find it.
"$IOTOPS_BIN/iot-revoke" decommission --serial-number SN-0007 --db "$tmp/db/index.txt" --deny-list "$tmp/deny.txt" >"$tmp/decom.json"
st=$(openssl ca -config "$tmp/ca.cnf" -status "$serial" 2>&1 || true)
grep -q "$serial=Revoked (R)" <<<"$st" || { echo "FAIL: decommission did not revoke the LDevID: $st"; cat "$tmp/decom.json"; exit 1; }
# ...and a revoked LDevID no longer authenticates a renewal.
openssl req -new -key "$tmp/dev.key" -subj "/CN=dev-7/serialNumber=SN-0007" -outform DER 2>/dev/null | openssl base64 >"$tmp/re.b64"
refused 401 "not trusted" "$tmp/re.b64" --cert "$tmp/dev.pem" --key "$tmp/dev.key" "$est/simplereenroll"
echo "ok: iot-revoke decommission finds the LDevID by serialNumber; once revoked it cannot renew"
