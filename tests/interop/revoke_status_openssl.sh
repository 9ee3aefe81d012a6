#!/usr/bin/env bash
# iot-revoke status asks an `openssl ocsp -index` responder (with and without nonce, URL from AIA
# or --ocsp-url), an openssl-made CRL and the database, and honours RFC 9608 noRevAvail.
set -euo pipefail
source "$IOTOPS_SRC/tests/cli/lib/servers.sh"
source "$(dirname "$0")/lib/revoke_ca.bash"
ca="$tmp/ca"
make_ca "$ca"
port=$(free_port)
printf '\n[ aia ]\nbasicConstraints = CA:FALSE\nauthorityInfoAccess = OCSP;URI:http://127.0.0.1:%s/\n[ norev ]\nbasicConstraints = CA:FALSE\nnoRevAvail = ASN1:NULL\n[ norevbad ]\nbasicConstraints = CA:FALSE\nnoRevAvail = ASN1:NULL\nauthorityInfoAccess = OCSP;URI:http://127.0.0.1:1/\n' "$port" >>"$ca/ca.cnf"
issue "$ca" good "/CN=good" aia
issue "$ca" bad "/CN=bad" aia
issue "$ca" resp "/CN=OCSP responder" ocsp
issue "$ca" norev "/CN=norev" norev
issue "$ca" norevbad "/CN=norevbad" norevbad
"$revoke" revoke --db "$ca/index.txt" --cert "$ca/bad.crt" --reason keyCompromise >/dev/null

openssl ocsp -index "$ca/index.txt" -port "$port" -CA "$ca/ca.crt" -rsigner "$ca/resp.crt" -rkey "$ca/resp.key" \
    -nmin 5 -timeout 20 >"$tmp/ossl-ocsp.log" 2>&1 &
pids+=($!)
wait_log "$tmp/ossl-ocsp.log" "waiting for OCSP client"

expect 0 -- "$revoke" status --issuer "$ca/ca.crt" --ocsp "$ca/good.crt"
check_json "r['status'] == 'good' and r['source']['kind'] == 'ocsp' and r['source']['nonce'] is True"
expect 1 -- "$revoke" status --issuer "$ca/ca.crt" --ocsp-url "http://127.0.0.1:$port/" "$ca/bad.crt"
check_json "r['status'] == 'revoked' and r['reason'] == 'keyCompromise' and 'revocation-time' in r"
expect 0 -- "$revoke" status --issuer "$ca/ca.crt" --ocsp --no-nonce "$ca/good.crt"
check_json "r['status'] == 'good' and r['source']['nonce'] is False"
echo "ok: status from openssl ocsp -index: good, revoked, with and without nonce"

# Fleet audit: several certificates in, one line each, exit 1 when any is not good.
cat "$ca/good.crt" "$ca/bad.crt" >"$tmp/fleet.pem"
expect 1 -- "$revoke" status --issuer "$ca/ca.crt" --db "$ca/index.txt" "$tmp/fleet.pem"
[[ $(wc -l <"$tmp/out") -eq 2 ]] && head -1 "$tmp/out" | grep -q '"status":"good"' && tail -1 "$tmp/out" | grep -q '"status":"revoked"' ||
    { echo "FAIL: fleet audit"; cat "$tmp/out"; exit 1; }
echo "ok: fleet audit against the database"

openssl ca -config "$ca/ca.cnf" -gencrl -out "$tmp/ossl.crl" 2>/dev/null
expect 1 -- "$revoke" status --issuer "$ca/ca.crt" --crl "$tmp/ossl.crl" "$ca/bad.crt"
check_json "r['status'] == 'revoked' and r['source']['kind'] == 'crl' and r['reason'] == 'keyCompromise'"
expect 0 -- "$revoke" status --issuer "$ca/ca.crt" --crl "$tmp/ossl.crl" "$ca/good.crt"
echo "ok: status against an openssl CRL"

expect 0 -- "$revoke" status --issuer "$ca/ca.crt" --db "$ca/index.txt" "$ca/norev.crt"
check_json "r['status'] == 'good' and r['source']['kind'] == 'noRevAvail'"
expect 1 -- "$revoke" status --issuer "$ca/ca.crt" --db "$ca/index.txt" "$ca/norevbad.crt"
check_json "r['status'] == 'unknown' and 'RFC 9608' in r['message']"
echo "ok: noRevAvail honoured; with an OCSP pointer it is refused"

# Bad inputs
make_ca "$tmp/other" "Other CA"
openssl ca -config "$tmp/other/ca.cnf" -gencrl -out "$tmp/other.crl" 2>/dev/null
expect_err 1 "is not signed by the issuer" -- "$revoke" status --issuer "$ca/ca.crt" --crl "$tmp/other.crl" "$ca/good.crt"
expect_err 64 "exactly one source" -- "$revoke" status --issuer "$ca/ca.crt" "$ca/good.crt"
expect_err 64 "--issuer" -- "$revoke" status --crl "$tmp/ossl.crl" "$ca/good.crt"
expect_err 69 "127.0.0.1:1" -- "$revoke" status --issuer "$ca/ca.crt" --ocsp-url http://127.0.0.1:1/ "$ca/good.crt"
expect_err 64 "no OCSP URL" -- "$revoke" status --issuer "$ca/ca.crt" --ocsp "$ca/resp.crt"
expect_err 64 "was not issued by" -- "$revoke" status --issuer "$tmp/other/ca.crt" --db "$ca/index.txt" "$ca/good.crt"
echo "not a certificate" >"$tmp/junk.pem"
expect_err 65 "" -- "$revoke" status --issuer "$ca/ca.crt" --db "$ca/index.txt" "$tmp/junk.pem"
expect_err 66 "" -- "$revoke" status --issuer "$ca/ca.crt" --db "$ca/index.txt" "$tmp/missing.pem"
echo "ok: bad inputs"
