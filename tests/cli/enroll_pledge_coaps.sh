#!/usr/bin/env bash
# iot-enroll pledge --registrar coaps://... (cBRSKI) against the test driver's registrar: the whole
# exchange with its files and transcript, --verbose CoAP exchanges, --stream with --jobs, and
# each kind of failure with its exit status, failed step and one error line: a voucher in the
# wrong content-format (76), a voucher for another nonce or pledge (1), the MASA's certificate
# missing (1), CA certificates in the wrong format (76), a registrar that goes silent (69), also
# part-way through a block-wise answer (69), both through a relay that drops the
# registrar's records after the first few. (Every step in detail:
# tests/unit/est_pledge_coaps.cpp.)
set -euo pipefail
source "$IOTOPS_SRC/tests/cli/lib/servers.sh"
source "$IOTOPS_SRC/tests/cli/lib/expect.sh"
enroll="$IOTOPS_BIN/iot-enroll"
driver="$IOTOPS_BUILD/drivers/driver_cbrski_registrar"

# registrar NAME [--break WHAT]: starts one (each with a PKI of its own), sets $url, $pki (its
# certificates) and $its (the pledge options trusting its MASA).
registrar() {
    local dir="$tmp/$1"; shift
    mkdir -p "$dir"
    timeout 60 "$driver" "$dir" "$@" 2>"$dir/log" &
    pids+=($!)
    for _ in $(seq 100); do grep -q "listening on" "$dir/log" && break; sleep 0.1; done
    url=$(sed -n 's/.*listening on \(coaps:\/\/[^ ]*\).*/\1/p' "$dir/log")
    [[ -n "$url" ]] || { echo "FAIL: registrar did not start"; cat "$dir/log"; exit 1; }
    pki="$dir"
    its=(--masa-ca "$pki/vendor.pem" --masa-cert "$pki/masa.pem")
}
failed() {  # failed STATUS STEP MESSAGE -- pledge arguments
    local status=$1 step=$2 msg=$3; shift 4
    expect "$status" -- "$enroll" pledge "$@"
    check_json "r['failed-step'] == '$step' and r['transport'] == 'coaps' and r['result'] == 'failed'"
    grep -qF -- "iot-enroll: error: $step: " "$tmp/err" && grep -qF -- "$msg" "$tmp/err" ||
        { echo "FAIL: '$step: ...$msg' not in: $(cat "$tmp/err")"; exit 1; }
    [[ $(wc -l <"$tmp/err") -eq 1 ]] || { echo "FAIL: more than one line: $(cat "$tmp/err")"; exit 1; }
}

registrar good
good=$url
trust=(--masa-ca "$pki/vendor.pem" --masa-cert "$pki/masa.pem")
for sn in C1 C2 C3; do
    "$enroll" provision --ca-cert "$pki/vendor.pem" --ca-key "$pki/vendor.key" --masa-url masa.example --out "$tmp/d" \
        --serial $sn >/dev/null
done

# One device: enrolled, with its files; the transcript names the transport and CoAP codes.
expect 0 -- "$enroll" pledge --registrar "$good" "${trust[@]}" --device "$tmp/d/C1" --out "$tmp/e1"
check_json 'r["result"] == "enrolled" and r["transport"] == "coaps" and r["serial-number"] == "C1"'
check_json '[s["step"] for s in r["steps"]] == ["provisional-tls", "voucher-request", "requestvoucher", "voucher", "registrar-certificate", "voucher_status", "cacerts", "simpleenroll", "enrollstatus"]'
check_json 'all(s["result"] == "ok" for s in r["steps"]) and r["steps"][2]["coap-code"] == "2.04" and r["steps"][0]["max-fragment-length"] == 1024'
check_json '"coap" not in r["steps"][2]'
[[ $(stat -c %a "$tmp/e1/ldevid.key") == 600 ]] || { echo "FAIL: key mode"; exit 1; }
openssl verify -CAfile "$tmp/e1/domain-ca.pem" "$tmp/e1/ldevid.pem" >/dev/null || { echo "FAIL: LDevID does not verify"; exit 1; }
cmp -s <(openssl pkey -in "$tmp/e1/ldevid.key" -pubout) <(openssl x509 -in "$tmp/e1/ldevid.pem" -noout -pubkey) ||
    { echo "FAIL: LDevID is not for its key"; exit 1; }
/usr/bin/python3 -c 'import cbor2,sys; v=cbor2.loads(open(sys.argv[1],"rb").read()); assert v.tag == 18 and len(v.value) == 4' \
    "$tmp/e1/voucher.cose" || { echo "FAIL: voucher.cose is not a COSE_Sign1"; exit 1; }
echo "ok: one pledge over coaps://, files and transcript"

# --verbose: every CoAP exchange; --max-fragment-length 512; the MASA certificate in --masa-ca.
expect 0 -- "$enroll" pledge --registrar "$good" --masa-ca "$pki/vendor.pem" --masa-ca "$pki/masa.pem" --device "$tmp/d/C2" \
    --verbose --max-fragment-length 512
check_json 'r["steps"][0]["max-fragment-length"] == 512'
check_json 'r["steps"][2]["coap"][0]["request"]["method"] == "POST" and r["steps"][2]["coap"][0]["request"]["content-format"] == 836'
check_json 'r["steps"][2]["coap"][0]["response"]["code"] == "2.04" and "base64" in r["steps"][2]["coap"][0]["response"]["body"]'
check_json 'r["steps"][6]["coap"][0]["request"]["accept"] == 62 and r["steps"][7]["coap"][0]["request"]["content-format"] == 286'
echo "ok: --verbose and max_fragment_length 512"

# --stream over coaps://, unchanged: one result per record in order, a bad record in between.
printf '{"directory":"%s","id":"a"}\n{"x":1}\n{"directory":"%s","id":"c"}\n' "$tmp/d/C2" "$tmp/d/C3" >"$tmp/records"
expect 1 -- "$enroll" pledge --stream --registrar "$good" "${trust[@]}" --jobs 2 --out "$tmp/many" "$tmp/records"
/usr/bin/python3 - "$tmp/out" <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
assert len(r) == 3, r
assert r[0]["result"] == "enrolled" and r[0]["id"] == "a" and r[0]["serial-number"] == "C2", r[0]
assert r[1]["error"]["code"] == "malformed" and r[1]["index"] == 1, r[1]
assert r[2]["result"] == "enrolled" and r[2]["id"] == "c", r[2]
PY
[[ -s "$tmp/many/C3/voucher.cose" && -s "$tmp/many/C2/ldevid.pem" ]] || { echo "FAIL: stream files"; ls -R "$tmp/many"; exit 1; }
echo "ok: --stream --jobs 2 over coaps://"

# Failures: the step, the exit status, the reason.
failed 1 voucher "the voucher carries no certificate and no MASA certificate the pledge holds" -- \
    --registrar "$good" --masa-ca "$pki/vendor.pem" --device "$tmp/d/C1"
registrar bad-format --break rv-format
failed 76 requestvoucher "the registrar answered content-format 60, not 836 (application/voucher+cose)" -- \
    --registrar "$url" "${its[@]}" --device "$tmp/d/C1"
registrar bad-nonce --break nonce
failed 1 voucher "voucher check nonce failed" -- --registrar "$url" "${its[@]}" --device "$tmp/d/C1"
registrar bad-serial --break serial
failed 1 voucher "voucher check serial-number failed" -- --registrar "$url" "${its[@]}" --device "$tmp/d/C1"
registrar bad-crts --break crts-format
failed 76 cacerts "EST-coaps crts: the answer has content-format 287, not 62 (the Accept sent)" -- \
    --registrar "$url" "${its[@]}" --device "$tmp/d/C1" --out "$tmp/not"
[[ ! -e "$tmp/not" ]] || { echo "FAIL: files written for a failed enrolment"; exit 1; }
registrar es-refused --break es-refused
expect 0 -- "$enroll" pledge --registrar "$url" "${its[@]}" --device "$tmp/d/C1"
check_json 'r["steps"][8]["warning"] == "the registrar answered 4.00: enrollstatus not understood"'
echo "ok: failures with their step and exit status"

# A relay that passes the first N of the registrar's DTLS application records: N=0, nothing
# answers the voucher-request (69); N=1, the voucher's first 512-byte block and no more (69);
# N=3, silence at the CA certificates (69).
cut() {
    timeout 30 /usr/bin/python3 "$IOTOPS_SRC/tests/interop/coap/cutoff_proxy.py" "${good##*:}" "$1" 25 >"$tmp/cut$1.port" &
    pids+=($!)
    for _ in $(seq 50); do [[ -s "$tmp/cut$1.port" ]] && break; sleep 0.1; done
    cut_url="coaps://127.0.0.1:$(cat "$tmp/cut$1.port")"
}
cut 0
failed 69 requestvoucher "no answer to POST /.well-known/brski/rv within 2000 ms" -- \
    --registrar "$cut_url" "${trust[@]}" --device "$tmp/d/C1" --timeout 2
cut 1
failed 69 requestvoucher "POST /.well-known/brski/rv: the block-wise answer (2.04) stopped after 512 bytes in 1 block" -- \
    --registrar "$cut_url" "${trust[@]}" --device "$tmp/d/C1" --timeout 2
cut 3
failed 69 cacerts "no answer to GET /.well-known/est/crts within 2000 ms" -- \
    --registrar "$cut_url" "${trust[@]}" --device "$tmp/d/C1" --timeout 2
echo "ok: a registrar gone silent (69), also part-way through a block-wise answer"
