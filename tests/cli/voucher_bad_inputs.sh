#!/usr/bin/env bash
# iot-voucher on bad input: every case checks the exit code AND the message (the one-line error on
# stderr, or the failing check named in the report with its message). No partial output files.
set -euo pipefail
: "${IOTOPS_BIN:?}" "${IOTOPS_SRC:?}"
V="${IOTOPS_VECTORS:-$IOTOPS_SRC/tests/vectors}/voucher"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
tool="$IOTOPS_BIN/iot-voucher"
cd "$tmp"
fail() { echo "FAIL: $*"; exit 1; }
. "$IOTOPS_SRC/tests/cli/lib/voucher_pki.sh"
cases=0
# bad CODE REGEX DESCRIPTION -- command...
# Exit 1: REGEX must match a failing check "name: message" of the JSON report, an error record, or
# the error line when there is no report.
# Otherwise: stderr must be one line "iot-voucher: error: ..." matching REGEX.
bad() {
    local want=$1 re=$2 what=$3; shift 4
    local rc=0; "$@" >out 2>err || rc=$?
    [[ $rc -eq $want ]] || { head -c 2000 out; cat err; fail "$what: exit $rc, want $want"; }
    if [[ $want -eq 1 ]]; then
        /usr/bin/python3 -c '
import json, sys
for line in open("out"):
    if not line.strip(): continue
    d = json.loads(line)
    if "error" in d: print("error: " + d["error"]["message"])
    for c in d.get("checks", []):
        if c["result"] == "fail": print(c["check"] + ": " + c.get("message", ""))' >failed
        cat err >>failed
        grep -Eq -- "$re" failed || { cat failed; fail "$what: no failing check matches /$re/"; }
    else
        # one error line, and at most a hint line after it
        [[ $(grep -vc '^iot-voucher: hint: ' err) -eq 1 ]] && head -1 err | grep -q '^iot-voucher: error: ' ||
            { cat err; fail "$what: not a one-line error"; }
        grep -Eq -- "$re" err || { cat err; fail "$what: message does not match /$re/"; }
    fi
    cases=$((cases + 1))
    echo "ok: $what (exit $rc)"
}
b64() { base64 -w0 "$1"; }

"$tool" create --serial-number SN-0001 --assertion logged --nonce AAECAwQFBgcI --pinned-domain-cert reg.pem -o v.json
for f in cms jws cose; do "$tool" sign --format $f --key masa.key --cert masa.pem -o "v.$f" v.json; done
"$tool" request --format cms --key pledge.key --cert pledge.pem --nonce AAECAwQFBgcI -o pvr.cms
"$tool" request --format cms --key reg.key --cert reg.pem --pvr pvr.cms -o rvr.cms

# --- not a voucher artifact at all (65, 66)
printf '' >empty
bad 65 'empty input' "empty file" -- "$tool" verify --anchor ca.pem empty
bad 65 'empty input' "empty stdin" -- bash -c "\"$tool\" inspect - </dev/null"
head -c 300 v.cms >trunc.cms
bad 65 'cms|truncat|asn1|ASN1|parse' "truncated CMS" -- "$tool" verify --anchor ca.pem trunc.cms
echo 'bm90IGEgdm91Y2hlcg==' >garbage.b64
bad 65 'cms|asn1|ASN1|not' "base64 garbage" -- "$tool" verify --anchor ca.pem garbage.b64
echo 'this is %%% not base64 or json' >noise.txt
bad 65 'not CMS, JWS, COSE, JSON or CBOR' "plain text" -- "$tool" inspect noise.txt
bad 66 'nope.cms' "missing file" -- "$tool" verify --anchor ca.pem nope.cms
truncate -s 100M huge.bin
bad 65 'at most 1048576 bytes' "a 100 MB file is refused by its size" -- timeout 10 "$tool" verify --anchor ca.pem huge.bin
bad 65 'at most 1048576 bytes' "100 MB on stdin is refused after 1 MiB" -- bash -c "head -c 100M /dev/zero | timeout 10 \"$tool\" inspect -"
rm -f huge.bin
echo '{"ietf-voucher:vouchr":{"serial-number":"x"}}' >wrongtop.json
bad 65 'unknown top-level member "ietf-voucher:vouchr"' "wrong top-level name" -- "$tool" inspect wrongtop.json
echo '{"ietf-voucher:voucher":{},"ietf-voucher-request:voucher":{}}' >twotop.json
bad 65 'exactly one top-level member' "two top-level members" -- "$tool" inspect twotop.json
echo '{"ietf-voucher:voucher": {"serial-number": ' >badjson.json
bad 65 'at byte' "broken JSON" -- "$tool" inspect badjson.json
/usr/bin/python3 -c '
import sys; d = bytearray(open("v.cose","rb").read()); assert d[0] == 0xd2; d[0] = 0xd1; open("tag17.cose","wb").write(d)'
bad 65 'cbor tag 17 is not COSE_Sign1' "COSE with a wrong tag (17, Mac0)" -- "$tool" verify --cert masa.pem tag17.cose
bad 65 'not DER' "--in-format der on a JSON file" -- "$tool" inspect --in-format der v.json
bad 65 'not CBOR' "--in-format cbor on a CMS file" -- "$tool" inspect --in-format cbor v.cms
openssl cms -sign -binary -in v.json -signer masa.pem -inkey masa.key -outform DER -out detached.cms 2>/dev/null
bad 65 'detached' "CMS with detached content" -- "$tool" verify --anchor ca.pem detached.cms
echo 'eyJhbGciOiJFUzI1NiJ9.e30.AAAA' >compact-empty.jws
bad 65 'voucher|top-level' "compact JWS with an empty object" -- "$tool" inspect compact-empty.jws

# --- signatures, chains and what the caller expects (1, naming the check)
bad 1 'chain: .*(unable to get local issuer|certificate verify|issuer)' "wrong anchor (wrong signer chain)" -- "$tool" verify --anchor other-ca.pem v.cms
bad 1 'signature: ' "COSE voucher with the wrong signer certificate" -- "$tool" verify --anchor ca.pem --cert pledge.pem v.cose
bad 1 'chain: .*expired' "expired chain (verify as of 2030)" -- "$tool" verify --anchor ca.pem --at 2030-01-01T00:00:00Z v.jws
bad 1 'nonce: nonce is .*, want' "nonce mismatch" -- "$tool" verify --anchor ca.pem --nonce AAAAAAAAAAAAAAAA v.cms
bad 1 'serial-number: serial-number is SN-0001, want SN-9' "serial-number mismatch" -- "$tool" verify --anchor ca.pem --serial SN-9 v.cms
bad 1 'pinned-domain-cert: pinned-domain-cert is another certificate' "pinned cert mismatch" -- "$tool" verify --anchor ca.pem --pinned masa.pem v.jws
bad 1 'kind: a pledge voucher-request \(PVR\) where a registrar voucher-request \(RVR\) is expected' \
    "a PVR where an RVR is expected" -- "$tool" verify --anchor ca.pem --kind rvr pvr.cms
bad 1 'kind: a voucher where a pledge voucher-request' "a voucher where a PVR is expected" -- "$tool" verify --anchor ca.pem --kind pvr v.cms
bad 1 'kind: a registrar voucher-request \(RVR\) where a voucher is expected' "an RVR where a voucher is expected" -- \
    "$tool" verify --anchor reg.pem --kind voucher rvr.cms
bad 1 'signature: the voucher is not signed' "an unsigned voucher" -- "$tool" verify --anchor ca.pem v.json
bad 1 'chain: no trust anchor' "no trust anchor given" -- "$tool" verify v.cms

openssl x509 -in pledge.pem -outform DER -out pledge.der
# JWS: alg none, x5c that does not match the signature, a wrong typ
/usr/bin/python3 - <<'PY'
import base64, json
j = json.load(open("v.jws"))
b64u = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
none = dict(j); s = dict(j["signatures"][0])
s["protected"] = b64u(json.dumps({"alg": "none", "typ": "voucher-jws+json"}).encode()); s["signature"] = ""
none["signatures"] = [s]; json.dump(none, open("none.jws", "w"))
other = base64.b64encode(open("pledge.der", "rb").read()).decode()
s = dict(j["signatures"][0]); h = json.loads(base64.urlsafe_b64decode(s["protected"] + "=="))
h["x5c"] = [other]; s["protected"] = b64u(json.dumps(h).encode())
x = dict(j); x["signatures"] = [s]; json.dump(x, open("x5c.jws", "w"))
PY
bad 65 'alg "none" is not allowed' "JWS with alg none" -- "$tool" verify --anchor ca.pem none.jws
bad 1 'signature: ' "JWS whose x5c does not match the signature" -- "$tool" verify --anchor ca.pem x5c.jws

# RVR consistency: serial-number and idevid-issuer must be the PVR signer's; the PVR must verify
"$tool" request --pvr pvr.cms --serial-number SN-9999 --key reg.key --cert reg.pem -o rvr-serial.cms
bad 1 'rvr-serial-number: serial-number is SN-9999, the PVR.s signer certificate says SN-0001' "RVR with another serial-number" -- \
    "$tool" verify --anchor reg.pem rvr-serial.cms
"$tool" request --pvr pvr.cms --idevid-issuer BBgwFoAUAAAAAAAAAAAAAAAAAAAAAAAAAAA= --key reg.key --cert reg.pem -o rvr-aki.cms
bad 1 'rvr-idevid-issuer: idevid-issuer .* is not the PVR signer.s AKI' "RVR with a wrong idevid-issuer" -- \
    "$tool" verify --anchor reg.pem rvr-aki.cms
"$tool" request --pvr pvr.cms --nonce AQEBAQEBAQEB --key reg.key --cert reg.pem -o rvr-nonce.cms
bad 1 'rvr-nonce: ' "RVR with a nonce not the PVR's" -- "$tool" verify --anchor reg.pem rvr-nonce.cms
"$tool" request --pvr pvr.cms -o rvr-unsigned.json
/usr/bin/python3 - <<'PY'
import base64, json
d = json.load(open("rvr-unsigned.json")); r = d["ietf-voucher-request:voucher"]
p = bytearray(base64.b64decode(r["prior-signed-voucher-request"])); i = p.find(b"SN-0001"); p[i + 6] ^= 1
r["prior-signed-voucher-request"] = base64.b64encode(bytes(p)).decode(); json.dump(d, open("rvr-tampered.json", "w"))
PY
"$tool" sign --key reg.key --cert reg.pem -o rvr-tampered.cms rvr-tampered.json
bad 1 'prior-signed-voucher-request: the PVR inside: its signature check fails' "RVR whose PVR was changed" -- \
    "$tool" verify --anchor reg.pem rvr-tampered.cms
bad 1 'prior-signed-voucher-request: the PVR inside: its chain check fails' "RVR whose PVR does not chain to --pvr-anchor" -- \
    "$tool" verify --anchor reg.pem --pvr-anchor other-ca.pem rvr.cms
bad 65 'is a voucher, not a voucher-request' "request --pvr given a voucher" -- "$tool" request --pvr v.cms
bad 65 'PVR is not signed' "request --pvr given an unsigned request" -- "$tool" request --pvr rvr-unsigned.json
/usr/bin/python3 -c '
d = bytearray(open("pvr.cms","rb").read()); i = d.find(b"SN-0001"); d[i + 6] ^= 1; open("pvr-bad.cms","wb").write(d)'
bad 1 "PVR's signature does not verify" "request --pvr given a changed PVR" -- "$tool" request --pvr pvr-bad.cms -o never.json
[[ ! -e never.json ]] || fail "request wrote an output file for a bad PVR"
bad 65 'itself a registrar voucher-request' "request --pvr given an RVR" -- "$tool" request --pvr rvr.cms

# --- legacy forms: accepted with a warning, failures under --strict
/usr/bin/python3 - <<'PY'
import json
d = json.load(open("v.json")); v = d["ietf-voucher:voucher"]
v["nonce"] = "-_-_AAECAwQ"; v["created-on"] = "2026-01-01T09:00:00.250+02:00"
json.dump(d, open("legacy.json", "w"))
PY
"$tool" sign --format jws --key masa.key --cert masa.pem -o legacy.jws legacy.json
"$tool" verify --anchor ca.pem legacy.jws >report.json || fail "legacy forms are accepted without --strict"
grep -q '"result":"warning"' report.json || fail "legacy forms give warnings"
bad 1 'binary-encoding: base64url or unpadded base64 .*nonce' "--strict: unpadded base64url nonce" -- "$tool" verify --strict --anchor ca.pem legacy.jws
bad 1 'date-format: dates with a UTC offset or fractional seconds .*created-on' "--strict: a date with an offset and milliseconds" -- \
    "$tool" verify --strict --anchor ca.pem legacy.jws
bad 1 'signed-data-version: SignedData version 1' "--strict: SignedData version 1 (RFC 8995 vector)" -- "$tool" verify --strict \
    --at 2021-06-01T00:00:00Z --anchor "$V/rfc8995/vendor.crt" --intermediate "$V/rfc8995/masa.crt" "$V/rfc8995/voucher_00-D0-E5-F2-00-02.pkcs"
bad 1 'content-type: eContentType is id-data' "--strict: id-data eContentType" -- "$tool" verify --strict \
    --at 2021-06-01T00:00:00Z --anchor "$V/rfc8995/vendor.crt" --intermediate "$V/rfc8995/masa.crt" "$V/rfc8995/voucher_00-D0-E5-F2-00-02.pkcs"
# a COSE voucher with the old content type name, signed by an independent encoder (cbor2 + cryptography)
"$tool" convert -o v.cbor v.json
/usr/bin/python3 - <<'PY'
import cbor2
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
key = serialization.load_pem_private_key(open("masa.key", "rb").read(), None)
protected = cbor2.dumps({1: -7, 3: "application/voucher-cose+cbor"})
payload = open("v.cbor", "rb").read()
r, s = decode_dss_signature(key.sign(cbor2.dumps(["Signature1", protected, b"", payload]), ec.ECDSA(hashes.SHA256())))
sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
open("oldct.cose", "wb").write(cbor2.dumps(cbor2.CBORTag(18, [protected, {}, payload, sig])))
PY
"$tool" verify --anchor ca.pem --cert masa.pem oldct.cose >report.json || fail "old COSE content type is accepted"
bad 1 'content-type: content type application/voucher-cose\+cbor is the old name' "--strict: old COSE content type name" -- \
    "$tool" verify --strict --anchor ca.pem --cert masa.pem oldct.cose

# --- create, sign and request refuse what breaks the rules (65) or the command line (64)
bad 65 'create: nonce-length: nonce is 3 bytes, want 8..32' "nonce too short" -- "$tool" create --serial-number S --assertion logged --pinned-domain-cert reg.pem --nonce AAEC
bad 65 'create: nonce-length: nonce is 33 bytes' "nonce too long" -- "$tool" create --serial-number S --assertion logged --pinned-domain-cert reg.pem \
    --nonce "$(head -c 33 /dev/zero | base64 -w0)"
printf 'serial-number: S\nassertion: logged\npinned-domain-cert: %s\ncolour: red\n' "$(openssl x509 -in reg.pem -outform DER | base64 -w0)" >unknown.yaml
bad 65 'create: known-leaves: unknown leaf in voucher: colour' "unknown leaf" -- "$tool" create unknown.yaml
bad 65 'create: leaf-types: assertion: "trusted" is not one of' "bad assertion in a description" -- bash -c \
    "echo '{\"serial-number\":\"S\",\"assertion\":\"trusted\",\"pinned-domain-pubk\":\"AAAA\"}' | \"$tool\" create -"
bad 65 'create: required-leaves: missing one of pinned-domain-cert' "no pinned domain" -- "$tool" create --serial-number S --assertion logged
bad 65 'create: leaf-types: created-on: not a date-and-time' "a date that is not RFC 3339" -- "$tool" create --serial-number S --assertion logged \
    --pinned-domain-cert reg.pem --created-on yesterday
bad 65 'expires-on is before created-on' "expires-on before created-on" -- "$tool" create --serial-number S --assertion logged --pinned-domain-cert reg.pem \
    --created-on 2030-01-02T00:00:00Z --expires-on 2030-01-01T00:00:00Z
bad 65 'create: expires-on: expired at' "an already expired voucher" -- "$tool" create --serial-number S --assertion logged --pinned-domain-cert reg.pem \
    --created-on 2020-01-01T00:00:00Z --expires-on 2020-02-01T00:00:00Z
printf 'serial-number: [unclosed\n' >broken.yaml
bad 65 'description: line [0-9]+, column [0-9]+' "YAML syntax error" -- "$tool" create broken.yaml
printf -- '- a\n- b\n' >list.yaml
bad 65 'not a mapping' "YAML list instead of a mapping" -- "$tool" create list.yaml
bad 66 'missing.pem' "pinned cert file missing" -- "$tool" create --serial-number S --assertion logged --pinned-domain-cert missing.pem
bad 65 'certificate' "pinned cert file not a certificate" -- "$tool" create --serial-number S --assertion logged --pinned-domain-cert v.json
bad 64 'expires-in' "bad --expires-in" -- "$tool" create --serial-number S --assertion logged --pinned-domain-cert reg.pem --expires-in soon
bad 65 'already signed' "sign given a signed voucher" -- "$tool" sign --key masa.key --cert masa.pem -o x v.cms
bad 64 'does not belong to the key' "sign with a key that is not the certificate's" -- "$tool" sign --key pledge.key --cert masa.pem -o x v.json
openssl pkcs8 -topk8 -in masa.key -passout pass:s3cret -out masa-enc.key 2>/dev/null
bad 77 'wrong passphrase' "wrong passphrase" -- "$tool" sign --key masa-enc.key --pass pass:wrong --cert masa.pem -o x v.json
bad 64 'only with --format cose' "--output-format cbor with CMS" -- "$tool" sign --stream --format cms --output-format cbor --key masa.key --cert masa.pem v.json
bad 64 'voucher, pvr, rvr|--kind' "verify --kind bogus" -- "$tool" verify --kind bogus v.cms
bad 64 '--at' "verify --at bogus" -- "$tool" verify --at yesterday v.cms
bad 65 'is a voucher \(ietf-voucher:voucher\), not a voucher-request' "request from a voucher description" -- "$tool" request v.json
[[ ! -e x ]] || fail "a failed sign left an output file"

# --- streams: a bad record is an error record in place, the run goes on and exits 1
{ echo '{"serial-number":"A","assertion":"logged","pinned-domain-cert":"'"$(openssl x509 -in reg.pem -outform DER | base64 -w0)"'"}'
  echo '{"serial-number":"B","assertion":"nope"}'
  echo 'not json'; } >mixed.ndjson
bad 1 'error: create: leaf-types: assertion: "nope"' "sign --stream with a rule-breaking record" -- "$tool" sign --stream --key masa.key --cert masa.pem mixed.ndjson
[[ $(wc -l <out) -eq 3 ]] || fail "sign --stream: want 3 output records, got $(wc -l <out)"
{ echo "{\"voucher\":\"$(b64 v.cms)\"}"; echo "{\"voucher\":\"$(b64 tag17.cose)\"}"; echo '"%%%"'; } >mixed-signed.ndjson
bad 1 'error: voucher: cbor tag 17' "verify --stream with a bad artifact record" -- "$tool" verify --stream --anchor ca.pem mixed-signed.ndjson
grep -q '"result":"valid"' out || fail "verify --stream: the good record is not valid"

echo "all $cases bad-input cases passed"
[[ $cases -ge 40 ]] || fail "only $cases bad-input cases"
