#!/usr/bin/env bash
# A CMS voucher signed by `iot-voucher sign --format cms` verifies with `openssl cms -verify -binary`,
# with eContentType id-ct-animaJSONVoucher and the voucher as compact JSON with sorted keys; and one signed by `openssl cms -sign` verifies with iot-voucher.
set -euo pipefail
: "${IOTOPS_BIN:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
tool="$IOTOPS_BIN/iot-voucher"
fail() { echo "FAIL: $*"; exit 1; }

openssl ecparam -name prime256v1 -genkey -noout -out ca.key 2>/dev/null
openssl req -x509 -new -key ca.key -subj "/CN=voucher interop ca" -days 30 -out ca.pem \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out masa.key 2>/dev/null
openssl req -new -key masa.key -subj "/CN=voucher interop masa" -out masa.csr 2>/dev/null
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n' >masa.ext
openssl x509 -req -in masa.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 10 -extfile masa.ext \
    -out masa.pem 2>/dev/null
printf '%s' '{"ietf-voucher:voucher":{"assertion":"logged","created-on":"2026-01-01T00:00:00Z","serial-number":"JADA1","pinned-domain-cert":"MIIB"}}' >voucher.json

"$tool" sign --format cms --key masa.key --cert masa.pem -o v.cms voucher.json
openssl cms -verify -binary -inform DER -in v.cms -CAfile ca.pem -purpose any -out content.json 2>err ||
    { cat err; fail "openssl does not verify iot-voucher's CMS"; }
cmp -s content.json <(/usr/bin/python3 -c 'import json,sys; print(json.dumps(json.load(open("voucher.json")),separators=(",",":"),sort_keys=True),end="")') ||
    fail "content differs: $(cat content.json)"
openssl cms -cmsout -print -inform DER -in v.cms >printed.txt; grep -q "eContentType: .*1.2.840.113549.1.9.16.1.40" printed.txt ||
    fail "eContentType is not id-ct-animaJSONVoucher"
echo "ok: openssl cms -verify -binary accepts iot-voucher's CMS voucher (id-ct-animaJSONVoucher)"

# a tampered copy is refused by openssl too
/usr/bin/python3 -c 'import sys; d=bytearray(open("v.cms","rb").read()); d[-3]^=1; open("bad.cms","wb").write(d)'
if openssl cms -verify -binary -inform DER -in bad.cms -CAfile ca.pem -purpose any -out /dev/null 2>/dev/null; then
    fail "openssl accepted a tampered voucher"
fi
echo "ok: openssl refuses a tampered copy"

# the other way: openssl-made voucher verifies with iot-voucher
openssl cms -sign -binary -nodetach -outform DER -econtent_type 1.2.840.113549.1.9.16.1.40 \
    -signer masa.pem -inkey masa.key -in voucher.json -out o.cms
"$tool" verify --anchor ca.pem o.cms >report.json || { cat report.json; fail "iot-voucher does not verify openssl's CMS"; }
echo "ok: iot-voucher verifies a voucher made by openssl cms -sign"
