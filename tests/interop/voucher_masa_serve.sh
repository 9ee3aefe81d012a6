#!/usr/bin/env bash
# iot-voucher serve as a MASA over HTTPS, driven with curl: RVRs made by iot-voucher request (PVR
# signed by a pledge IDevID, RVR by a registrar with its domain CA) get vouchers that iot-voucher
# verify and openssl cms accept; Accept picks JWS; requestauditlog shows the events; the deny list,
# the ownership policy, unknown manufacturers, non-registrars and malformed requests are refused
# with the RFC 8995 5.6 status and a reason; iot-revoke decommission denies a device while serving.
set -euo pipefail
tmp=$(mktemp -d)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
voucher="$IOTOPS_BIN/iot-voucher"
source "$IOTOPS_SRC/tests/cli/lib/expect.sh"
cd "$tmp"

key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1" 2>/dev/null; }
ca() {  # ca NAME CN
    key "$1.key"
    openssl req -x509 -new -key "$1.key" -subj "/CN=$2" -days 30 -out "$1.pem" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash" 2>/dev/null
}
leaf() {  # leaf NAME SUBJECT CA [EXTRA-EXT-LINE]
    key "$1.key"
    openssl req -new -key "$1.key" -subj "$2" -out "$1.csr" 2>/dev/null
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n%s\n' \
        "${4:-}" >"$1.ext"
    openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -days 10 -extfile "$1.ext" -out "$1.pem" 2>/dev/null
}
ca vendor "test vendor ca"
ca other-vendor "other vendor ca"
ca domain "test domain ca"
ca other-domain "other domain ca"
leaf masa "/CN=test masa" vendor
masa_url='1.3.6.1.5.5.7.1.32=ASN1:IA5STRING:masa.example'
leaf pledge "/CN=pledge/serialNumber=SN-0001" vendor "$masa_url"
leaf pledge2 "/CN=pledge/serialNumber=SN-0002" vendor "$masa_url"
leaf pledge9 "/CN=pledge/serialNumber=SN-9001" vendor "$masa_url"
leaf stranger "/CN=pledge/serialNumber=SN-0003" other-vendor "$masa_url"
leaf reg "/CN=registrar" domain "extendedKeyUsage=1.3.6.1.5.5.7.3.28,serverAuth"
leaf other-reg "/CN=other registrar" other-domain "extendedKeyUsage=1.3.6.1.5.5.7.3.28"
leaf web "/CN=just a web server" domain "extendedKeyUsage=serverAuth"
key tls.key
openssl req -x509 -new -key tls.key -subj "/CN=masa tls" -days 10 -out tls.pem -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null

fp=$(openssl x509 -in domain.pem -noout -fingerprint -sha256 | cut -d= -f2)
cat >policy.yaml <<POLICY
domains:
  - name: test domain
    domain-ca-sha256: "$fp"
    serials: ["SN-0*"]
  - name: other domain
    registrar-issuer: "CN=other domain ca"
    serials: ["XX-*"]
POLICY
touch deny.txt

# Bad configuration is refused before listening.
expect 64 -- "$voucher" serve --key masa.key --cert masa.pem --tls-cert tls.pem --tls-key tls.key --policy policy.yaml
grep -q "iot-voucher: error: serve: --idevid-ca is required" "$tmp/err" || { echo "FAIL: no --idevid-ca"; cat "$tmp/err"; exit 1; }
expect 64 -- "$voucher" serve --key masa.key --cert masa.pem --tls-cert tls.pem --tls-key tls.key --idevid-ca vendor.pem
grep -q "give --policy FILE, or --any-registrar" "$tmp/err" || { echo "FAIL: no policy"; cat "$tmp/err"; exit 1; }
printf 'domains:\n  - serials: ["*"]\n' >bad-policy.yaml
expect 78 -- "$voucher" serve --key masa.key --cert masa.pem --tls-cert tls.pem --tls-key tls.key --idevid-ca vendor.pem \
    --policy bad-policy.yaml
grep -q "bad-policy.yaml: domains\[0\]: give domain-ca-sha256 or registrar-issuer" "$tmp/err" || { echo "FAIL: bad policy"; cat "$tmp/err"; exit 1; }
echo "ok: missing anchors, missing policy and a bad policy file are refused (64, 64, 78)"

"$voucher" serve --key masa.key --cert masa.pem --tls-cert tls.pem --tls-key tls.key --idevid-ca vendor.pem \
    --policy policy.yaml --deny-list deny.txt --audit-log audit.ndjson --valid 20m --port 0 2>serve.log &
pid=$!
for _ in $(seq 100); do grep -q "listening on" serve.log 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/.*listening on \(https:[^ ]*\)\/$/\1/p' serve.log)
[[ -n $url ]] || { echo "FAIL: no listening line"; cat serve.log; exit 1; }

nonce=AAECAwQFBgcICQoLDA0ODw==
pvr() {  # pvr OUT PLEDGE [REGISTRAR-CERT] [FORMAT]
    "$voucher" request --nonce "$nonce" --proximity-registrar-cert "${3:-reg.pem}" --key "$2.key" --cert "$2.pem" \
        --format "${4:-cms}" -o "$1"
}
rvr() {  # rvr OUT PVR REGISTRAR CA [FORMAT] [more request options]
    local out=$1 p=$2 r=$3 c=$4 f=${5:-cms}; shift 5 || shift $#
    "$voucher" request --pvr "$p" --key "$r.key" --cert "$r.pem" --chain "$c.pem" --format "$f" "$@" -o "$out"
}
post() {  # post OP BODY-FILE CONTENT-TYPE [ACCEPT]: status in $tmp/status, body in $tmp/body, headers in $tmp/headers
    local accept=()
    [[ -n ${4:-} ]] && accept=(-H "Accept: $4")
    curl -sS --max-time 20 --cacert tls.pem -D headers -o body -w '%{http_code}' -X POST \
        -H "Content-Type: $3" "${accept[@]}" --data-binary "@$2" "$url/.well-known/brski/$1" >status
}
refused() {  # refused OP BODY-FILE CONTENT-TYPE STATUS MESSAGE [ACCEPT]
    post "$1" "$2" "$3" "${6:-}"
    [[ $(cat status) == "$4" ]] || { echo "FAIL: $2 as $3: HTTP $(cat status), want $4"; cat body; exit 1; }
    grep -q "$5" body || { echo "FAIL: $2: reason does not say '$5'"; cat body; exit 1; }
    grep -qi "^content-type: text/plain" headers || { echo "FAIL: $2: the reason is not text/plain"; cat headers; exit 1; }
}
cms=application/voucher-cms+json
jws=application/voucher-jws+json

pvr pvr.cms pledge
rvr rvr.cms pvr.cms reg domain
post requestvoucher rvr.cms $cms
[[ $(cat status) == 200 ]] || { echo "FAIL: good RVR: HTTP $(cat status)"; cat body; exit 1; }
grep -qi "^content-type: $cms" headers || { echo "FAIL: content type"; cat headers; exit 1; }
cp body voucher.cms
expect 0 -- "$voucher" verify --anchor vendor.pem --nonce "$nonce" --serial SN-0001 --idevid pledge.pem --pinned domain.pem \
    --kind voucher voucher.cms
check_json 'r["result"] == "valid" and r["payload"]["ietf-voucher:voucher"]["assertion"] == "proximity"'
check_json '"expires-on" in r["payload"]["ietf-voucher:voucher"]'
openssl cms -verify -binary -inform DER -in voucher.cms -CAfile vendor.pem -purpose any -out content.json 2>cms.err ||
    { echo "FAIL: openssl cms -verify"; cat cms.err; exit 1; }
grep -q '"serial-number":"SN-0001"' content.json || { echo "FAIL: openssl content"; cat content.json; exit 1; }
echo "ok: a CMS RVR gets a CMS voucher (proximity, nonce, domain CA pinned) that iot-voucher verify and openssl cms accept"

post requestvoucher rvr.cms $cms "$jws"
[[ $(cat status) == 200 ]] || { echo "FAIL: JWS Accept: HTTP $(cat status)"; cat body; exit 1; }
grep -qi "^content-type: $jws" headers || { echo "FAIL: JWS content type"; cat headers; exit 1; }
cp body voucher.jws
expect 0 -- "$voucher" verify --anchor vendor.pem --nonce "$nonce" --serial SN-0001 --pinned domain.pem voucher.jws
check_json 'r["result"] == "valid" and r["format"] == "jws"'
pvr pvr.jws pledge reg.pem jws
rvr rvr.jws pvr.jws reg domain jws
post requestvoucher rvr.jws $jws
[[ $(cat status) == 200 ]] || { echo "FAIL: JWS RVR: HTTP $(cat status)"; cat body; exit 1; }
/usr/bin/python3 - voucher.jws masa.pem <<'PY' || { echo "FAIL: jwcrypto does not verify the JWS voucher"; exit 1; }
import json, sys
from jwcrypto import jwk, jws
from cryptography import x509
cert = x509.load_pem_x509_certificate(open(sys.argv[2], "rb").read())
key = jwk.JWK.from_pyca(cert.public_key())
token = jws.JWS()
token.deserialize(open(sys.argv[1]).read())
token.verify(key)
assert json.loads(token.payload)["ietf-voucher:voucher"]["serial-number"] == "SN-0001"
PY
echo "ok: Accept: $jws gets a JWS voucher (jwcrypto verifies it); a JWS RVR is accepted"

pvr pvr.cose pledge reg.pem cose
rvr rvr.cose pvr.cose reg domain cose
post requestvoucher rvr.cose application/voucher+cose
[[ $(cat status) == 200 ]] || { echo "FAIL: COSE RVR: HTTP $(cat status)"; cat body; exit 1; }
grep -qi "^content-type: application/voucher+cose" headers || { echo "FAIL: COSE content type"; cat headers; exit 1; }
openssl x509 -in masa.pem -pubkey -noout >masa.pub
/usr/bin/python3 "$IOTOPS_SRC/tests/interop/cose_check.py" verify masa.pub body || { echo "FAIL: cbor2 + cryptography"; exit 1; }
cp body voucher.cose
expect 0 -- "$voucher" verify --anchor vendor.pem --nonce "$nonce" --serial SN-0001 --pinned domain.pem --cert masa.pem voucher.cose
check_json 'r["result"] == "valid" and r["format"] == "cose"'
echo "ok: a COSE RVR gets a COSE voucher that cbor2 + cryptography verify"

post requestauditlog rvr.cms $cms
[[ $(cat status) == 200 ]] || { echo "FAIL: audit log: HTTP $(cat status)"; cat body; exit 1; }
domain_id=$(openssl x509 -in domain.pem -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' :' | xxd -r -p | base64)
/usr/bin/python3 - "$domain_id" "$nonce" <<'PY' || { echo "FAIL: audit log content"; cat body; exit 1; }
import json, sys
log = json.load(open("body"))
assert log["version"] == "1", log
assert len(log["events"]) == 4, log
for e in log["events"]:
    assert e["domainID"] == sys.argv[1] and e["nonce"] == sys.argv[2] and e["assertion"] == "proximity", e
PY
[[ $(wc -l <audit.ndjson) == 4 ]] || { echo "FAIL: audit.ndjson lines"; cat audit.ndjson; exit 1; }
echo "ok: requestauditlog returns the four events with the domain CA's SKI as domainID"

# Refusals, each with its status and reason.
n=0
refused requestvoucher rvr.cms application/json 415 "unsupported Content-Type"; n=$((n + 1))
refused requestvoucher rvr.cms $cms 406 "names no voucher type" "text/html"; n=$((n + 1))
printf 'this is not a voucher' >garbage
refused requestvoucher garbage $cms 400 "malformed voucher-request"; n=$((n + 1))
: >empty
refused requestvoucher empty $cms 400 "empty body"; n=$((n + 1))
refused requestvoucher rvr.jws $cms 400 "is a jws artifact, not what Content-Type"; n=$((n + 1))
refused requestvoucher pvr.cms $cms 403 "is not a registrar"; n=$((n + 1))   # a PVR: signed by the pledge
pvr pvr-stranger.cms stranger
rvr rvr-stranger.cms pvr-stranger.cms reg domain
refused requestvoucher rvr-stranger.cms $cms 404 "unknown device"; n=$((n + 1))
pvr pvr-web.cms pledge web.pem
rvr rvr-web.cms pvr-web.cms web domain
refused requestvoucher rvr-web.cms $cms 403 "no id-kp-cmcRA"; n=$((n + 1))
pvr pvr9.cms pledge9
rvr rvr9.cms pvr9.cms reg domain
refused requestvoucher rvr9.cms $cms 403 "ownership policy: domain test domain may not claim device SN-9001"; n=$((n + 1))
pvr pvr-other.cms pledge other-reg.pem
rvr rvr-other.cms pvr-other.cms other-reg other-domain
refused requestvoucher rvr-other.cms $cms 403 "ownership policy: domain other domain may not claim device SN-0001"; n=$((n + 1))
refused requestauditlog rvr-other.cms $cms 404 "was issued to this registrar's domain"; n=$((n + 1))
rvr rvr-serial.cms pvr.cms reg domain cms --serial-number SN-0002
refused requestvoucher rvr-serial.cms $cms 400 "serial-number SN-0002 is not the serialNumber SN-0001"; n=$((n + 1))
pvr pvr-pin.cms pledge other-reg.pem
rvr rvr-pin.cms pvr-pin.cms reg domain
refused requestvoucher rvr-pin.cms $cms 403 "proximity-registrar-cert"; n=$((n + 1))
head -c 300 rvr.cms >truncated
refused requestvoucher truncated $cms 400 "malformed voucher-request"; n=$((n + 1))
# the deny list is written by another process (iot-revoke decommission) while the server runs
pvr pvr2.cms pledge2
rvr rvr2.cms pvr2.cms reg domain
post requestvoucher rvr2.cms $cms
[[ $(cat status) == 200 ]] || { echo "FAIL: SN-0002 before the deny list: HTTP $(cat status)"; cat body; exit 1; }
touch index.txt
"$IOTOPS_BIN/iot-revoke" decommission --serial-number SN-0002 --db index.txt --deny-list deny.txt >/dev/null 2>&1
refused requestvoucher rvr2.cms $cms 403 "device SN-0002 is on the deny list"; n=$((n + 1))
echo "ok: $n bad requests refused with their status and reason"

grep -c '"serial-number":"SN-0002"' audit.ndjson | grep -qx 1 || { echo "FAIL: refused requests were logged"; cat audit.ndjson; exit 1; }
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
echo "ok: only issued vouchers are in the audit log; the server stops on SIGTERM"
