#!/usr/bin/env bash
# MUD signatures against openssl cms: the Luminaire vector verifies at 2018-12-01 and fails today;
# openssl accepts our detached binary signature and we accept openssl's (with and without signed
# attributes); a signature over other bytes, an expired signer, a signer without digitalSignature,
# a signer that is not the device certificate's MUD signer and a wrong anchor all fail with exit 1.
set -euo pipefail
: "${IOTOPS_SRC:?}" "${IOTOPS_BIN:?}" "${IOTOPS_VECTORS:?}" "${IOTOPS_BUILD:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
. "$IOTOPS_SRC/tests/cli/lib/expect.sh"
mud="$IOTOPS_BIN/iot-mud"
lum="$IOTOPS_VECTORS/mud/cisco-luminaire"

failed() {  # failed CHECK: the report is invalid and CHECK failed
    check_json "r['result'] == 'invalid' and any(c['check'] == '$1' and c['result'] == 'fail' for c in r['checks'])"
}

expect 0 -- "$mud" verify --ca "$lum/luminaire-cacert.pem" --at 2018-12-01T00:00:00Z "$lum/Luminaire_150.json"
check_json "r['result'] == 'valid' and r['signer'] == 'CN=luminaire.example.com,O=Demo Luminaire Manufacturer'"
expect 1 -- "$mud" verify --ca "$lum/luminaire-cacert.pem" "$lum/Luminaire_150.json"
failed chain
check_json "any(c['message'] == 'certificate has expired' for c in r['checks'])"
echo "ok: Luminaire verifies at 2018-12-01, fails today"

# Text mode (CRLF canonicalisation) breaks the signature: openssl verifies it only with -binary,
# and iot-mud, given the content as text mode would see it, names the signature check.
at=$(date -d 2018-12-01T00:00:00Z +%s)
openssl cms -verify -binary -inform DER -in "$lum/Luminaire_150.p7s" -content "$lum/Luminaire_150.json" \
    -CAfile "$lum/luminaire-cacert.pem" -attime "$at" -purpose any -out /dev/null 2>"$tmp/ossl.err" ||
    { echo "FAIL: openssl -binary rejects the Luminaire signature"; cat "$tmp/ossl.err"; exit 1; }
if openssl cms -verify -inform DER -in "$lum/Luminaire_150.p7s" -content "$lum/Luminaire_150.json" \
    -CAfile "$lum/luminaire-cacert.pem" -attime "$at" -purpose any -out /dev/null 2>/dev/null; then
    echo "FAIL: openssl accepts the Luminaire signature in text mode"; exit 1
fi
sed 's/$/\r/' "$lum/Luminaire_150.json" >"$tmp/Luminaire_crlf.json"
expect 1 -- "$mud" verify --ca "$lum/luminaire-cacert.pem" --at 2018-12-01T00:00:00Z \
    --signature "$lum/Luminaire_150.p7s" "$tmp/Luminaire_crlf.json"
failed signature
echo "ok: Luminaire fails in text mode (openssl without -binary, and iot-mud on CRLF content)"

"$IOTOPS_BUILD/drivers/driver_mud_pki" "$tmp"
"$mud" create "$IOTOPS_VECTORS/mud/local/thermostat.yaml" -o "$tmp/th.json"
expect 0 -- "$mud" sign --key "$tmp/signer.key" --cert "$tmp/signer.pem" "$tmp/th.json" -o "$tmp/th.p7s"
openssl cms -verify -binary -inform DER -in "$tmp/th.p7s" -content "$tmp/th.json" -CAfile "$tmp/ca.pem" \
    -purpose any -out /dev/null 2>"$tmp/ossl.err" || { echo "FAIL: openssl rejects our signature"; cat "$tmp/ossl.err"; exit 1; }
grep -q "eContent: <ABSENT>" <<<"$(openssl cms -cmsout -print -inform DER -in "$tmp/th.p7s")" || { echo "FAIL: not detached"; exit 1; }
expect 0 -- "$mud" verify --ca "$tmp/ca.pem" --device-cert "$tmp/device.pem" "$tmp/th.json"
check_json "r['result'] == 'valid' and {c['check'] for c in r['checks']} >= {'signature', 'chain', 'key-usage', 'mud-signer'}"
expect 0 -- "$mud" sign --content-type mud --key "$tmp/signer.key" --cert "$tmp/signer.pem" "$tmp/th.json" -o "$tmp/th-ct.p7s"
grep -q "1.2.840.113549.1.9.16.1.41" <<<"$(openssl cms -cmsout -print -inform DER -in "$tmp/th-ct.p7s")" || { echo "FAIL: content type"; exit 1; }
expect 0 -- "$mud" verify --ca "$tmp/ca.pem" --signature "$tmp/th-ct.p7s" "$tmp/th.json"
check_json "any(c['check'] == 'content-type' and c['message'] == 'id-ct-mudtype' for c in r['checks'])"
echo "ok: openssl accepts our signature; id-data and id-ct-mudtype verify"

for attrs in "" "-noattr"; do
    openssl cms -sign -binary -outform DER $attrs -signer "$tmp/signer.pem" -inkey "$tmp/signer.key" \
        -in "$tmp/th.json" -out "$tmp/ossl.p7s"
    expect 0 -- "$mud" verify --ca "$tmp/ca.pem" --device-cert "$tmp/device.pem" --signature "$tmp/ossl.p7s" "$tmp/th.json"
    check_json "r['result'] == 'valid'"
done
openssl cms -sign -binary -outform PEM -signer "$tmp/signer.pem" -inkey "$tmp/signer.key" -in "$tmp/th.json" -out "$tmp/ossl.pem"
expect 0 -- "$mud" verify --ca "$tmp/ca.pem" --signature "$tmp/ossl.pem" "$tmp/th.json"
echo "ok: we verify openssl cms -sign -binary -outform DER (with and without attributes) and PEM"

# a signature over different bytes
sed 's/"cache-validity": 24/"cache-validity": 25/' "$tmp/th.json" >"$tmp/changed.json"
expect 1 -- "$mud" verify --ca "$tmp/ca.pem" --signature "$tmp/th.p7s" "$tmp/changed.json"
failed signature
# one byte of whitespace is enough (binary mode, no canonicalisation)
{ cat "$tmp/th.json"; printf ' '; } >"$tmp/space.json"
expect 1 -- "$mud" verify --ca "$tmp/ca.pem" --signature "$tmp/th.p7s" "$tmp/space.json"
failed signature
# an expired signer
openssl cms -sign -binary -outform DER -signer "$tmp/expired.pem" -inkey "$tmp/expired.key" -in "$tmp/th.json" -out "$tmp/exp.p7s"
expect 1 -- "$mud" verify --ca "$tmp/ca.pem" --signature "$tmp/exp.p7s" "$tmp/th.json"
failed chain
check_json "any('expired' in c['message'] for c in r['checks'])"
expect 0 -- "$mud" verify --ca "$tmp/ca.pem" --signature "$tmp/exp.p7s" --at 2020-06-01T00:00:00Z "$tmp/th.json"
# a signer without digitalSignature: we refuse to sign, and reject openssl's signature
expect 64 -- "$mud" sign --key "$tmp/nods.key" --cert "$tmp/nods.pem" "$tmp/th.json" -o "$tmp/nods.p7s"
grep -q "^iot-mud: error: sign: the signer certificate's key usage lacks digitalSignature" "$tmp/err"
[[ ! -e "$tmp/nods.p7s" ]] || { echo "FAIL: output left behind"; exit 1; }
openssl cms -sign -binary -outform DER -signer "$tmp/nods.pem" -inkey "$tmp/nods.key" -in "$tmp/th.json" -out "$tmp/nods.p7s"
expect 1 -- "$mud" verify --ca "$tmp/ca.pem" --signature "$tmp/nods.p7s" "$tmp/th.json"
failed key-usage
# a valid signer that is not the device certificate's MUD signer
openssl cms -sign -binary -outform DER -signer "$tmp/other.pem" -inkey "$tmp/other.key" -in "$tmp/th.json" -out "$tmp/other.p7s"
expect 0 -- "$mud" verify --ca "$tmp/ca.pem" --signature "$tmp/other.p7s" "$tmp/th.json"
expect 1 -- "$mud" verify --ca "$tmp/ca.pem" --device-cert "$tmp/device.pem" --signature "$tmp/other.p7s" "$tmp/th.json"
failed mud-signer
# the wrong trust anchor
expect 1 -- "$mud" verify --ca "$lum/luminaire-cacert.pem" --signature "$tmp/th.p7s" "$tmp/th.json"
failed chain
# the key does not match the certificate
expect 64 -- "$mud" sign --key "$tmp/other.key" --cert "$tmp/signer.pem" "$tmp/th.json"
grep -q "does not belong to the key" "$tmp/err"
# not a signature at all; no trust anchor; an invalid MUD file is not signed
expect 65 -- "$mud" verify --ca "$tmp/ca.pem" --signature "$tmp/th.json" "$tmp/th.json"
grep -q "^iot-mud: error: " "$tmp/err"
expect 64 -- "$mud" verify --signature "$tmp/th.p7s" "$tmp/th.json"
grep -q "no trust anchor" "$tmp/err"
expect 65 -- "$mud" sign --key "$tmp/signer.key" --cert "$tmp/signer.pem" "$IOTOPS_VECTORS/mud/nist/mudfile-dns-test.json"
grep -q "invalid MUD file" "$tmp/err"
echo "ok: 11 bad signatures and signing attempts fail with their exit codes"
