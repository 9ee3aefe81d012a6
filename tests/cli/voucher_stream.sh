#!/usr/bin/env bash
# A production run: NDJSON (or a JSON array) of voucher descriptions in, one signed voucher per
# record out in input order (base64 in NDJSON records, or a CBOR sequence of COSE_Sign1), with
# --jobs; verify --stream over the result.
set -euo pipefail
: "${IOTOPS_BIN:?}" "${IOTOPS_SRC:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
tool="$IOTOPS_BIN/iot-voucher"
cd "$tmp"
fail() { echo "FAIL: $*"; exit 1; }
. "$IOTOPS_SRC/tests/cli/lib/voucher_pki.sh"

pin=$(openssl x509 -in reg.pem -outform DER | base64 -w0)
for i in $(seq 1 60); do
    printf '{"serial-number":"SN-%04d","assertion":"logged","nonce":"AAECAwQFBgc%s","pinned-domain-cert":"%s"}\n' "$i" "$((i % 10))" "$pin"
done >run.ndjson
/usr/bin/python3 -c 'import json; print(json.dumps([json.loads(l) for l in open("run.ndjson")][:5]))' >run.json

in_order() {  # in_order FILE N: N records, indexes 0..N-1, serial-numbers SN-0001.. in order
    /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == int(sys.argv[2]), len(recs)
for i, r in enumerate(recs):
    assert r["index"] == i, (i, r.get("index"))
    assert r["serial-number"] == "SN-%04d" % (i + 1), r
    assert "error" not in r, r
PY
}

for fmt in cms jws cose; do
    "$tool" sign --stream --format "$fmt" --key masa.key --cert masa.pem --jobs 3 -o "signed.$fmt.ndjson" run.ndjson
    in_order "signed.$fmt.ndjson" 60 || fail "$fmt: sign --stream records"
    extra=(); [[ $fmt == cose ]] && extra=(--cert masa.pem)
    "$tool" verify --stream --anchor ca.pem "${extra[@]}" --kind voucher --jobs 2 -o "verified.$fmt.ndjson" "signed.$fmt.ndjson" ||
        fail "$fmt: verify --stream"
    in_order "verified.$fmt.ndjson" 60 || fail "$fmt: verify --stream records"
    grep -c '"result":"valid"' "verified.$fmt.ndjson" | grep -qx 60 || fail "$fmt: not all valid"
    echo "ok: $fmt: 60 descriptions -> sign --stream --jobs 3 -> verify --stream, in order"
done

# one record taken out of the stream is an ordinary artifact that openssl verifies
/usr/bin/python3 -c 'import json,base64; r=[json.loads(l) for l in open("signed.cms.ndjson")][7]
open("one.cms","wb").write(base64.b64decode(r["voucher"]))'
openssl cms -verify -binary -inform DER -in one.cms -CAfile ca.pem -purpose any -out one.json 2>/dev/null ||
    fail "openssl does not verify a streamed CMS voucher"
grep -q '"SN-0008"' one.json || fail "streamed record 7 is not SN-0008"
echo "ok: a streamed CMS voucher verifies with openssl cms"

# a JSON array in, a CBOR sequence of COSE_Sign1 out
"$tool" sign --stream --format cose --output-format cbor --key masa.key --cert masa.pem -o run.cbor run.json
/usr/bin/python3 - <<'PY' || fail "CBOR sequence"
import cbor2, io
f = io.BytesIO(open("run.cbor", "rb").read()); items = []
while f.tell() < len(f.getbuffer()):
    items.append(cbor2.load(f))
assert len(items) == 5, len(items)
for i, it in enumerate(items):
    assert isinstance(it, cbor2.CBORTag) and it.tag == 18, it
    payload = cbor2.loads(it.value[2])
    assert payload[2451][11] == "SN-%04d" % (i + 1), payload  # 2462 - 2451: serial-number
PY
"$tool" verify --stream --anchor ca.pem --cert masa.pem run.cbor >cbor-report.ndjson || fail "verify --stream over CBOR"
in_order cbor-report.ndjson 5 || fail "verify over CBOR: records"
echo "ok: JSON array -> CBOR sequence of COSE_Sign1 -> verify --stream"

# a changed record fails alone; the others stay valid and the run exits 1
/usr/bin/python3 - <<'PY'
import json, base64
lines = open("signed.cose.ndjson").read().splitlines()
r = json.loads(lines[3]); b = bytearray(base64.b64decode(r["voucher"])); b[-5] ^= 1
r["voucher"] = base64.b64encode(bytes(b)).decode(); lines[3] = json.dumps(r)
open("tampered.ndjson", "w").write("\n".join(lines) + "\n")
PY
rc=0; "$tool" verify --stream --anchor ca.pem --cert masa.pem tampered.ndjson >t.ndjson || rc=$?
[[ $rc -eq 1 ]] || fail "tampered stream: exit $rc, want 1"
[[ $(grep -c '"result":"invalid"' t.ndjson) -eq 1 && $(sed -n 4p t.ndjson | grep -c '"result":"invalid"') -eq 1 ]] ||
    fail "tampered stream: want exactly record 3 invalid"
echo "ok: one changed record in 60 fails alone (exit 1)"
echo "all voucher stream checks passed"
