#!/usr/bin/env bash
# A COSE voucher signed by `iot-voucher sign --format cose` verifies with the independent cbor2 +
# cryptography checker (tests/interop/cose_check.py), its payload is SID-keyed YANG-CBOR (2451), and
# a tampered payload is refused by the checker too.
set -euo pipefail
: "${IOTOPS_BIN:?}" "${IOTOPS_SRC:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
tool="$IOTOPS_BIN/iot-voucher"
check=(/usr/bin/python3 "$IOTOPS_SRC/tests/interop/cose_check.py")

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout masa.key -out masa.pem \
    -subj /CN=cose-interop-masa -days 1 2>/dev/null
openssl x509 -in masa.pem -pubkey -noout >masa.pub
printf '%s' '{"ietf-voucher:voucher":{"assertion":"logged","created-on":"2026-01-01T00:00:00Z","serial-number":"JADA1","pinned-domain-cert":"MIIB"}}' >voucher.json
"$tool" sign --format cose --key masa.key --cert masa.pem -o v.cose voucher.json

"${check[@]}" verify masa.pub v.cose || { echo "FAIL: the independent checker refuses iot-voucher's COSE voucher"; exit 1; }
/usr/bin/python3 - <<'PY'
import cbor2
msg = cbor2.loads(open("v.cose", "rb").read())
assert msg.tag == 18, msg.tag
assert cbor2.loads(msg.value[0]) == {1: -7}, "protected header is not {1: -7} (ES256)"
payload = cbor2.loads(msg.value[2])
assert list(payload) == [2451], payload
inner = payload[2451]
assert inner[1] == 1 and inner[11] == "JADA1", inner  # assertion logged, serial-number by SID delta
PY
echo "ok: cbor2 + cryptography verify iot-voucher's COSE voucher (ES256, SID 2451 payload)"
"${check[@]}" tamper v.cose bad.cose payload
if "${check[@]}" verify masa.pub bad.cose; then echo "FAIL: checker accepted a tampered voucher"; exit 1; fi
rc=0; "$tool" verify --cert masa.pem bad.cose >/dev/null || rc=$?
[[ $rc -eq 1 || $rc -eq 65 ]] || { echo "FAIL: iot-voucher verify of a tampered payload exited $rc"; exit 1; }
echo "ok: a tampered payload is refused by both (iot-voucher exit $rc)"
