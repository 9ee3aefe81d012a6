#!/usr/bin/env bash
# iot-enroll registrar serve --coaps against libcoap's coap-client-openssl (Debian libcoap3-bin)
# over DTLS with a client certificate: discovery, /crts in its three content-formats checked with
# openssl and cbor2, enrolment with a DER CSR verified with openssl, server-side key generation,
# CBOR telemetry; then the refusals (4.15, 4.01, 4.00, 4.06, 4.04) with their reasons, and
# SIGTERM stopping both listeners; a CoAPS-only registrar (--no-https).
set -euo pipefail
source "$IOTOPS_SRC/tests/cli/lib/servers.sh"
source "$IOTOPS_SRC/tests/cli/lib/pki.sh"
source "$IOTOPS_SRC/tests/cli/lib/expect.sh"
enroll="$IOTOPS_BIN/iot-enroll"
py=/usr/bin/python3
fail() { echo "FAIL: $*"; for f in "$tmp"/coap.out "$tmp"/registrar.log; do [[ -f $f ]] && cat "$f"; done; exit 1; }

pki_ca mfg "Acme manufacturer CA"
pki_leaf pledge "/CN=pledge/serialNumber=SN-1" mfg
pki_ca domain "Example domain CA"
pki_leaf registrar "/CN=registrar.example" domain "subjectAltName=IP:127.0.0.1
extendedKeyUsage=serverAuth,1.3.6.1.5.5.7.3.28"
pki_ca other "Somebody else's CA"
pki_leaf stranger "/CN=stranger/serialNumber=X-1" other
mkdir -p "$tmp/db"

# --foreground: timeout passes our one SIGTERM on once (not again to its process group), so the
# exit status below is the registrar's own answer to one signal.
timeout --foreground 50 "$enroll" registrar serve --tls-cert "$tmp/registrar.pem" --tls-key "$tmp/registrar.key" \
    --ca-cert "$tmp/domain.pem" --ca-key "$tmp/domain.key" --db "$tmp/db/index.txt" \
    --client-ca "$tmp/mfg.pem" --audit-log "$tmp/audit.ndjson" --label factory --port 0 --coaps 0 2>"$tmp/registrar.log" &
reg_pid=$!
pids+=("$reg_pid")
https=$(wait_listening "$reg_pid" "$tmp/registrar.log")
origin=$(sed -n 's/.*listening on .* and \(coaps:\/\/[^ /]*\).*/\1/p' "$tmp/registrar.log")
[[ $https == https://127.0.0.1:* && $origin == coaps://127.0.0.1:* ]] || fail "origins '$https' '$origin'"

# coap [client options] URI-PATH: the response body in $tmp/body, coap-client's messages (the
# code and diagnostic of an error answer) in $tmp/coap.out.
dtls=(-c "$tmp/pledge.pem" -j "$tmp/pledge.key" -R "$tmp/domain.pem")
coap() {
    local path=${*: -1}
    rm -f "$tmp/body"
    timeout 20 coap-client-openssl -B 10 "${@:1:$#-1}" -o "$tmp/body" "$origin$path" >"$tmp/coap.out" 2>&1 || true
}
expect_code() {  # expect_code CODE TEXT: coap-client printed the error code and the reason
    grep -q "^$1 .*$2" "$tmp/coap.out" || fail "expected $1 '$2'"
    [[ ! -s "$tmp/body" ]] || fail "a body came with $1"
}

# --- discovery ----------------------------------------------------------------------------------
coap "${dtls[@]}" -m get /.well-known/core
for link in '</.well-known/est/crts>;ct="62 281 287";rt="ace.est.crts"' '</.well-known/est/sen>;ct="281 287";rt="ace.est.sen"' \
    '</.well-known/est/sren>;ct="281 287";rt="ace.est.sren"' '</.well-known/est/att>;ct=285;rt="ace.est.att"' \
    '</.well-known/est/skg>;ct=62;rt="ace.est.skg"' '</.well-known/brski/rv>;ct=836;rt="brski.rv"' \
    '</.well-known/brski/vs>;ct="60 50";rt="brski.vs"' '</.well-known/brski/es>;ct="60 50";rt="brski.es"' \
    '</.well-known/brski>;rt="brski"' '</.well-known/est>;rt="ace.est"' '</.well-known/est/factory/sen>;ct="281 287";rt="ace.est.sen"'; do
    grep -qF "$link" "$tmp/body" || fail "/.well-known/core lacks $link: $(cat "$tmp/body")"
done
coap "${dtls[@]}" -m get "/.well-known/core?rt=brski*"
[[ $(tr ',' '\n' <"$tmp/body" | grep -c .) == 4 ]] && ! grep -q "ace.est" "$tmp/body" || fail "?rt=brski*: $(cat "$tmp/body")"
coap "${dtls[@]}" -m get "/.well-known/core?rt=ace.est.sen"
[[ $(tr ',' '\n' <"$tmp/body" | grep -c .) == 2 ]] || fail "?rt=ace.est.sen: $(cat "$tmp/body")"

# --- crts: 281 (PKCS#7 certs-only), 287 (the CA certificate), 62 (multipart-core) --------------
openssl x509 -in "$tmp/domain.pem" -outform DER -out "$tmp/domain.der"
coap "${dtls[@]}" -m get -A 281 /.well-known/est/crts
openssl pkcs7 -inform DER -in "$tmp/body" -print_certs | grep -q "subject=CN = Example domain CA" || fail "crts 281"
coap "${dtls[@]}" -m get /.well-known/est/crts
openssl pkcs7 -inform DER -in "$tmp/body" -print_certs | grep -q "subject=CN = Example domain CA" || fail "crts without Accept"
coap "${dtls[@]}" -m get -A 287 /.well-known/est/crts
cmp -s "$tmp/body" "$tmp/domain.der" || fail "crts 287 is not the CA certificate"
openssl x509 -inform DER -in "$tmp/body" -noout -subject | grep -q "Example domain CA" || fail "crts 287 for openssl"
coap "${dtls[@]}" -m get -A 62 /.well-known/est/crts
$py - "$tmp/body" "$tmp/domain.der" <<'PY' || fail "crts 62"
import cbor2, sys
v = cbor2.loads(open(sys.argv[1], "rb").read())
assert v == [287, open(sys.argv[2], "rb").read()], v
PY
coap "${dtls[@]}" -m get -A 60 /.well-known/est/crts
expect_code 4.06 "answers content-format 281, 62 or 287, not Accept 60"

# --- sen: a DER CSR, the certificate as PKCS#7 and as pkix-cert --------------------------------
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/ldevid.key"
openssl req -new -key "$tmp/ldevid.key" -subj "/CN=pledge/serialNumber=SN-1" -outform DER -out "$tmp/csr.der"
coap "${dtls[@]}" -m post -t 286 -A 281 -f "$tmp/csr.der" /.well-known/est/sen
openssl pkcs7 -inform DER -in "$tmp/body" -print_certs -out "$tmp/ldevid.pem" || fail "sen 281 is not PKCS#7"
openssl verify -CAfile "$tmp/domain.pem" "$tmp/ldevid.pem" || fail "the LDevID does not verify"
cmp -s <(openssl x509 -in "$tmp/ldevid.pem" -noout -pubkey) <(openssl pkey -in "$tmp/ldevid.key" -pubout) || fail "LDevID key"
coap "${dtls[@]}" -m post -t 286 -A 287 -f "$tmp/csr.der" /.well-known/est/factory/sen
openssl x509 -inform DER -in "$tmp/body" -out "$tmp/ldevid2.pem" && openssl verify -CAfile "$tmp/domain.pem" "$tmp/ldevid2.pem" ||
    fail "sen 287 (labelled)"
# sren with the new LDevID as DTLS client certificate.
coap -c "$tmp/ldevid.pem" -j "$tmp/ldevid.key" -R "$tmp/domain.pem" -m post -t 286 -f "$tmp/csr.der" /.well-known/est/sren
openssl pkcs7 -inform DER -in "$tmp/body" -print_certs | openssl verify -CAfile "$tmp/domain.pem" >/dev/null || fail "sren"

# --- skg: [284, PKCS#8 key, 281, PKCS#7] ------------------------------------------------------
coap "${dtls[@]}" -m post -t 286 -f "$tmp/csr.der" /.well-known/est/skg
$py - "$tmp/body" "$tmp" <<'PY' || fail "skg"
import cbor2, sys
v = cbor2.loads(open(sys.argv[1], "rb").read())
assert [v[0], v[2], len(v)] == [284, 281, 4], v
open(sys.argv[2] + "/skg.key.der", "wb").write(v[1])
open(sys.argv[2] + "/skg.p7", "wb").write(v[3])
PY
openssl pkcs7 -inform DER -in "$tmp/skg.p7" -print_certs -out "$tmp/skg.pem"
cmp -s <(openssl x509 -in "$tmp/skg.pem" -noout -pubkey) <(openssl pkey -inform DER -in "$tmp/skg.key.der" -pubout) ||
    fail "skg: the key is not the certificate's"

# --- telemetry in CBOR (and JSON) --------------------------------------------------------------
$py -c 'import cbor2, sys; sys.stdout.buffer.write(cbor2.dumps({"version": 1, "status": False, "reason": "nonce mismatch", "reason-context": {"retry": 3}}))' >"$tmp/vs.cbor"
coap "${dtls[@]}" -m post -t 60 -f "$tmp/vs.cbor" /.well-known/brski/vs
[[ ! -s "$tmp/body" ]] && ! grep -q "^[45]\." "$tmp/coap.out" || fail "vs"
printf '{"version":1,"status":true}' >"$tmp/es.json"
coap "${dtls[@]}" -m post -t 50 -f "$tmp/es.json" /.well-known/brski/es
! grep -q "^[45]\." "$tmp/coap.out" || fail "es"
$py -c 'import cbor2, sys; sys.stdout.buffer.write(cbor2.dumps({"version": 1}))' >"$tmp/bad.cbor"
coap "${dtls[@]}" -m post -t 60 -f "$tmp/bad.cbor" /.well-known/brski/vs
expect_code 4.00 "voucher_status: status is missing or not a boolean"

# --- refusals ---------------------------------------------------------------------------------
coap "${dtls[@]}" -m post -t 0 -f "$tmp/csr.der" /.well-known/est/sen
expect_code 4.15 "the request must be content-format 286 (application/pkcs10), not 0"
coap "${dtls[@]}" -m post -t 60 -f "$tmp/vs.cbor" /.well-known/brski/rv
expect_code 4.15 "content-format 836"
coap "${dtls[@]}" -m post -t 0 -f "$tmp/vs.cbor" /.well-known/brski/es
expect_code 4.15 "send content-format 60 (CBOR) or 50 (JSON)"
coap -R "$tmp/domain.pem" -m post -t 286 -f "$tmp/csr.der" /.well-known/est/sen
expect_code 4.01 "no client certificate"
coap -c "$tmp/stranger.pem" -j "$tmp/stranger.key" -R "$tmp/domain.pem" -m post -t 286 -f "$tmp/csr.der" /.well-known/est/sen
expect_code 4.01 "the client certificate 'serialNumber=X-1,CN=stranger' is not trusted"
head -c 300 /dev/urandom | tr '\0' 'x' >"$tmp/garbage"
coap "${dtls[@]}" -m post -t 286 -f "$tmp/garbage" /.well-known/est/sen
expect_code 4.00 "malformed CSR"
coap "${dtls[@]}" -m post -t 286 -A 62 -f "$tmp/csr.der" /.well-known/est/sen
expect_code 4.06 "281 or 287"
coap "${dtls[@]}" -m post -t 286 -f "$tmp/csr.der" /.well-known/est/sren
expect_code 4.03 "simplereenroll needs"
coap "${dtls[@]}" -m get /.well-known/est/att
expect_code 4.04 "no CSR attributes are configured"
coap "${dtls[@]}" -m get /.well-known/est/sen
expect_code 4.05 ""

# --- the audit log: the CoAPS exchanges, marked so ---------------------------------------------
$py - "$tmp/audit.ndjson" <<'PY' || fail "audit log"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
issued = [l for l in lines if l.get("result") == "issued"]
assert [l["operation"] for l in issued] == ["simpleenroll", "simpleenroll", "simplereenroll", "serverkeygen"], issued
assert all(l["transport"] == "coaps" for l in issued)
vs = [l for l in lines if l.get("operation") == "voucher_status"]
assert vs[0]["reason"] == "nonce mismatch" and vs[0]["reason-context"] == {"retry": 3} and vs[0]["coap-code"] == "2.04", vs
assert vs[1]["accepted"] is False and vs[1]["coap-code"] == "4.00", vs
assert any(l.get("reason", "").startswith("malformed CSR") and l["status"] == 400 for l in lines)
PY

# --- SIGTERM stops both listeners ---------------------------------------------------------------
kill -TERM "$reg_pid"
for _ in $(seq 100); do kill -0 "$reg_pid" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$reg_pid" 2>/dev/null || fail "the registrar did not stop on SIGTERM"
set +e; wait "$reg_pid"; rc=$?; set -e
[[ $rc == 0 ]] || fail "the registrar exited with $rc after SIGTERM"

# --- CoAPS alone (--no-https); --no-https without --coaps is a usage error ----------------------
serve=(registrar serve --tls-cert "$tmp/registrar.pem" --tls-key "$tmp/registrar.key" --ca-cert "$tmp/domain.pem"
    --ca-key "$tmp/domain.key" --db "$tmp/db/index.txt")
expect 64 -- "$enroll" "${serve[@]}" --no-https
grep -q "^iot-enroll: error: registrar serve: --no-https needs --coaps$" "$tmp/err" || fail "--no-https alone: $(cat "$tmp/err")"
expect 64 -- "$enroll" "${serve[@]}" --coaps 70000
timeout --foreground 30 "$enroll" "${serve[@]}" --coaps 0 --no-https 2>"$tmp/alone.log" &
alone=$!
pids+=("$alone")
for _ in $(seq 100); do grep -q "listening on" "$tmp/alone.log" && break; sleep 0.1; done
origin=$(sed -n 's/.*listening on \(coaps:\/\/[^ /]*\)$/\1/p' "$tmp/alone.log")
[[ $origin == coaps://127.0.0.1:* ]] && ! grep -q https "$tmp/alone.log" || fail "CoAPS alone: $(cat "$tmp/alone.log")"
coap "${dtls[@]}" -m get -A 287 /.well-known/est/crts
cmp -s "$tmp/body" "$tmp/domain.der" || fail "crts from the CoAPS-only registrar"
kill -TERM "$alone"
set +e; wait "$alone"; rc=$?; set -e
[[ $rc == 0 ]] || fail "the CoAPS-only registrar exited with $rc after SIGTERM"
echo "ok"
