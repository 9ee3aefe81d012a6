#!/usr/bin/env bash
# cBRSKI voucher exchange over CoAPS on loopback: a pledge (test driver: est::CoapClient, a COSE
# PVR naming the registrar by its public key) -> iot-enroll registrar serve --coaps -> COSE RVR
# over HTTPS -> iot-voucher serve (MASA) -> the voucher back over CoAPS, checked by
# iot-voucher verify and with cbor2 for the absence of an unprotected x5bag/x5chain. Then a
# registrar whose DTLS certificate is not its RVR signer (the MASA finds the DTLS certificate in
# the RVR's x5bag), and refusals: a PVR naming another registrar (4.01), a MASA that denies (4.03),
# a pledge of an unknown manufacturer (4.04).
set -euo pipefail
source "$IOTOPS_SRC/tests/cli/lib/servers.sh"
source "$IOTOPS_SRC/tests/cli/lib/expect.sh"
source "$IOTOPS_SRC/tests/cli/lib/pki.sh"
enroll="$IOTOPS_BIN/iot-enroll"
voucher="$IOTOPS_BIN/iot-voucher"
pledge_driver="$IOTOPS_BUILD/drivers/driver_cbrski_pledge"
fail() { echo "FAIL: $*"; cat "$tmp/err" 2>/dev/null; exit 1; }

brski_pki
pki_leaf pledge "/CN=pledge/serialNumber=SN-1" mfg
pki_leaf denied "/CN=pledge/serialNumber=DENIED-1" mfg
pki_ca other "Other manufacturer CA"
pki_leaf foreign "/CN=pledge/serialNumber=SN-9" other
pki_leaf dtls "/CN=dtls.registrar.example" domain "subjectAltName=IP:127.0.0.1
extendedKeyUsage=serverAuth"
pki_leaf rvr "/CN=rvr signer" domain "extendedKeyUsage=1.3.6.1.5.5.7.3.28"
cat "$tmp/rvr.pem" "$tmp/domain.pem" >"$tmp/rvr-chain.pem"
echo DENIED-1 >"$tmp/deny"
mkdir -p "$tmp/db1" "$tmp/db2"

timeout 55 "$voucher" serve --key "$tmp/masa.key" --cert "$tmp/masa.pem" --tls-cert "$tmp/masa-tls.pem" \
    --tls-key "$tmp/masa-tls.key" --idevid-ca "$tmp/mfg.pem" --any-registrar --deny-list "$tmp/deny" \
    --audit-log "$tmp/masa-audit.ndjson" --port 0 2>"$tmp/masa.log" &
pids+=($!)
masa=$(wait_listening "$!" "$tmp/masa.log")

# registrar NAME TLS-CHAIN TLS-KEY [options]: starts one, sets $coaps to its CoAPS origin.
registrar() {
    local name=$1 chain=$2 key=$3
    shift 3
    timeout 55 "$enroll" registrar serve --tls-cert "$chain" --tls-key "$key" --ca-cert "$tmp/domain.pem" \
        --ca-key "$tmp/domain.key" --db "$tmp/$name/index.txt" --client-ca "$tmp/mfg.pem" --masa-ca "$tmp/mfg.pem" \
        --masa-url "${masa#https://}" --audit-log "$tmp/$name-audit.ndjson" --port 0 --coaps 0 "$@" 2>"$tmp/$name.log" &
    pids+=($!)
    wait_listening "$!" "$tmp/$name.log" >/dev/null
    coaps=$(sed -n 's/.*listening on .* and \(coaps:\/\/[^ /]*\).*/\1/p' "$tmp/$name.log")
    [[ $coaps == coaps://127.0.0.1:* ]] || fail "no coaps origin: $(cat "$tmp/$name.log")"
}

# check_voucher FILE NONCE: verifies for the pledge, pinning the domain CA, without certificates.
check_voucher() {
    expect 0 -- "$voucher" verify --cert "$tmp/masa.pem" --anchor "$tmp/mfg.pem" --kind voucher --nonce "$2" \
        --idevid "$tmp/pledge.pem" --pinned "$tmp/domain.pem" "$1"
    check_json 'r["result"] == "valid"'
    /usr/bin/python3 - "$1" <<'PY' || fail "the voucher is not a COSE_Sign1 without an unprotected x5bag/x5chain"
import cbor2, sys
v = cbor2.loads(open(sys.argv[1], "rb").read())
assert v.tag == 18, v.tag
unprotected = v.value[1]
assert 32 not in unprotected and 33 not in unprotected, unprotected
PY
}

# --- one registrar, its DTLS certificate signs the RVR -----------------------------------------
registrar db1 "$tmp/registrar-chain.pem" "$tmp/registrar.key"
"$pledge_driver" "$coaps" --cert "$tmp/pledge.pem" --key "$tmp/pledge.key" --out "$tmp/v1.cose" 2>"$tmp/err" || fail "rv"
grep -q "^code=2.04 cf=836 " "$tmp/err" || fail "code"
check_voucher "$tmp/v1.cose" "$(sed -n 's/.* nonce=//p' "$tmp/err")"
# The hash form of the registrar's key.
"$pledge_driver" "$coaps" --cert "$tmp/pledge.pem" --key "$tmp/pledge.key" --sha256 --out "$tmp/v2.cose" 2>"$tmp/err" || fail "rv sha256"
check_voucher "$tmp/v2.cose" "$(sed -n 's/.* nonce=//p' "$tmp/err")"

# Refusals, each with CoAP code and reason.
set +e
"$pledge_driver" "$coaps" --cert "$tmp/pledge.pem" --key "$tmp/pledge.key" --name "$tmp/dtls.pem" --out "$tmp/x" 2>"$tmp/err"
rc=$?
set -e
[[ $rc == 1 ]] && grep -q "^code=4.01 cf=0 " "$tmp/err" && grep -q "proximity-registrar-pubk is not this registrar's TLS key" "$tmp/err" ||
    fail "a PVR naming another registrar"
set +e
"$pledge_driver" "$coaps" --cert "$tmp/denied.pem" --key "$tmp/denied.key" --out "$tmp/x" 2>"$tmp/err"
set -e
grep -q "^code=4.03 " "$tmp/err" && grep -q "the MASA refused the voucher-request (HTTP 403)" "$tmp/err" || fail "a denied serial"
set +e
"$pledge_driver" "$coaps" --cert "$tmp/foreign.pem" --key "$tmp/foreign.key" --out "$tmp/x" 2>"$tmp/err"
set -e
grep -q "^code=4.04 " "$tmp/err" && grep -q "unknown manufacturer" "$tmp/err" || fail "a foreign pledge"
[[ ! -e "$tmp/x" ]] || fail "a refusal wrote a voucher"

# --- a registrar whose DTLS certificate is not its RVR signer ----------------------------------
registrar db2 "$tmp/dtls.pem" "$tmp/dtls.key" --rvr-cert "$tmp/rvr-chain.pem" --rvr-key "$tmp/rvr.key"
"$pledge_driver" "$coaps" --cert "$tmp/pledge.pem" --key "$tmp/pledge.key" --out "$tmp/v3.cose" 2>"$tmp/err" || fail "rv via rvr signer"
check_voucher "$tmp/v3.cose" "$(sed -n 's/.* nonce=//p' "$tmp/err")"

# The logs: the registrars' say coaps; the MASA issued three vouchers, none for DENIED-1.
/usr/bin/python3 - "$tmp" <<'PY' || fail "logs"
import json, sys
t = sys.argv[1]
reg = [json.loads(l) for l in open(t + "/db1-audit.ndjson")]
assert [(l["serial-number"], l["coap-code"]) for l in reg if "serial-number" in l] == [
    ("SN-1", "2.04"), ("SN-1", "2.04"), ("SN-1", "4.01"), ("DENIED-1", "4.03"), ("SN-9", "4.04")], reg
assert all(l["transport"] == "coaps" and l["operation"] == "requestvoucher" for l in reg)
masa = [json.loads(l) for l in open(t + "/masa-audit.ndjson")]
assert len(masa) == 3 and all("SN-1" in json.dumps(l) for l in masa), masa
PY
echo ok
