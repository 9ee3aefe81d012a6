#!/usr/bin/env bash
# iot-enroll provision: IDevIDs minted from a manufacturer CA that openssl made, checked with openssl
# (subject serialNumber, id-pe-masa-url as a non-critical IA5String, no key usage restrictions,
# notAfter 99991231235959Z, chain verifies, key matches, mode 0600); one device and a stream of 20 on
# 4 jobs; bad inputs each with exit code and message, and no partial device directory after a failure.
set -euo pipefail
: "${IOTOPS_BIN:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
enroll="$IOTOPS_BIN/iot-enroll"
cd "$tmp"
fail() { echo "FAIL: $*"; exit 1; }

# --- the manufacturer PKI: a root and an issuing CA under it (the IDevID issuer)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key -out root.pem \
    -subj "/O=Acme/CN=Acme Root CA" -days 3650 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout mfg.key -out mfg.csr \
    -subj "/O=Acme/CN=Acme IDevID CA" 2>/dev/null
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n' >ca.ext
openssl x509 -req -in mfg.csr -CA root.pem -CAkey root.key -CAcreateserial -days 3650 -extfile ca.ext -out mfg.pem 2>/dev/null
openssl pkey -in mfg.key -aes256 -passout pass:factory-secret -out mfg-enc.key
ca=(--ca-cert mfg.pem --ca-key mfg.key)

# check_idevid DIR SERIAL MASA [MUD]: what RFC 8995 section 2.3 asks of the certificate, by openssl.
check_idevid() {
    local d=$1 serial=$2 masa=$3 mud=${4:-}
    local cert="$d/idevid.pem"
    openssl x509 -in "$cert" -noout -subject -nameopt RFC2253 | grep -q "serialNumber=$serial\b" ||
        fail "$serial: subject serialNumber: $(openssl x509 -in "$cert" -noout -subject)"
    [[ $(openssl x509 -in "$cert" -noout -enddate) == "notAfter=Dec 31 23:59:59 9999 GMT" ]] || fail "$serial: notAfter"
    openssl asn1parse -in "$cert" | grep -q 'GENERALIZEDTIME *:99991231235959Z' || fail "$serial: notAfter is not GeneralizedTime"
    # id-pe-masa-url: OID, no critical flag, then an OCTET STRING holding an IA5String
    openssl asn1parse -in "$cert" >asn1.txt
    local line next off
    line=$(grep -n 'OBJECT *:1.3.6.1.5.5.7.1.32$' asn1.txt | cut -d: -f1) || fail "$serial: no id-pe-masa-url"
    next=$(sed -n "$((line + 1))p" asn1.txt)
    [[ $next == *"OCTET STRING"* ]] || fail "$serial: id-pe-masa-url is critical or odd: $next"
    off=$(awk -F: '{ print $1 + 0 }' <<<"$next")
    openssl asn1parse -in "$cert" -strparse "$off" | grep -q "IA5STRING *:$masa\$" ||
        fail "$serial: MASA URL is not IA5String '$masa': $(openssl asn1parse -in "$cert" -strparse "$off")"
    if [[ -n $mud ]]; then
        line=$(grep -n 'OBJECT *:1.3.6.1.5.5.7.1.25$' asn1.txt | cut -d: -f1) || fail "$serial: no id-pe-mud-url"
        off=$(sed -n "$((line + 1))p" asn1.txt | awk -F: '{ print $1 + 0 }')
        openssl asn1parse -in "$cert" -strparse "$off" | grep -q "IA5STRING *:$mud\$" || fail "$serial: MUD URL"
    elif grep -q ':1.3.6.1.5.5.7.1.25$' asn1.txt; then
        fail "$serial: a MUD URL nobody asked for"
    fi
    # RFC 8995 section 2.3 recommends no key usage restrictions in an IDevID
    ! openssl x509 -in "$cert" -noout -text | grep -q 'Key Usage' || fail "$serial: key usage restrictions"
    openssl x509 -in "$cert" -noout -text | grep -q 'CA:FALSE' || fail "$serial: not an end-entity certificate"
    # the chain a pledge presents: its IDevID and the issuing CA, not the root; it verifies to the root
    [[ $(grep -c 'BEGIN CERTIFICATE' "$d/chain.pem") -eq 2 ]] || fail "$serial: chain.pem should hold 2 certificates"
    cmp -s <(openssl x509 -in "$d/chain.pem") <(openssl x509 -in "$cert") || fail "$serial: chain.pem does not start with the IDevID"
    openssl verify -CAfile root.pem -untrusted "$d/chain.pem" "$cert" >/dev/null || fail "$serial: chain does not verify"
    # the key is the certificate's, and private
    cmp -s <(openssl pkey -in "$d/idevid.key" -pubout) <(openssl x509 -in "$cert" -noout -pubkey) ||
        fail "$serial: key does not match the certificate"
    [[ $(stat -c %a "$d/idevid.key") == 600 ]] || fail "$serial: key mode $(stat -c %a "$d/idevid.key")"
    [[ $(stat -c %a "$d") == 700 ]] || fail "$serial: device directory mode $(stat -c %a "$d")"
}
no_leftovers() {  # no staging directories left behind
    [[ -z $(find out -mindepth 1 -maxdepth 1 -name '.*' 2>/dev/null) ]] || fail "staging directories left: $(ls -A out)"
}

# --- one device, encrypted CA key through --pass, MUD URL
MFG_PASS=factory-secret "$enroll" provision --ca-cert mfg.pem --ca-key mfg-enc.key --pass env:MFG_PASS \
    --masa-url masa.example.com:9443 --mud-url https://mud.example.com/widget.json --out out --serial JADA123 >one.json
/usr/bin/python3 - <<'PY' || fail "single result record"
import hashlib, json, ssl
r = json.load(open("one.json"))
assert r["serial-number"] == "JADA123", r
assert r["key"] == "out/JADA123/idevid.key" and r["certificate"] == "out/JADA123/idevid.pem", r
assert r["chain"] == "out/JADA123/chain.pem" and r["directory"] == "out/JADA123", r
der = ssl.PEM_cert_to_DER_cert(open(r["certificate"]).read())
assert r["fingerprint-sha256"] == hashlib.sha256(der).hexdigest(), r
assert r["not-after"] == "9999-12-31T23:59:59Z", r
PY
check_idevid out/JADA123 JADA123 masa.example.com:9443 https://mud.example.com/widget.json
openssl x509 -in out/JADA123/idevid.pem -noout -subject -nameopt RFC2253 | grep -q '^subject=serialNumber=JADA123,CN=JADA123$' ||
    fail "default subject: $(openssl x509 -in out/JADA123/idevid.pem -noout -subject -nameopt RFC2253)"
echo "ok: one device"

# the IDevID works as a pledge identity: a voucher-request signed with it verifies to the root, and a
# voucher made from it carries its serial number and its whole AKI extension value as idevid-issuer
voucher="$IOTOPS_BIN/iot-voucher"
"$voucher" request --format cms --key out/JADA123/idevid.key --cert out/JADA123/idevid.pem --nonce AAECAwQFBgcI \
    --proximity-registrar-cert root.pem -o pvr.cms
"$voucher" verify --anchor root.pem --intermediate mfg.pem --serial JADA123 pvr.cms >pvr.json || fail "PVR with the IDevID: $(cat pvr.json)"
"$voucher" create --idevid out/JADA123/idevid.pem --assertion logged --pinned-domain-cert root.pem >v.json
aki=$(openssl x509 -in out/JADA123/idevid.pem -noout -text | grep -A1 'Authority Key Identifier' | tail -1 | tr -d ' :\n')
/usr/bin/python3 - "$aki" <<'PY' || fail "voucher from the IDevID"
import base64, json, sys
v = json.load(open("v.json"))["ietf-voucher:voucher"]
assert v["serial-number"] == "JADA123", v
assert base64.b64decode(v["idevid-issuer"]) == bytes.fromhex("041830168014" + sys.argv[1]), v
PY
echo "ok: the IDevID signs a voucher-request"

# --subject, P-384 and Ed25519 device keys, a full https MASA URI, --valid
"$enroll" provision "${ca[@]}" --masa-url https://masa.example.com/.well-known/brski --subject 'O=Acme,CN=Widget 9' \
    --key-type p384 --out out --serial W-9 >/dev/null
openssl x509 -in out/W-9/idevid.pem -noout -subject -nameopt RFC2253 | grep -q '^subject=serialNumber=W-9,CN=Widget 9,O=Acme$' ||
    fail "--subject: $(openssl x509 -in out/W-9/idevid.pem -noout -subject -nameopt RFC2253)"
openssl pkey -in out/W-9/idevid.key -noout -text | grep -q 'NIST CURVE: P-384' || fail "--key-type p384"
check_idevid out/W-9 W-9 https://masa.example.com/.well-known/brski
"$enroll" provision "${ca[@]}" --masa-url masa.example.com --key-type ed25519 --valid 30d --out out --serial E-1 >/dev/null
openssl pkey -in out/E-1/idevid.key -noout -text | grep -q 'ED25519 Private-Key' || fail "--key-type ed25519"
want=$(date -u -d '+30 days' +%s)
got=$(date -u -d "$(openssl x509 -in out/E-1/idevid.pem -noout -enddate | cut -d= -f2)" +%s)
(( got > want - 3600 && got < want + 3600 )) || fail "--valid 30d: notAfter $got, want about $want"
openssl verify -CAfile root.pem -untrusted out/E-1/chain.pem out/E-1/idevid.pem >/dev/null || fail "Ed25519 IDevID chain"
echo "ok: --subject, --key-type, --valid"

# --- a stream of 20 on 4 jobs: NDJSON records, JSON strings and plain lines, in order
{
    for i in $(seq -w 1 20); do
        case $((10#$i % 3)) in
            0) echo "{\"serial-number\":\"SN-$i\",\"id\":$((10#$i))}" ;;
            1) echo "SN-$i" ;;
            2) echo "\"SN-$i\"" ;;
        esac
    done
} >devices.ndjson
"$enroll" provision "${ca[@]}" --ca-chain root.pem --masa-url masa.example.com:9443 --out out --stream --jobs 4 \
    devices.ndjson -o results.ndjson
/usr/bin/python3 - <<'PY' || fail "stream results"
import json
lines = [json.loads(l) for l in open("results.ndjson")]
assert len(lines) == 20, len(lines)
for i, r in enumerate(lines):
    assert "error" not in r, r
    assert r["index"] == i and r["serial-number"] == "SN-%02d" % (i + 1), r
    assert r["key"] == "out/SN-%02d/idevid.key" % (i + 1), r
    if (i + 1) % 3 == 0: assert r["id"] == i + 1, r
assert len({r["certificate-serial"] for r in lines}) == 20
assert len({r["fingerprint-sha256"] for r in lines}) == 20
PY
for i in $(seq -w 1 20); do check_idevid "out/SN-$i" "SN-$i" masa.example.com:9443; done
no_leftovers
echo "ok: a stream of 20 on 4 jobs"

# a JSON array on stdin, per-record mud-url, results on stdout
echo '[{"serial-number":"ARR-1","mud-url":"https://mud.example.com/a.json"},"ARR-2"]' |
    "$enroll" provision "${ca[@]}" --masa-url masa.example.com:9443 --out out --stream >arr.ndjson
[[ $(wc -l <arr.ndjson) -eq 2 ]] || fail "JSON array: $(cat arr.ndjson)"
check_idevid out/ARR-1 ARR-1 masa.example.com:9443 https://mud.example.com/a.json
check_idevid out/ARR-2 ARR-2 masa.example.com:9443
echo "ok: JSON array"

# a CBOR sequence of maps (RFC 8742)
/usr/bin/python3 -c 'import cbor2, sys; sys.stdout.buffer.write(cbor2.dumps({"serial-number": "CB-1"}) + cbor2.dumps({"serial-number": "CB-2", "id": 2}))' >seq.cbor
"$enroll" provision "${ca[@]}" --masa-url masa.example.com:9443 --out out --stream seq.cbor >cbor.ndjson
/usr/bin/python3 -c '
import json
r = [json.loads(l) for l in open("cbor.ndjson")]
assert [x["serial-number"] for x in r] == ["CB-1", "CB-2"] and r[1]["id"] == 2, r' || fail "CBOR sequence: $(cat cbor.ndjson)"
check_idevid out/CB-2 CB-2 masa.example.com:9443
echo "ok: CBOR sequence"

# --force replaces a device: a new key and certificate, the directory swapped whole
old_key=$(sha256sum <out/JADA123/idevid.key)
"$enroll" provision "${ca[@]}" --masa-url masa.example.com:9443 --out out --serial JADA123 --force >forced.json
[[ $(sha256sum <out/JADA123/idevid.key) != "$old_key" ]] || fail "--force kept the old key"
check_idevid out/JADA123 JADA123 masa.example.com:9443
no_leftovers
echo "ok: --force"

# --- bad input: exit code and the one-line message; no device directory appears
cases=0
bad() {  # bad CODE REGEX WHAT -- command...
    local want=$1 re=$2 what=$3; shift 4
    local before rc=0
    before=$(ls -A out | sort)
    "$@" >bad.out 2>bad.err || rc=$?
    [[ $rc -eq $want ]] || { cat bad.out bad.err; fail "$what: exit $rc, want $want"; }
    [[ $(grep -vc '^iot-enroll: hint: ' bad.err) -eq 1 ]] && head -1 bad.err | grep -q '^iot-enroll: error: ' ||
        { cat bad.err; fail "$what: not a one-line error"; }
    grep -Eq -- "$re" bad.err || { cat bad.err; fail "$what: message does not match /$re/"; }
    [[ ! -s bad.out ]] || { cat bad.out; fail "$what: output on failure"; }
    [[ $(ls -A out | sort) == "$before" ]] || fail "$what: the output directory changed: $(ls -A out)"
    cases=$((cases + 1))
    echo "ok: $what (exit $rc)"
}
p=("$enroll" provision "${ca[@]}" --masa-url masa.example.com:9443 --out out)
bad 64 '--masa-url is required' "no --masa-url" -- "$enroll" provision "${ca[@]}" --out out --serial X1
bad 64 'must reach the MASA over HTTPS' "http MASA URL" -- "$enroll" provision "${ca[@]}" --masa-url http://masa.example.com/x --out out --serial X1
bad 64 'IA5String' "MASA URL with a space" -- "$enroll" provision "${ca[@]}" --masa-url 'masa example' --out out --serial X1
bad 64 'does not use https' "http MUD URL" -- "${p[@]}" --mud-url http://mud.example.com/a.json --serial X1
bad 65 "serial-number \"a/b\": contains '/'" "serial with a slash" -- "${p[@]}" --serial a/b
bad 65 "serial-number \"\\.\\.\": is '\\.\\.'" "serial .." -- "${p[@]}" --serial ..
bad 65 'serial-number "": empty' "empty serial" -- "${p[@]}" --serial ''
bad 65 'serial-number "a\\nb": contains a control character' "serial with a newline" -- "${p[@]}" --serial $'a\nb'
bad 65 "starts with '\\.'" "hidden serial" -- "${p[@]}" --serial .hidden
bad 65 "contains '_', which a PrintableString" "serial outside PrintableString" -- "${p[@]}" --serial x_y
bad 65 'longer than 64' "serial too long" -- "${p[@]}" --serial "$(printf 'A%.0s' {1..65})"
bad 66 'nope.key' "missing CA key" -- "$enroll" provision --ca-cert mfg.pem --ca-key nope.key --masa-url m --out out --serial X1
mkdir keydir
bad 74 'keydir: Is a directory' "unreadable CA key (a directory)" -- "$enroll" provision --ca-cert mfg.pem --ca-key keydir --masa-url m --out out --serial X1
if [[ $(id -u) -ne 0 ]]; then
    cp mfg.key locked.key && chmod 000 locked.key
    bad 77 'locked.key' "unreadable CA key (mode 000)" -- "$enroll" provision --ca-cert mfg.pem --ca-key locked.key --masa-url m --out out --serial X1
fi
bad 77 'wrong passphrase' "wrong passphrase" -- "$enroll" provision --ca-cert mfg.pem --ca-key mfg-enc.key --pass pass:guess --masa-url m --out out --serial X1
bad 77 'encrypted and no passphrase' "encrypted CA key without --pass" -- "$enroll" provision --ca-cert mfg.pem --ca-key mfg-enc.key --masa-url m --out out --serial X1
bad 64 'does not belong to the CA certificate' "CA certificate and key mismatch" -- "$enroll" provision --ca-cert mfg.pem --ca-key root.key --masa-url m --out out --serial X1
bad 64 'is not a CA certificate' "an IDevID as the CA" -- "$enroll" provision --ca-cert out/SN-01/idevid.pem --ca-key out/SN-01/idevid.key --masa-url m --out out --serial X1
bad 64 'is not the issuer of' "--ca-chain out of order" -- "${p[@]}" --ca-chain out/SN-02/idevid.pem --serial X1
bad 64 'serialNumber comes from each device' "--subject with serialNumber" -- "${p[@]}" --subject 'serialNumber=1' --serial X1
bad 64 'unknown object name' "--subject with an unknown attribute" -- "${p[@]}" --subject 'XX=1' --serial X1
bad 64 'give --serial for one device or --stream' "neither --serial nor --stream" -- "${p[@]}"
bad 64 'out/SN-01: the device is already provisioned' "existing device without --force" -- "${p[@]}" --serial SN-01
grep -q 'give --force' bad.err || fail "no --force hint"

# a failed write leaves no key without its certificate: chain.pem is over the 1 KiB file size limit
rc=0
(trap '' XFSZ; ulimit -f 1; "${p[@]}" --serial BIG-1 >bad.out 2>bad.err) || rc=$?
[[ $rc -eq 74 ]] && grep -q 'chain.pem: File too large' bad.err || { cat bad.err; fail "write failure: exit $rc"; }
[[ ! -e out/BIG-1 ]] || fail "write failure left out/BIG-1"
no_leftovers
cases=$((cases + 1)); echo "ok: write failure leaves nothing (exit 74)"

# --- a stream goes on past bad records, one error record each, and exits 1
printf '%s\n' 'OK-1' '{"serial-number":"OK-2"' '{"serial-number":"bad/name"}' '{"serial-number":"OK-3","colour":"red"}' \
    'SN-01' '{"id":7}' '[1]' 'OK-4' 'OK-4' >mixed.ndjson
rc=0
"${p[@]}" --stream --jobs 2 mixed.ndjson >mixed.out 2>mixed.err || rc=$?
[[ $rc -eq 1 ]] || { cat mixed.err; fail "stream with bad records: exit $rc"; }
/usr/bin/python3 - <<'PY' || fail "stream error records"
import json
r = [json.loads(l) for l in open("mixed.out")]
assert [x["index"] for x in r] == list(range(9)), r
ok = lambda x, sn: "error" not in x and x["serial-number"] == sn
err = lambda x, code, msg: x["error"]["code"] == code and msg in x["error"]["message"]
assert ok(r[0], "OK-1"), r[0]
assert err(r[1], "malformed", "record 1: at byte "), r[1]
assert err(r[2], "malformed", "contains '/'") and r[2]["serial-number"] == "bad/name", r[2]
assert err(r[3], "malformed", 'unknown member "colour"') and r[3]["serial-number"] == "OK-3", r[3]
assert err(r[4], "usage", "out/SN-01: the device is already provisioned") and r[4]["serial-number"] == "SN-01", r[4]
assert err(r[5], "malformed", "no serial-number") and r[5]["id"] == 7, r[5]
assert err(r[6], "malformed", "expected {"), r[6]
assert ok(r[7], "OK-4"), r[7]
assert err(r[8], "usage", "already provisioned"), r[8]
PY
for s in OK-1 OK-4; do check_idevid "out/$s" "$s" masa.example.com:9443; done
[[ ! -e out/OK-3 && ! -e out/bad ]] || fail "a failed record left a device directory"
no_leftovers
[[ ! -s mixed.err ]] || { cat mixed.err; fail "stderr during a piped stream"; }
cases=$((cases + 1)); echo "ok: stream with bad records (exit 1)"

# --- a serial repeated within one run takes effect in input order whatever the threads do: the first
# record provisions it and repeats are refused; with --force the last one stands
for round in 1 2 3; do
    rm -rf dup; : >dups.txt
    for i in $(seq 1 12); do for k in 1 2 3; do echo "DUP-$i" >>dups.txt; done; done
    rc=0; "$enroll" provision "${ca[@]}" --masa-url m --out dup --stream --jobs 4 dups.txt >dups.out || rc=$?
    [[ $rc -eq 1 ]] || fail "repeated serials: exit $rc"
    /usr/bin/python3 - <<'PY' || fail "repeated serials, round $round"
import json
r = [json.loads(l) for l in open("dups.out")]
assert len(r) == 36
for i, x in enumerate(r):
    if i % 3 == 0: assert "error" not in x, x
    else: assert "already provisioned" in x["error"]["message"], x
PY
    "$enroll" provision "${ca[@]}" --masa-url m --out dup --stream --jobs 4 --force dups.txt >forced.out
    /usr/bin/python3 - <<'PY' || fail "repeated serials with --force, round $round"
import hashlib, json, ssl
r = [json.loads(l) for l in open("forced.out")]
for i, x in enumerate(r):
    assert "error" not in x, x
    if i % 3 == 2:
        der = ssl.PEM_cert_to_DER_cert(open(x["certificate"]).read())
        assert hashlib.sha256(der).hexdigest() == x["fingerprint-sha256"], x
PY
done
echo "ok: repeated serials in one run, in input order"

echo "enroll_provision: $cases bad-input cases"
[[ $cases -ge 8 ]] || fail "too few bad-input cases"
