#!/usr/bin/env bash
# A JWS voucher signed by `iot-voucher sign --format jws` verifies with python3-jwcrypto using the
# key from its x5c leaf, carries typ voucher-jws+json, and its payload is the voucher; a changed
# signature is refused by jwcrypto too.
set -euo pipefail
: "${IOTOPS_BIN:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
tool="$IOTOPS_BIN/iot-voucher"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout masa.key -out masa.pem \
    -subj /CN=jws-interop-masa -days 1 2>/dev/null
printf '%s' '{"ietf-voucher:voucher":{"assertion":"logged","created-on":"2026-01-01T00:00:00Z","serial-number":"JADA1","pinned-domain-cert":"MIIB"}}' >voucher.json
"$tool" sign --format jws --key masa.key --cert masa.pem -o v.jws.json voucher.json

/usr/bin/python3 - <<'PY'
import base64, json
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from jwcrypto import jwk, jws
text = open("v.jws.json").read()
doc = json.loads(text)
sig = doc["signatures"][0]
hdr = json.loads(base64.urlsafe_b64decode(sig["protected"] + "=="))
assert hdr["typ"] == "voucher-jws+json", hdr
assert hdr["alg"] == "ES256", hdr
leaf = x509.load_der_x509_certificate(base64.b64decode(hdr["x5c"][0]))  # standard base64
key = jwk.JWK.from_pem(leaf.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))
t = jws.JWS()
t.deserialize(text)
t.verify(key)
payload = json.loads(t.payload)
assert payload == json.load(open("voucher.json")), payload
print("ok: jwcrypto verifies iot-voucher's JWS voucher (typ voucher-jws+json, x5c standard base64)")
i = text.index(sig["signature"]) + 2
bad = text[:i] + ("B" if text[i] == "A" else "A") + text[i + 1:]
t2 = jws.JWS()
t2.deserialize(bad)
try:
    t2.verify(key)
except jws.InvalidJWSSignature:
    print("ok: jwcrypto refuses a changed signature")
else:
    raise SystemExit("FAIL: jwcrypto accepted a changed signature")
PY
