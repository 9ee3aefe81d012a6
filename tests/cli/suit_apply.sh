#!/usr/bin/env bash
# iot-suit apply on a simulated device: example-style updates install (file URI, integrated
# payload, A/B slots with try-each, encrypted payload); wrong vendor, wrong class, an old or equal
# sequence number, a corrupted image and an unknown trust anchor are refused with exit 1 and a
# message, and after every refusal the device directory is byte-for-byte what it was.
# Manifests are written and signed by tests/cli/support/suit_manifest.py (cbor2 + cryptography).
set -euo pipefail
: "${IOTOPS_BIN:?}" "${IOTOPS_VECTORS:?}" "${IOTOPS_SRC:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
suit="$IOTOPS_BIN/iot-suit"
v="$IOTOPS_VECTORS/suit/manifest-spec"
make() { /usr/bin/python3 "$IOTOPS_SRC/tests/cli/support/suit_manifest.py" --key "$v/private_key.pem" "$@"; }
VENDOR=fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe
CLASS=1492af14-2569-5e48-bf42-9b2d51f2ab45
OTHER=00112233-4455-6677-8899-aabbccddeeff

. "$IOTOPS_SRC/tests/cli/lib/expect.sh"
check_err() { grep -qF -- "$1" "$tmp/err" || { echo "FAIL: stderr lacks '$1'"; cat "$tmp/err"; exit 1; }; }
tree_hash() {  # names, modes, sizes and contents of everything under a directory
    (cd "$1" && find . -printf '%p %m %s %y\n' | LC_ALL=C sort && find . -type f -exec sha256sum {} + | LC_ALL=C sort) | sha256sum
}
refused() {  # refused ENVELOPE DEVICE MESSAGE: exit 1, message, device unchanged
    local before; before=$(tree_hash "$2")
    expect 1 -- "$suit" apply --device "$2" --report "$tmp/report.cbor" "$1"
    check_err "iot-suit: error: apply refused: $3"
    check_json "r['result'] == 'refused'"
    [[ "$(tree_hash "$2")" == "$before" ]] || { echo "FAIL: device $2 changed after a refusal"; exit 1; }
    ls -a "$(dirname "$2")" | grep -q '\.stage-' && { echo "FAIL: staging directory left behind"; exit 1; }
    return 0
}
report_check() {  # report_check PYTHON-EXPRESSION-ON-rep
    /usr/bin/python3 -c "import cbor2,sys; rep=cbor2.loads(open(sys.argv[1],'rb').read()); assert $1, rep" "$tmp/report.cbor" ||
        { echo "FAIL: SUIT_Report does not satisfy: $1"; exit 1; }
}

head -c 5000 /dev/urandom >fw1.bin
head -c 7000 /dev/urandom >fw2.bin
expect 0 -- "$suit" device-init dev --vendor-id $VENDOR --class-id $CLASS --trust "$v/public_key.pem"
check_err "created device dev"

# 1. one image fetched from a file: URI
make --mode file --seq 1 --vendor $VENDOR --class $CLASS --image fw1.bin --uri "file://$tmp/fw1.bin" --out u1.suit
expect 0 -- "$suit" apply --device dev --report report.cbor u1.suit
check_json "r['result'] == 'installed' and r['sections'] == ['install', 'validate', 'invoke'] and r['invoked'] == ['00']"
cmp fw1.bin dev/components/00
grep -q '"sequence-number": 1' dev/device.json
report_check "rep[4] is True and rep[3] == [] and rep[99][1][0] == -16 and len(rep[99][1][1]) == 32"
echo "ok: file URI update installs, SUIT_Report says success"

# 2. refusals, each leaving the device as it was
make --mode file --seq 2 --vendor $OTHER --class $CLASS --image fw2.bin --uri "file://$tmp/fw2.bin" --out wrong-vendor.suit
refused wrong-vendor.suit dev "vendor-identifier does not match this device"
check_json "r['reason'] == 'condition-failed' and r['failed']['command'] == 'condition-vendor-identifier'"
report_check "rep[4][7] == 10 and rep[4][6][1] == 20"
make --mode file --seq 2 --vendor $VENDOR --class $OTHER --image fw2.bin --uri "file://$tmp/fw2.bin" --out wrong-class.suit
refused wrong-class.suit dev "class-identifier does not match this device"
make --mode file --seq 1 --vendor $VENDOR --class $CLASS --image fw2.bin --uri "file://$tmp/fw2.bin" --out equal.suit
refused equal.suit dev "rollback: manifest-sequence-number 1 is not above the device's 1"
make --mode file --seq 0 --vendor $VENDOR --class $CLASS --image fw2.bin --uri "file://$tmp/fw2.bin" --out older.suit
refused older.suit dev "rollback: manifest-sequence-number 0 is not above the device's 1"
head -c 7000 /dev/urandom >corrupt.bin
make --mode file --seq 2 --vendor $VENDOR --class $CLASS --image fw2.bin --uri "file://$tmp/corrupt.bin" --out corrupt.suit
refused corrupt.suit dev "image-match failed for component 00: digest"
check_json "r['failed']['command'] == 'condition-image-match' and r['failed']['section'] == 'install'"
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out other.pem
/usr/bin/python3 "$IOTOPS_SRC/tests/cli/support/suit_manifest.py" --key other.pem --mode file --seq 2 --vendor $VENDOR \
    --class $CLASS --image fw2.bin --uri "file://$tmp/fw2.bin" --out untrusted.suit
refused untrusted.suit dev "the envelope does not verify with the device's trust anchors"
report_check "rep[4][7] == 4"
cmp fw1.bin dev/components/00
echo "ok: wrong vendor, wrong class, equal and older sequence, corrupted image, unknown signer refused; device unchanged"

# 3. integrated payload, sequence 2
make --mode integrated --seq 2 --vendor $VENDOR --class $CLASS --image fw2.bin --out u2.suit
expect 0 -- "$suit" apply --device dev u2.suit
check_json "r['result'] == 'installed' and r['previous-sequence-number'] == 1 and r['manifest-sequence-number'] == 2"
cmp fw2.bin dev/components/00
echo "ok: integrated payload installs"

# 4. A/B slots: the device in slot 1 takes image B; a soft failure of branch A is recorded
expect 0 -- "$suit" device-init ab --vendor-id $VENDOR --class-id $CLASS --trust "$v/public_key.pem" --slot 1
make --mode ab --seq 3 --vendor $VENDOR --class $CLASS --image fw1.bin --uri "file://$tmp/fw1.bin" \
    --image-b fw2.bin --uri-b "file://$tmp/fw2.bin" --out ab.suit
expect 0 -- "$suit" apply --device ab --report report.cbor ab.suit
check_json "r['result'] == 'installed' and len(r['records']) >= 1 and r['records'][0]['command'] == 'condition-component-slot'"
cmp fw2.bin ab/components/00
report_check "rep[4] is True and len(rep[3]) >= 1 and rep[3][0][4] == {5: 1}"
expect 0 -- "$suit" device-init ab0 --vendor-id $VENDOR --class-id $CLASS --trust "$v/public_key.pem" --slot 0
expect 0 -- "$suit" apply --device ab0 ab.suit
cmp fw1.bin ab0/components/00
expect 0 -- "$suit" device-init ab7 --vendor-id $VENDOR --class-id $CLASS --trust "$v/public_key.pem" --slot 7
refused ab.suit ab7 "try-each: no sequence matched this device"
echo "ok: A/B slots pick the image for the device's slot; no slot refuses"

# 5. encrypted payload: A128KW + A128GCM and ECDH-ES+A128KW + A128CTR
head -c 16 /dev/urandom >device.kek
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out device.pem
openssl pkey -in device.pem -pubout -out device-pub.pem 2>/dev/null
expect 0 -- "$suit" device-init enc --vendor-id $VENDOR --class-id $CLASS --trust "$v/public_key.pem" \
    --key device.kek --key device.pem
expect 0 -- "$suit" encrypt --kek device.kek --alg A128GCM --encryption-info kw.info -o kw.bin fw1.bin
make --mode encrypted --seq 4 --vendor $VENDOR --class $CLASS --image fw1.bin --uri "file://$tmp/kw.bin" \
    --encryption-info kw.info --out enc1.suit
expect 0 -- "$suit" apply --device enc enc1.suit
cmp fw1.bin enc/components/00
cmp kw.bin enc/components/01
expect 0 -- "$suit" encrypt --recipient device-pub.pem --alg A128CTR --encryption-info es.info -o es.bin fw2.bin
make --mode encrypted --seq 5 --vendor $VENDOR --class $CLASS --image fw2.bin --uri "file://$tmp/es.bin" \
    --encryption-info es.info --out enc2.suit
expect 0 -- "$suit" apply --device enc enc2.suit
cmp fw2.bin enc/components/00
# a device without a key, or with the wrong one, refuses, unchanged
refused enc2.suit dev "the payload is encrypted and the device has no decryption key"
head -c 16 /dev/urandom >wrong.kek
expect 0 -- "$suit" device-init wrongkey --vendor-id $VENDOR --class-id $CLASS --trust "$v/public_key.pem" --key wrong.kek
refused enc1.suit wrongkey "decryption failed: no decryption key opens the content key"
check_json "r['reason'] == 'operation-failed' and r['failed']['command'] == 'directive-copy'"
echo "ok: encrypted payloads (A128KW+A128GCM, ECDH-ES+A128KW+A128CTR) install; a device without the key refuses"

# 6. a signed SUIT_Report (COSE_Sign1, payload = the report), checked with python3-cryptography
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out attest.pem
openssl pkey -in attest.pem -pubout -out attest-pub.pem 2>/dev/null
make --mode integrated --seq 9 --vendor $VENDOR --class $CLASS --image fw1.bin --out u9.suit
expect 0 -- "$suit" apply --device dev --report signed.cbor --report-key attest.pem u9.suit
/usr/bin/python3 - signed.cbor attest-pub.pem <<'PY'
import sys, cbor2
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
t = cbor2.loads(open(sys.argv[1], "rb").read())
assert t.tag == 18
prot, unprot, payload, sig = t.value
assert cbor2.loads(prot)[1] in (-7, -9)
tbs = cbor2.dumps(["Signature1", prot, b"", payload])
pub = serialization.load_pem_public_key(open(sys.argv[2], "rb").read())
pub.verify(encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")), tbs, ec.ECDSA(hashes.SHA256()))
report = cbor2.loads(payload)
assert report[4] is True and report[99][1][0] == -16, report
PY
expect 64 -- "$suit" apply --device dev --report-key attest.pem u9.suit
check_err "--report-key needs --report FILE"
echo "ok: the SUIT_Report is signed as COSE_Sign1 with --report-key"

# 7. run-sequence nesting within the limit runs
make --mode integrated --seq 10 --vendor $VENDOR --class $CLASS --image fw2.bin --nest 3 --out nested.suit
expect 0 -- "$suit" apply --device dev nested.suit
cmp fw2.bin dev/components/00
echo "ok: nested run-sequence installs"

# 8. concurrent applies to one device: the lock serialises them, so the highest sequence number
#    wins whatever the order and nothing is left staged
expect 0 -- "$suit" device-init race --vendor-id $VENDOR --class-id $CLASS --trust "$v/public_key.pem"
for n in 1 2 3 4 5; do make --mode integrated --seq $n --vendor $VENDOR --class $CLASS --image fw1.bin --out race$n.suit; done
for n in 5 1 4 2 3; do "$suit" apply --device race race$n.suit >/dev/null 2>&1 & done
wait
grep -q '"sequence-number": 5' race/device.json || { echo "FAIL: concurrent applies lost the highest sequence number"; cat race/device.json; exit 1; }
! ls -a | grep -q '\.stage-' || { echo "FAIL: staging directory left behind"; exit 1; }
echo "ok: concurrent applies are serialised"

# 9. swap: the new image is fetched into component 01, checked, and swapped into 00; the old one
#    stays in 01 (dev holds fw2 in 00 after step 7)
make --mode swap --seq 11 --vendor $VENDOR --class $CLASS --image fw1.bin --uri "file://$tmp/fw1.bin" --out swap.suit
expect 0 -- "$suit" apply --device dev swap.suit
cmp fw1.bin dev/components/00
cmp fw2.bin dev/components/01
echo "ok: swap installs the new image and keeps the old one"

# 10. device-identifier: a manifest for another device is refused, one for this device installs
expect 0 -- "$suit" device-init one --vendor-id $VENDOR --class-id $CLASS --device-id 11111111-2222-3333-4444-555555555555 \
    --trust "$v/public_key.pem"
make --mode integrated --seq 1 --vendor $VENDOR --class $CLASS --device-id 99999999-2222-3333-4444-555555555555 \
    --image fw1.bin --out other-device.suit
refused other-device.suit one "device-identifier does not match this device"
make --mode integrated --seq 1 --vendor $VENDOR --class $CLASS --device-id 11111111-2222-3333-4444-555555555555 \
    --image fw1.bin --out this-device.suit
expect 0 -- "$suit" apply --device one this-device.suit
cmp fw1.bin one/components/00
echo "ok: device-identifier is checked"
