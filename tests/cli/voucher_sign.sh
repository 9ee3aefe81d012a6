#!/usr/bin/env bash
# iot-voucher sign -> verify round trip in each format with a CA and signer made by openssl;
# a changed byte makes verify exit 1 naming the signature check; bad vouchers are refused (65).
set -euo pipefail
: "${IOTOPS_BIN:?}" "${IOTOPS_SRC:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
tool="$IOTOPS_BIN/iot-voucher"
cd "$tmp"
fail() { echo "FAIL: $*"; exit 1; }

openssl ecparam -name prime256v1 -genkey -noout -out ca.key 2>/dev/null
openssl req -x509 -new -key ca.key -subj "/CN=voucher test ca" -days 30 -out ca.pem \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out masa.key 2>/dev/null
openssl req -new -key masa.key -subj "/CN=voucher test masa" -out masa.csr 2>/dev/null
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n' >masa.ext
openssl x509 -req -in masa.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 10 -extfile masa.ext \
    -out masa.pem 2>/dev/null
openssl pkcs8 -topk8 -in masa.key -passout pass:s3cret -out masa-enc.key 2>/dev/null

cat >voucher.json <<'JSON'
{"ietf-voucher:voucher":{"assertion":"logged","created-on":"2026-01-01T00:00:00Z","serial-number":"JADA1",
 "nonce":"AAECAwQFBgc=","pinned-domain-cert":"MIIB"}}
JSON

for fmt in cms jws cose; do
    "$tool" sign --format "$fmt" --key masa-enc.key --pass pass:s3cret --cert masa.pem -o "v.$fmt" voucher.json
    extra=(); [[ $fmt == cose ]] && extra=(--cert masa.pem)
    "$tool" verify --anchor ca.pem "${extra[@]}" --nonce AAECAwQFBgc= --serial JADA1 "v.$fmt" >report.json ||
        { cat report.json; fail "$fmt: fresh signature does not verify"; }
    [[ $(/usr/bin/python3 -c 'import json; print(json.load(open("report.json"))["format"])') == "$fmt" ]] ||
        fail "$fmt: report format"
    # change one byte of the signature: near the end in CMS and COSE, inside "signature" in JWS
    /usr/bin/python3 - "v.$fmt" "bad.$fmt" "$fmt" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
if sys.argv[3] == "jws":
    i = d.find(b'"signature"'); i = d.find(b'"', d.find(b":", i)) + 3
    d[i] = ord("B") if d[i] == ord("A") else ord("A")
else:
    d[-3] ^= 1
open(sys.argv[2], "wb").write(d)
PY
    rc=0; "$tool" verify --anchor ca.pem "${extra[@]}" "bad.$fmt" >report.json || rc=$?
    [[ $rc -eq 1 ]] || fail "$fmt: tampered copy exit $rc, want 1"
    /usr/bin/python3 -c 'import json,sys; d=json.load(open("report.json"))
bad=[c["check"] for c in d["checks"] if c["result"]=="fail"]
assert "signature" in bad, bad' || fail "$fmt: signature check not named"
    echo "ok: $fmt sign -> verify, tampered copy exits 1 naming the signature"
done

# binary output is not written to a terminal, and a wrong pass phrase is refused
rc=0; "$tool" sign --format cms --key masa-enc.key --pass pass:wrong --cert masa.pem -o x voucher.json 2>err || rc=$?
[[ $rc -eq 77 ]] || fail "wrong passphrase: exit $rc, want 77"
echo "ok: wrong passphrase exits 77"

# a voucher that breaks its rules is not signed
sed 's/"logged"/"trusted"/' voucher.json >bad-assertion.json
rc=0; "$tool" sign --key masa.key --cert masa.pem -o x bad-assertion.json 2>err || rc=$?
[[ $rc -eq 65 ]] && grep -q trusted err || fail "bad assertion: exit $rc, $(cat err)"
sed 's/"AAECAwQFBgc="/"AAEC"/' voucher.json >short-nonce.json
rc=0; "$tool" sign --key masa.key --cert masa.pem -o x short-nonce.json 2>err || rc=$?
[[ $rc -eq 65 ]] && grep -q nonce err || fail "short nonce: exit $rc, $(cat err)"
rc=0; "$tool" sign --key ca.key --cert masa.pem -o x voucher.json 2>err || rc=$?
[[ $rc -eq 64 ]] || fail "key and cert mismatch: exit $rc"
echo "ok: rule-breaking vouchers and a mismatched key are refused"

# convert: JSON -> YANG-CBOR -> JSON keeps the voucher
"$tool" convert -o v.cbor voucher.json
"$tool" convert v.cbor >back.json
/usr/bin/python3 -c 'import json; a=json.load(open("voucher.json")); b=json.load(open("back.json"))
assert a["ietf-voucher:voucher"]["serial-number"] == b["ietf-voucher:voucher"]["serial-number"]
assert len(a["ietf-voucher:voucher"]) == len(b["ietf-voucher:voucher"]), (a, b)'
[[ $(head -c 3 v.cbor | xxd -p) == a11909 ]] || fail "convert: not SID-keyed CBOR"
echo "ok: convert json -> cbor -> json"
