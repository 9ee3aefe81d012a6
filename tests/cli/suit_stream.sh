#!/usr/bin/env bash
# Streams: create and sign NDJSON descriptions with --jobs into a CBOR sequence or NDJSON records,
# in input order; sign a stream of unsigned envelopes; verify a stream, one report per envelope.
set -euo pipefail
: "${IOTOPS_BIN:?}" "${IOTOPS_VECTORS:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
suit="$IOTOPS_BIN/iot-suit"
v="$IOTOPS_VECTORS/suit/manifest-spec"
fail() { echo "FAIL: $*"; exit 1; }

/usr/bin/python3 - >"$tmp/descs.ndjson" <<'PY'
import json
for i in range(300):
    print(json.dumps({"id": f"dev-{i}", "sequence-number": i, "components": [[{"hex": "00"}]],
        "shared-sequence": [{"override-parameters": {"vendor-id": {"domain": "example.com"},
            "class-id": {"vendor": {"domain": "example.com"}, "model": f"model-{i % 7}"},
            "image-digest": {"sha256": f"{i:064x}"}, "image-size": 1000 + i}},
            {"vendor-identifier": 15}, {"class-identifier": 15}],
        "validate": [{"image-match": 15}], "invoke": [{"invoke": 2}]}))
PY

# CBOR sequence out, signed, 3 jobs: every record in order, each verifies
"$suit" create --stream --jobs 3 --key "$v/private_key.pem" "$tmp/descs.ndjson" -o "$tmp/signed.cbor"
/usr/bin/python3 - "$tmp/signed.cbor" <<'PY' || fail "CBOR sequence output"
import cbor2, io, sys
f = io.BytesIO(open(sys.argv[1], 'rb').read())
n = 0
while f.tell() < len(f.getbuffer()):
    e = cbor2.load(f).value
    m = cbor2.loads(e[3])
    assert m[2] == n, (m[2], n)
    assert len(cbor2.loads(e[2])) == 2
    n += 1
assert n == 300, n
PY
"$suit" verify --stream --jobs 2 --key "$v/public_key.pem" "$tmp/signed.cbor" -o "$tmp/reports.ndjson"
/usr/bin/python3 - "$tmp/reports.ndjson" <<'PY' || fail "stream verify reports"
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
assert len(r) == 300 and all(x['result'] == 'valid' for x in r)
assert [x['manifest-sequence-number'] for x in r] == list(range(300))
PY
echo "ok: create --stream --jobs 3 --key into a CBOR sequence; verify --stream holds for all 300"

# NDJSON out, unsigned; then sign --stream (NDJSON in, CBOR out) and verify
"$suit" create --stream --out-format ndjson "$tmp/descs.ndjson" -o "$tmp/unsigned.ndjson"
/usr/bin/python3 - "$tmp/unsigned.ndjson" <<'PY' || fail "NDJSON output"
import base64, cbor2, json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
assert len(r) == 300 and r[5]['id'] == 'dev-5' and r[5]['index'] == 5
e = cbor2.loads(base64.b64decode(r[5]['envelope'])).value
assert cbor2.loads(e[3])[2] == 5 and len(cbor2.loads(e[2])) == 1
PY
"$suit" sign --stream --jobs 2 --key "$v/private_key.pem" "$tmp/unsigned.ndjson" -o "$tmp/signed2.cbor"
"$suit" verify --stream --key "$v/public_key.pem" "$tmp/signed2.cbor" >"$tmp/r2"
[[ $(grep -c '"result":"valid"' "$tmp/r2") -eq 300 ]] || fail "sign --stream"
echo "ok: NDJSON records out; sign --stream; verify"

# a stream with one unsigned envelope: its report is invalid, exit 1, the others are valid
"$suit" create --stream "$tmp/descs.ndjson" -o "$tmp/unsigned.cbor"
cat "$tmp/signed2.cbor" >"$tmp/mixed.cbor"
/usr/bin/python3 -c "
import cbor2,io,sys
f=io.BytesIO(open(sys.argv[1],'rb').read()); first=cbor2.load(f)
sys.stdout.buffer.write(cbor2.dumps(first))" "$tmp/unsigned.cbor" >>"$tmp/mixed.cbor"
set +e; "$suit" verify --stream --key "$v/public_key.pem" "$tmp/mixed.cbor" >"$tmp/r3"; rc=$?; set -e
[[ $rc -eq 1 ]] || fail "a stream with an unsigned envelope: exit $rc"
[[ $(grep -c '"result":"valid"' "$tmp/r3") -eq 300 && $(grep -c '"result":"invalid"' "$tmp/r3") -eq 1 ]] || fail "mixed reports"
echo "ok: an invalid envelope in a stream is reported, exit 1"
