#!/usr/bin/env bash
# iot-enroll pledge refuses what it cannot work with before it talks to anyone, with one line and
# the documented exit status; a stream turns each bad record into an error record and goes on.
# (The exchange itself is tested end to end in tests/interop/brski_https.sh.)
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$IOTOPS_SRC/tests/cli/lib/expect.sh"
source "$IOTOPS_SRC/tests/cli/lib/pki.sh"
enroll="$IOTOPS_BIN/iot-enroll"
pki_ca mfg "Acme manufacturer CA"
for sn in A1 A2; do
    "$enroll" provision --ca-cert "$tmp/mfg.pem" --ca-key "$tmp/mfg.key" --masa-url masa.example --out "$tmp/d" \
        --serial $sn >/dev/null
done
closed=https://127.0.0.1:1
refused() {  # refused STATUS MESSAGE -- pledge arguments...
    local status=$1 message=$2
    shift 3
    expect "$status" -- "$enroll" pledge "$@"
    grep -qF -- "$message" "$tmp/err" || { echo "FAIL: no '$message' in: $(cat "$tmp/err")"; exit 1; }
    [[ $(wc -l <"$tmp/err") == 1 ]] || { echo "FAIL: more than one line on stderr"; cat "$tmp/err"; exit 1; }
}
refused 64 "--registrar is required" -- --masa-ca "$tmp/mfg.pem" --device "$tmp/d/A1"
refused 64 "--masa-ca is required" -- --registrar $closed --device "$tmp/d/A1"
refused 64 "give --device DIR, or --key with --cert" -- --registrar $closed --masa-ca "$tmp/mfg.pem"
refused 64 "an https://host:port or coaps://host:port origin: ftp://x" -- --registrar ftp://x --masa-ca "$tmp/mfg.pem" --device "$tmp/d/A1"
refused 64 "an origin without a path" -- --registrar $closed/brski --masa-ca "$tmp/mfg.pem" --device "$tmp/d/A1"
refused 64 "an origin without a path" -- --registrar coaps://127.0.0.1:1/b --masa-ca "$tmp/mfg.pem" --device "$tmp/d/A1"
refused 66 "nowhere/idevid.key" -- --registrar $closed --masa-ca "$tmp/mfg.pem" --device "$tmp/nowhere"
refused 66 "missing.pem" -- --registrar $closed --masa-ca "$tmp/missing.pem" --device "$tmp/d/A1"
refused 78 "is not for the key" -- --registrar $closed --masa-ca "$tmp/mfg.pem" --key "$tmp/d/A1/idevid.key" \
    --cert "$tmp/d/A2/idevid.pem"
refused 64 "over https:// the voucher-request is cms or jws, not cose" -- --registrar $closed --masa-ca "$tmp/mfg.pem" \
    --device "$tmp/d/A1" --voucher-format cose
# cBRSKI over coaps://: COSE only, and the DTLS options only there.
coaps_closed=coaps://127.0.0.1:1
refused 64 "over coaps:// the voucher-request is COSE (content-format 836), not cms" -- --registrar $coaps_closed \
    --masa-ca "$tmp/mfg.pem" --device "$tmp/d/A1" --voucher-format cms
refused 64 "--max-fragment-length is for a coaps:// registrar" -- --registrar $closed --masa-ca "$tmp/mfg.pem" \
    --device "$tmp/d/A1" --max-fragment-length 512
refused 66 "nothere.pem" -- --registrar $coaps_closed --masa-ca "$tmp/mfg.pem" --masa-cert "$tmp/nothere.pem" \
    --device "$tmp/d/A1"
refused 64 "--max-fragment-length: 2048 not in {512,1024}" -- --registrar $coaps_closed --masa-ca "$tmp/mfg.pem" \
    --device "$tmp/d/A1" --max-fragment-length 2048
# Nobody at the coaps:// port: exit 69, the same first step, the transport named.
expect 69 -- "$enroll" pledge --registrar $coaps_closed --masa-ca "$tmp/mfg.pem" --device "$tmp/d/A1" --timeout 5
check_json 'r["failed-step"] == "provisional-tls" and r["transport"] == "coaps" and len(r["steps"]) == 1'
grep -q "error: provisional-tls: coaps://127.0.0.1:1: .*Connection refused" "$tmp/err" || { echo "FAIL: $(cat "$tmp/err")"; exit 1; }
# Nobody listening: the transcript ends at the first step, exit 69.
expect 69 -- "$enroll" pledge --registrar $closed --masa-ca "$tmp/mfg.pem" --device "$tmp/d/A1"
check_json 'r["result"] == "failed" and r["failed-step"] == "provisional-tls" and r["serial-number"] == "A1"'
check_json 'len(r["steps"]) == 1 and r["steps"][0]["result"] == "fail"'
grep -q "error: provisional-tls: .*Connection refused" "$tmp/err" || { echo "FAIL: $(cat "$tmp/err")"; exit 1; }
# A stream: a record without an identity, a broken line and an unreachable registrar: three
# error records in order, exit 1.
printf '{"x":1}\nnot json\n{"directory":"%s"}\n' "$tmp/d/A1" >"$tmp/records"
expect 1 -- "$enroll" pledge --stream --registrar $closed --masa-ca "$tmp/mfg.pem" "$tmp/records"
/usr/bin/python3 - "$tmp/out" <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
assert [x["index"] for x in r] == [0, 1, 2], r
assert r[0]["error"]["code"] == "malformed" and "directory" in r[0]["error"]["message"], r[0]
assert r[1]["error"]["code"] == "malformed", r[1]
assert r[2]["error"]["code"] == "unreachable" and r[2]["error"]["message"].startswith("provisional-tls:"), r[2]
PY
echo PASS
