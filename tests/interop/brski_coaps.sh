#!/usr/bin/env bash
# Constrained BRSKI over CoAPS on loopback with iotops alone: the registrar serves HTTPS and CoAPS
# from one process, the MASA (iot-voucher serve) takes the COSE registrar voucher-requests over
# HTTPS, and 50 pledges onboard over CoAPS concurrently. Every LDevID must chain to the
# registrar's CA. Then the ways it fails: no DTLS server, a wrong content-format, a voucher for
# another pledge, a registrar that goes silent mid-exchange, a block-wise transfer cut off, the
# MASA gone.
set -euo pipefail
source "$IOTOPS_SRC/tests/cli/lib/servers.sh"
source "$IOTOPS_SRC/tests/cli/lib/expect.sh"
source "$IOTOPS_SRC/tests/cli/lib/pki.sh"
enroll="$IOTOPS_BIN/iot-enroll"
voucher="$IOTOPS_BIN/iot-voucher"
proxy="$IOTOPS_SRC/tests/interop/coap/cutoff_proxy.py"

brski_pki
pki_ca other "Somebody else's CA"
pki_leaf impostor "/CN=registrar.example" other "extendedKeyUsage=serverAuth"
: >"$tmp/deny"
mkdir -p "$tmp/db"

"$voucher" serve --key "$tmp/masa.key" --cert "$tmp/masa.pem" --tls-cert "$tmp/masa-tls.pem" \
    --tls-key "$tmp/masa-tls.key" --idevid-ca "$tmp/mfg.pem" --any-registrar --deny-list "$tmp/deny" \
    --audit-log "$tmp/masa-audit.ndjson" --port 0 2>"$tmp/masa.log" &
masa_pid=$!
pids+=("$masa_pid")
masa=$(wait_listening "$masa_pid" "$tmp/masa.log")

"$enroll" registrar serve --tls-cert "$tmp/registrar-chain.pem" --tls-key "$tmp/registrar.key" \
    --ca-cert "$tmp/domain.pem" --ca-key "$tmp/domain.key" --db "$tmp/db/index.txt" \
    --client-ca "$tmp/mfg.pem" --masa-ca "$tmp/mfg.pem" --audit-log "$tmp/registrar-audit.ndjson" \
    --port 0 --coaps 0 2>"$tmp/registrar.log" &
registrar_pid=$!
pids+=("$registrar_pid")
wait_listening "$registrar_pid" "$tmp/registrar.log" >/dev/null
coaps=$(sed -n 's/.* and \(coaps:[^ ]*\)$/\1/p' "$tmp/registrar.log")
[[ $coaps == coaps://127.0.0.1:* ]] || { echo "FAIL: no CoAPS origin"; cat "$tmp/registrar.log"; exit 1; }
coaps_port=${coaps##*:}

for i in $(seq -w 1 50); do echo "SN-$i"; done >"$tmp/serials"
expect 0 -- "$enroll" provision --ca-cert "$tmp/mfg.pem" --ca-key "$tmp/mfg.key" --masa-url "${masa#https://}" \
    --out "$tmp/devices" --stream --jobs 2 "$tmp/serials"
cp "$tmp/out" "$tmp/provisioned.ndjson"
for sn in DENIED-1 SN-X1 SN-X2 SN-X3 SN-X4 SN-X5; do
    expect 0 -- "$enroll" provision --ca-cert "$tmp/mfg.pem" --ca-key "$tmp/mfg.key" --masa-url "${masa#https://}" \
        --out "$tmp/devices" --serial "$sn"
done

# One pledge over CoAPS, its transcript step by step: the same steps as over HTTPS.
expect 0 -- "$enroll" pledge --registrar "$coaps" --masa-ca "$tmp/mfg.pem" --masa-cert "$tmp/masa.pem" --device "$tmp/devices/SN-01" \
    --out "$tmp/devices/SN-01"
check_json 'r["result"] == "enrolled" and r["serial-number"] == "SN-01" and r["transport"] == "coaps"'
check_json '[s["step"] for s in r["steps"]] == ["provisional-tls", "voucher-request", "requestvoucher", "voucher", "registrar-certificate", "voucher_status", "cacerts", "simpleenroll", "enrollstatus"]'
check_json 'all(s["result"] == "ok" for s in r["steps"])'
check_json 'r["steps"][1]["format"] == "cose" and "proximity-registrar-pubk" in r["steps"][1]["voucher-request"]["ietf-voucher-request:voucher"]'
check_json 'r["steps"][3]["voucher"]["ietf-voucher:voucher"]["serial-number"] == "SN-01"'
openssl verify -CAfile "$tmp/domain.pem" "$tmp/devices/SN-01/ldevid.pem" >/dev/null
# The voucher the pledge kept is COSE (tag 18) without the MASA's unprotected x5bag.
/usr/bin/python3 - "$tmp/devices/SN-01" <<'EOF'
import cbor2, glob, sys
(path,) = [p for p in glob.glob(sys.argv[1] + "/voucher*") if not p.endswith(".json")]
v = cbor2.loads(open(path, "rb").read())
assert isinstance(v, cbor2.CBORTag) and v.tag == 18, v
assert 32 not in v.value[1] and 33 not in v.value[1], v.value[1]
EOF

# 50 pledges at once over CoAPS, straight from the factory's records.
expect 0 -- "$enroll" pledge --stream --jobs 8 --registrar "$coaps" --masa-ca "$tmp/mfg.pem" --masa-cert "$tmp/masa.pem" "$tmp/provisioned.ndjson"
[[ $(grep -c '"result":"enrolled"' "$tmp/out") == 50 ]] || { echo "FAIL: not 50 enrolled"; cat "$tmp/out"; exit 1; }
for d in "$tmp"/devices/SN-[0-9]*; do
    openssl verify -CAfile "$tmp/domain.pem" "$d/ldevid.pem" >/dev/null || { echo "FAIL: $d/ldevid.pem"; exit 1; }
done
# The MASA issued 51 COSE vouchers, the registrar logged 51 voucher requests and enrolments, the
# CA database holds 51 valid certificates.
/usr/bin/python3 - "$tmp" <<'EOF'
import collections, json, sys
tmp = sys.argv[1]
masa = collections.Counter(json.loads(l)["serial-number"] for l in open(f"{tmp}/masa-audit.ndjson"))
assert sum(masa.values()) == 51 and set(masa) == {f"SN-{i:02d}" for i in range(1, 51)}, masa
log = [json.loads(l) for l in open(f"{tmp}/registrar-audit.ndjson")]
vouchers = [e for e in log if e.get("operation") == "requestvoucher"]
assert len(vouchers) == 51 and all(e["status"] == 200 for e in vouchers), vouchers[:3]
index = [l.split("\t") for l in open(f"{tmp}/db/index.txt")]
assert len(index) == 51 and all(f[0] == "V" for f in index), len(index)
EOF

# The EST-coaps client against the same registrar, with an LDevID as DTLS client certificate.
expect 0 -- "$enroll" est cacerts --url "$coaps" --ca-file "$tmp/domain.pem" \
    --cert "$tmp/devices/SN-01/ldevid.pem" --key "$tmp/devices/SN-01/ldevid.key"
openssl x509 -in "$tmp/out" -noout -subject | grep -q "Example domain CA" || { echo "FAIL: cacerts over CoAPS"; cat "$tmp/out"; exit 1; }

# A voucher-request in the wrong content-format: 4.15 from the registrar, said by coap-client.
coap-client-openssl -m post -t 50 -e '{}' -c "$tmp/devices/SN-02/chain.pem" -j "$tmp/devices/SN-02/idevid.key" \
    -B 10 "coaps://127.0.0.1:$coaps_port/.well-known/brski/rv" >"$tmp/cc.out" 2>&1 || true
grep -q "4.15" "$tmp/cc.out" || { echo "FAIL: wrong content-format not 4.15"; cat "$tmp/cc.out"; exit 1; }

# A serial on the MASA's deny list: 4.03 passed on, the pledge stops at requestvoucher, exit 1.
echo DENIED-1 >"$tmp/deny"
expect 1 -- "$enroll" pledge --registrar "$coaps" --masa-ca "$tmp/mfg.pem" --masa-cert "$tmp/masa.pem" --device "$tmp/devices/DENIED-1"
check_json 'r["result"] == "failed" and r["failed-step"] == "requestvoucher" and "deny" in r["error"]'

# Rogue registrars over CoAPS: one hands out a genuine MASA voucher made for another pledge, one
# answers in the wrong content-format.
"$enroll" provision --ca-cert "$tmp/mfg.pem" --ca-key "$tmp/mfg.key" --masa-url "${masa#https://}" --out "$tmp/devices" \
    --serial SN-OTHER >/dev/null
printf '{"ietf-voucher:voucher":{"assertion":"logged","serial-number":"SN-OTHER","created-on":"2026-01-01T00:00:00Z","nonce":"AAECAwQFBgcI","pinned-domain-cert":"%s"}}' \
    "$(openssl x509 -in "$tmp/impostor.pem" -outform DER | base64 -w0)" >"$tmp/other.json"
"$voucher" sign --format cose --key "$tmp/masa.key" --cert "$tmp/masa.pem" -o "$tmp/other.cose" "$tmp/other.json"
rogue() {  # rogue VOUCHER CF: a rogue registrar; sets rogue_uri
    "$IOTOPS_BUILD/drivers/driver_coap" serve "$tmp/impostor.pem" "$tmp/impostor.key" "$1" "$2" 2>"$tmp/rogue.log" &
    pids+=($!)
    rogue_uri=$(for _ in $(seq 50); do grep -q "listening on" "$tmp/rogue.log" && break; sleep 0.1; done
                sed -n 's/.*listening on \(coaps:\/\/[^ /]*\).*/\1/p' "$tmp/rogue.log")
}
rogue "$tmp/other.cose" 836
expect 1 -- "$enroll" pledge --registrar "$rogue_uri" --masa-ca "$tmp/mfg.pem" --masa-cert "$tmp/masa.pem" --device "$tmp/devices/SN-X1"
check_json 'r["failed-step"] == "voucher" and ("serial-number" in r["error"] or "nonce" in r["error"])'
check_json '[s["step"] for s in r["steps"]][-1] == "voucher_status"'
kill "${pids[-1]}"
rogue "$tmp/other.cose" 50
expect 76 -- "$enroll" pledge --registrar "$rogue_uri" --masa-ca "$tmp/mfg.pem" --masa-cert "$tmp/masa.pem" --device "$tmp/devices/SN-X2"
check_json 'r["failed-step"] == "requestvoucher" and "content-format" in r["error"]'
kill "${pids[-1]}"

# The registrar goes silent mid-exchange (a relay drops its answers after the first ones): exit 69,
# the step where it happened, no LDevID.
cutoff() {  # cutoff KEEP: a relay to the registrar passing KEEP application-data records; sets cut_uri
    /usr/bin/python3 "$proxy" "$coaps_port" "$1" 60 >"$tmp/proxy.port" &
    pids+=($!)
    for _ in $(seq 50); do [[ -s $tmp/proxy.port ]] && break; sleep 0.1; done
    cut_uri="coaps://127.0.0.1:$(cat "$tmp/proxy.port")"
}
cutoff 1
expect 69 -- "$enroll" pledge --registrar "$cut_uri" --masa-ca "$tmp/mfg.pem" --masa-cert "$tmp/masa.pem" --device "$tmp/devices/SN-X3" \
    --timeout 3 --out "$tmp/devices/SN-X3"
check_json 'r["result"] == "failed" and r["failed-step"] not in (None, "provisional-tls")'
[[ ! -e $tmp/devices/SN-X3/ldevid.pem ]] || { echo "FAIL: an LDevID from a failed run"; exit 1; }
kill "${pids[-1]}"
# A block-wise transfer cut off after its first block: the EST-coaps client fails, writes nothing.
cutoff 1
expect 69 -- "$enroll" est cacerts --url "$cut_uri" --ca-file "$tmp/domain.pem" --max-fragment-length 512 \
    --cert "$tmp/devices/SN-01/ldevid.pem" --key "$tmp/devices/SN-01/ldevid.key" --timeout 3 -o "$tmp/cut.pem"
[[ ! -e $tmp/cut.pem ]] || { echo "FAIL: partial cacerts written"; exit 1; }
kill "${pids[-1]}"

# The MASA goes away: the registrar answers 5.02, the pledge says where it broke, exit 69.
kill "$masa_pid"
wait "$masa_pid" 2>/dev/null || true
expect 69 -- "$enroll" pledge --registrar "$coaps" --masa-ca "$tmp/mfg.pem" --masa-cert "$tmp/masa.pem" --device "$tmp/devices/SN-X4"
check_json 'r["failed-step"] == "requestvoucher" and "5.02" in r["error"]'

# No DTLS server at all: the first step fails with the reason, exit 69.
expect 69 -- "$enroll" pledge --registrar "coaps://127.0.0.1:1" --masa-ca "$tmp/mfg.pem" --masa-cert "$tmp/masa.pem" --device "$tmp/devices/SN-X5" --timeout 2
check_json 'r["failed-step"] == "provisional-tls" and r["error"]'
echo "PASS"
