#!/usr/bin/env bash
# BRSKI over HTTPS on loopback with iotops alone: provision pledges at the "factory", serve a MASA
# (iot-voucher serve) and a registrar (iot-enroll registrar serve), onboard 50 pledges
# concurrently. Every LDevID must chain to the registrar's CA (openssl verify) and the MASA's
# audit log, the registrar's log and the CA database must agree. Then the ways it fails: a denied
# serial, a registrar that lies about the nonce, the serial or the domain, a malformed
# voucher-request, the MASA gone.
set -euo pipefail
source "$IOTOPS_SRC/tests/cli/lib/servers.sh"
source "$IOTOPS_SRC/tests/cli/lib/expect.sh"
source "$IOTOPS_SRC/tests/cli/lib/pki.sh"
enroll="$IOTOPS_BIN/iot-enroll"
voucher="$IOTOPS_BIN/iot-voucher"

# The manufacturer: IDevID CA, MASA voucher signer, MASA TLS server. The domain: its CA and a
# registrar certificate (TLS server, and id-kp-cmcRA for signing registrar voucher-requests).
brski_pki
pki_ca other "Somebody else's CA"
pki_leaf impostor "/CN=registrar.example" other "subjectAltName=IP:127.0.0.1
extendedKeyUsage=serverAuth"
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
    --port 0 2>"$tmp/registrar.log" &
pids+=($!)
registrar=$(wait_listening "$!" "$tmp/registrar.log")

# The factory: 50 pledges and one that will be denied, each naming the MASA.
for i in $(seq -w 1 50); do echo "SN-$i"; done >"$tmp/serials"
expect 0 -- "$enroll" provision --ca-cert "$tmp/mfg.pem" --ca-key "$tmp/mfg.key" --masa-url "${masa#https://}" \
    --out "$tmp/devices" --stream --jobs 2 "$tmp/serials"
cp "$tmp/out" "$tmp/provisioned.ndjson"
expect 0 -- "$enroll" provision --ca-cert "$tmp/mfg.pem" --ca-key "$tmp/mfg.key" --masa-url "${masa#https://}" \
    --out "$tmp/devices" --serial DENIED-1

# One pledge, its transcript step by step.
expect 0 -- "$enroll" pledge --registrar "$registrar" --masa-ca "$tmp/mfg.pem" --device "$tmp/devices/SN-01" \
    --out "$tmp/devices/SN-01"
check_json 'r["result"] == "enrolled" and r["serial-number"] == "SN-01"'
check_json '[s["step"] for s in r["steps"]] == ["provisional-tls", "voucher-request", "requestvoucher", "voucher", "registrar-certificate", "voucher_status", "cacerts", "simpleenroll", "enrollstatus"]'
check_json 'all(s["result"] == "ok" for s in r["steps"])'
check_json 'r["steps"][3]["voucher"]["ietf-voucher:voucher"]["serial-number"] == "SN-01"'
openssl verify -CAfile "$tmp/domain.pem" "$tmp/devices/SN-01/ldevid.pem" >/dev/null
[[ $(stat -c %a "$tmp/devices/SN-01/ldevid.key") == 600 ]] || { echo "FAIL: ldevid.key is not 0600"; exit 1; }

# --verbose adds the HTTP exchanges.
expect 0 -- "$enroll" pledge --registrar "$registrar" --masa-ca "$tmp/mfg.pem" --device "$tmp/devices/SN-02" --verbose
check_json 'r["steps"][2]["http"][0]["response"]["status"] == 200 and "Accept" in r["steps"][2]["http"][0]["request"]["headers"]'
check_json 'r["steps"][6]["http"][0]["request"]["method"] == "GET" and r["steps"][6]["http"][0]["request"]["url"].endswith("/.well-known/est/cacerts")'
check_json 'r["steps"][7]["http"][0]["request"]["url"].endswith("/simpleenroll") and r["steps"][7]["http"][0]["request"]["body"]["text"].startswith("MI") and r["steps"][7]["http"][0]["response"]["status"] == 200'

# 50 pledges at once, straight from the factory's records.
expect 0 -- "$enroll" pledge --stream --jobs 8 --registrar "$registrar" --masa-ca "$tmp/mfg.pem" \
    "$tmp/provisioned.ndjson"
[[ $(grep -c '"result":"enrolled"' "$tmp/out") == 50 ]] || { echo "FAIL: not 50 enrolled"; cat "$tmp/out"; exit 1; }
for d in "$tmp"/devices/SN-*; do
    openssl verify -CAfile "$tmp/domain.pem" "$d/ldevid.pem" >/dev/null || { echo "FAIL: $d/ldevid.pem"; exit 1; }
done
# The logs agree: each of the 50 serials has vouchers at the MASA (52 in all, 2 from the single
# runs above), enrolments at the registrar and valid LDevIDs in the CA database.
/usr/bin/python3 - "$tmp" <<'EOF'
import collections, json, re, sys
tmp = sys.argv[1]
masa = collections.Counter(json.loads(l)["serial-number"] for l in open(f"{tmp}/masa-audit.ndjson"))
assert sum(masa.values()) == 52 and set(masa) == {f"SN-{i:02d}" for i in range(1, 51)}, masa
log = [json.loads(l) for l in open(f"{tmp}/registrar-audit.ndjson")]
enrolled = collections.Counter(re.search(r"serialNumber=([^,]+)", e["subject"]).group(1)
                               for e in log if e.get("operation") == "simpleenroll" and e.get("status") == 200)
assert sum(enrolled.values()) == 52 and set(enrolled) == set(masa), enrolled
vouchers = [e for e in log if e.get("operation") == "requestvoucher"]
assert len(vouchers) == 52 and all(e["status"] == 200 for e in vouchers), vouchers[:3]
index = [l.split("\t") for l in open(f"{tmp}/db/index.txt")]
assert len(index) == 52 and all(f[0] == "V" for f in index), len(index)
EOF
# A serial on the MASA's deny list: the MASA refuses (403), the registrar passes that on, the
# pledge stops at requestvoucher with exit 1.
echo DENIED-1 >"$tmp/deny"
expect 1 -- "$enroll" pledge --registrar "$registrar" --masa-ca "$tmp/mfg.pem" --device "$tmp/devices/DENIED-1"
check_json 'r["result"] == "failed" and r["failed-step"] == "requestvoucher" and "deny" in r["error"]'
grep -q "error: requestvoucher: the registrar answered 403" "$tmp/err" || { echo "FAIL: no one-line error"; cat "$tmp/err"; exit 1; }

# A malformed voucher-request: the registrar answers 400 with its reason.
code=$(curl -s -o "$tmp/reply" -w '%{http_code}' --cacert "$tmp/domain.pem" \
    --cert "$tmp/devices/SN-03/chain.pem" --key "$tmp/devices/SN-03/idevid.key" \
    -H 'Content-Type: application/voucher-cms+json' --data-binary 'not a voucher-request' \
    "$registrar/.well-known/brski/requestvoucher")
[[ $code == 400 ]] && [[ -s $tmp/reply ]] || { echo "FAIL: malformed PVR got $code"; cat "$tmp/reply"; exit 1; }

# Registrars that lie (a JWS exchange, so the rogue can read the nonce): another nonce, another
# serial, or a voucher pinning a domain its TLS certificate does not belong to.
for mode in wrong-nonce wrong-serial pinned; do
    /usr/bin/python3 "$IOTOPS_SRC/tests/interop/https/rogue_registrar.py" "$tmp/impostor.pem" "$tmp/impostor.key" \
        "$mode" "$tmp/masa.key" "$tmp/masa.pem" "$tmp/domain.pem" "$voucher" "$tmp" >"$tmp/rogue.port" &
    pids+=($!)
    for _ in $(seq 50); do [[ -s $tmp/rogue.port ]] && break; sleep 0.1; done
    expect 1 -- "$enroll" pledge --registrar "https://127.0.0.1:$(cat "$tmp/rogue.port")" --voucher-format jws \
        --masa-ca "$tmp/mfg.pem" --device "$tmp/devices/SN-04"
    case $mode in
        wrong-nonce) check_json 'r["failed-step"] == "voucher" and "nonce" in r["error"]' ;;
        wrong-serial) check_json 'r["failed-step"] == "voucher" and "serial-number" in r["error"]' ;;
        pinned) check_json 'r["failed-step"] == "registrar-certificate" and "pinned-domain-cert" in r["error"]' ;;
    esac
    check_json '[s["step"] for s in r["steps"]][-1] == "voucher_status"'
    kill "${pids[-1]}" 2>/dev/null || true
    : >"$tmp/rogue.port"
done

# The MASA goes away: the registrar cannot get a voucher, the pledge says where it broke, exit 69.
kill "$masa_pid"
wait "$masa_pid" 2>/dev/null || true
expect 69 -- "$enroll" pledge --registrar "$registrar" --masa-ca "$tmp/mfg.pem" --device "$tmp/devices/SN-05"
check_json 'r["failed-step"] == "requestvoucher" and "502" in r["error"]'

# No registrar at all: the first step fails, exit 69.
expect 69 -- "$enroll" pledge --registrar "https://127.0.0.1:1" --masa-ca "$tmp/mfg.pem" --device "$tmp/devices/SN-05"
check_json 'r["failed-step"] == "provisional-tls"'
echo "PASS"
