#!/usr/bin/env bash
# CoAP over DTLS against libcoap's own tools (Debian libcoap3-bin, OpenSSL flavour):
# (1) coap-client-openssl with a client certificate discovers the iotops server's resources and
#     fetches one larger than a block; the server's handler sees the client certificate;
# (2) the iotops client PUTs a body larger than a block (Block1) to coap-server-openssl and GETs
#     it back (Block2), with certificates both ways, also as a pledge with max_fragment_length 512;
# (3) refused and failed handshakes are reported with a reason: another CA, no client
#     certificate where one is required, a peer that never answers, coap-client distrusting us;
# (4) `iot-enroll est cacerts` (EST-coaps) fetches CA certificates larger than one block from
#     coap-server-openssl (PUT there first), as PKCS#7 (281) and multipart-core (62), also with
#     max_fragment_length 512, and refuses an answer in a format it did not ask for or cut off
#     part-way through the blocks.
set -euo pipefail
source "$IOTOPS_SRC/tests/cli/lib/servers.sh"
source "$IOTOPS_SRC/tests/cli/lib/expect.sh"
source "$IOTOPS_SRC/tests/cli/lib/pki.sh"
driver="$IOTOPS_BUILD/drivers/driver_coap"
client() { timeout 20 coap-client-openssl -B 10 "$@"; }

pki_ca ca "CoAP test CA"
pki_leaf server "/CN=localhost" ca "subjectAltName=IP:127.0.0.1,DNS:localhost"
pki_leaf pledge "/CN=pledge-1/serialNumber=JADA123" ca
pki_ca other "Somebody else's CA"
pki_leaf impostor "/CN=localhost" other "subjectAltName=IP:127.0.0.1,DNS:localhost"

# --- (1) coap-client-openssl against the iotops server -----------------------------------------
timeout 60 "$driver" serve "$tmp/server.pem" "$tmp/server.key" 2>"$tmp/serve.log" &
pids+=($!)
for _ in $(seq 100); do grep -q "listening on" "$tmp/serve.log" && break; sleep 0.1; done
origin=$(sed -n 's/.*listening on \(coaps:\/\/[^ ]*\).*/\1/p' "$tmp/serve.log")
[[ -n "$origin" ]] || { echo "FAIL: driver server did not start"; cat "$tmp/serve.log"; exit 1; }

dtls=(-c "$tmp/pledge.pem" -j "$tmp/pledge.key" -R "$tmp/ca.pem")
client "${dtls[@]}" -m get -o "$tmp/core" "$origin/.well-known/core" 2>"$tmp/err"
grep -q '</.well-known/est/crts>;ct=287;rt="ace.est.crts"' "$tmp/core" ||
    { echo "FAIL: /.well-known/core lacks the EST resource"; cat "$tmp/core" "$tmp/err"; exit 1; }
grep -q '</big>;ct=60;rt="test.big"' "$tmp/core" || { echo "FAIL: /.well-known/core lacks /big"; cat "$tmp/core"; exit 1; }
client "${dtls[@]}" -m get -o "$tmp/core-est" "$origin/.well-known/core?rt=ace.est*" 2>"$tmp/err"
[[ "$(cat "$tmp/core-est")" == '</.well-known/est/crts>;ct=287;rt="ace.est.crts"' ]] ||
    { echo "FAIL: rt filter"; cat "$tmp/core-est"; exit 1; }

# 3000 bytes: three Block2 blocks of 1024 at most.
client "${dtls[@]}" -m get -o "$tmp/big" "$origin/big" 2>"$tmp/err"
want=$(/usr/bin/python3 -c 'import sys; sys.stdout.write("".join(chr(97 + i % 26) for i in range(3000)))')
[[ "$(cat "$tmp/big")" == "$want" ]] || { echo "FAIL: /big came back as $(wc -c <"$tmp/big") bytes"; cat "$tmp/err"; exit 1; }
client "${dtls[@]}" -m get -b 64 -o "$tmp/big64" "$origin/big" 2>"$tmp/err"
cmp -s "$tmp/big" "$tmp/big64" || { echo "FAIL: /big in 64-byte blocks differs"; exit 1; }

# The server certificate in DER, as EST-coaps /crts answers it; openssl reads it.
client "${dtls[@]}" -m get -o "$tmp/crts.der" "$origin/.well-known/est/crts" 2>"$tmp/err"
cmp -s <(openssl x509 -in "$tmp/crts.der" -inform DER -outform PEM) <(openssl x509 -in "$tmp/server.pem") ||
    { echo "FAIL: /crts is not the server certificate"; exit 1; }

# The handler saw the client certificate.
client "${dtls[@]}" -m get -o "$tmp/peer" "$origin/peer" 2>"$tmp/err"
grep -q "CN=pledge-1" "$tmp/peer" || { echo "FAIL: the handler did not see the client certificate"; cat "$tmp/peer"; exit 1; }

# coap-client that trusts another CA refuses the iotops server, with OpenSSL's reason.
set +e
client -c "$tmp/impostor.pem" -j "$tmp/impostor.key" -R "$tmp/other.pem" -m get -o "$tmp/none" "$origin/hello" >"$tmp/err" 2>&1
set -e
grep -q "unable to get local issuer certificate" "$tmp/err" || { echo "FAIL: coap-client accepted us"; cat "$tmp/err"; exit 1; }
[[ ! -s "$tmp/none" ]] || { echo "FAIL: coap-client got data from a refused server"; exit 1; }

# The iotops client against the iotops server, pinned to the wrong CA: exit 69 and why.
expect 69 -- "$driver" get "$origin" /hello --ca "$tmp/other.pem" --timeout-ms 5000
grep -q "server certificate refused (CN=localhost): unable to get local issuer certificate" "$tmp/err" ||
    { echo "FAIL: reason"; cat "$tmp/err"; exit 1; }

# --- (2) the iotops client against coap-server-openssl ------------------------------------------
# coap-server listens on PORT (coap) and PORT+1 (coaps): find two free neighbours.
free_pair() {
    /usr/bin/python3 -c '
import random, socket
for _ in range(500):
    p = random.randint(20000, 60000)
    try:
        a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(("127.0.0.1", p))
        b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b.bind(("127.0.0.1", p + 1))
        print(p); break
    except OSError:
        pass
'
}
port=$(free_pair)
timeout 60 coap-server-openssl -A 127.0.0.1 -p "$port" -c "$tmp/server.pem" -j "$tmp/server.key" -C "$tmp/ca.pem" \
    -d 4 >"$tmp/coap-server.log" 2>&1 &
pids+=($!)
peer="coaps://127.0.0.1:$((port + 1))"
mine=(--ca "$tmp/ca.pem" --cert "$tmp/pledge.pem" --key "$tmp/pledge.key" --timeout-ms 10000)
head -c 3000 /dev/urandom >"$tmp/body.bin"
for _ in $(seq 50); do
    "$driver" get "$peer" /time "${mine[@]}" >/dev/null 2>&1 && break
    sleep 0.1
done
# -d: a PUT creates a dynamic resource; 3000 bytes go as Block1.
expect 0 -- "$driver" put "$peer" /blob "${mine[@]}" --in "$tmp/body.bin" --cf 42
grep -q "code=2.01" "$tmp/err" || { echo "FAIL: PUT"; cat "$tmp/err"; exit 1; }
expect 0 -- "$driver" get "$peer" /blob "${mine[@]}"
cmp -s "$tmp/out" "$tmp/body.bin" || { echo "FAIL: GET /blob returned $(wc -c <"$tmp/out") bytes"; cat "$tmp/err"; exit 1; }
grep -q "code=2.05 cf=42 bytes=3000 mfl=0 chain=2" "$tmp/err" || { echo "FAIL: GET /blob"; cat "$tmp/err"; exit 1; }
expect 0 -- "$driver" discover "$peer" - "${mine[@]}"
grep -qx "/time rt=ticks ct=0" "$tmp/out" || { echo "FAIL: discover coap-server"; cat "$tmp/out"; exit 1; }
grep -qx "/blob ct=42" "$tmp/out" || { echo "FAIL: the dynamic resource is not listed"; cat "$tmp/out"; exit 1; }

# A constrained pledge (cBRSKI DTLS section): max_fragment_length 512 in the ClientHello, and
# Block2 asked small from the first request on (libcoap's server does not shrink its blocks to
# the agreed fragment length by itself: a 1024-byte block ends the session with internal_error).
expect 0 -- "$driver" put "$peer" /blob2 "${mine[@]}" --mfl 512 --in "$tmp/body.bin" --cf 42
grep -q "code=2.01 cf=none bytes=0 mfl=512" "$tmp/err" || { echo "FAIL: PUT with max_fragment_length"; cat "$tmp/err"; exit 1; }
expect 0 -- "$driver" get "$peer" /blob2 "${mine[@]}" --mfl 512
cmp -s "$tmp/out" "$tmp/body.bin" || { echo "FAIL: GET with max_fragment_length"; cat "$tmp/err"; exit 1; }
grep -q "code=2.05 cf=42 bytes=3000 mfl=512" "$tmp/err" || { echo "FAIL: GET with max_fragment_length"; cat "$tmp/err"; exit 1; }

# --- (4) iot-enroll est cacerts over coaps:// against coap-server-openssl -----------------------
# Five CA certificates, about 2.4 KB: three Block2 blocks of 1024, five of 512.
for i in 1 2 3 4; do pki_ca "chain$i" "Intermediate certificate authority number $i of a long chain"; done
cat "$tmp"/chain{1,2,3,4}.pem "$tmp/ca.pem" >"$tmp/bundle.pem"
openssl crl2pkcs7 -nocrl -certfile "$tmp/bundle.pem" -outform DER -out "$tmp/bundle.p7"
/usr/bin/python3 - "$tmp" <<'PY'
import cbor2, subprocess, sys
tmp = sys.argv[1]
ders = [subprocess.run(["openssl", "x509", "-in", f"{tmp}/{n}.pem", "-outform", "DER"], capture_output=True, check=True).stdout
        for n in ["chain1", "chain2", "chain3", "chain4", "ca"]]
open(f"{tmp}/bundle.mpc", "wb").write(cbor2.dumps([x for d in ders for x in (287, d)]))
PY
expect 0 -- "$driver" put "$peer" /.well-known/est/crts "${mine[@]}" --in "$tmp/bundle.p7" --cf 281
expect 0 -- "$driver" put "$peer" /.well-known/est/mp/crts "${mine[@]}" --in "$tmp/bundle.mpc" --cf 62
enroll="$IOTOPS_BIN/iot-enroll"
est_opts=(--url "$peer" --ca-file "$tmp/ca.pem" --cert "$tmp/pledge.pem" --key "$tmp/pledge.key" --timeout 10)
same_certs() {  # same_certs PEM-FILE: the certificates of the bundle, in order
    cmp -s <(openssl crl2pkcs7 -nocrl -certfile "$1" | openssl pkcs7 -print_certs -noout) \
        <(openssl crl2pkcs7 -nocrl -certfile "$tmp/bundle.pem" | openssl pkcs7 -print_certs -noout) ||
        { echo "FAIL: $1 is not the bundle"; cat "$1"; exit 1; }
}
expect 0 -- "$enroll" est cacerts "${est_opts[@]}" -o "$tmp/cacerts.pem"
same_certs "$tmp/cacerts.pem"
expect 0 -- "$enroll" est cacerts "${est_opts[@]}" --max-fragment-length 512 -o "$tmp/cacerts512.pem"
same_certs "$tmp/cacerts512.pem"
expect 0 -- "$enroll" est cacerts "${est_opts[@]}" --label mp --accept multipart-core -o "$tmp/cacerts-mp.pem"
same_certs "$tmp/cacerts-mp.pem"
# Trust on first use: nothing verified, the fingerprints printed to be checked.
expect 0 -- "$enroll" est cacerts --url "$peer" --insecure-bootstrap-cacerts --cert "$tmp/pledge.pem" --key "$tmp/pledge.key"
grep -q "WARNING: the EST server was NOT verified" "$tmp/err" || { echo "FAIL: no warning"; cat "$tmp/err"; exit 1; }
[[ $(grep -c "SHA-256" "$tmp/err") == 7 ]] || { echo "FAIL: fingerprints"; cat "$tmp/err"; exit 1; }
# coap-server answers 281 whatever the Accept: a protocol error (76), no output.
expect 76 -- "$enroll" est cacerts "${est_opts[@]}" --accept 287 -o "$tmp/none.pem"
grep -qx "iot-enroll: error: EST-coaps crts: the answer has content-format 281, not 287 (the Accept sent)" "$tmp/err" ||
    { echo "FAIL: wrong-format message"; cat "$tmp/err"; exit 1; }
[[ ! -e "$tmp/none.pem" ]] || { echo "FAIL: output written for a refused answer"; exit 1; }
# Through a relay that passes two of coap-server's records: the third block never comes (69).
timeout 30 /usr/bin/python3 "$IOTOPS_SRC/tests/interop/coap/cutoff_proxy.py" "$((port + 1))" 2 25 >"$tmp/cut.port" &
pids+=($!)
for _ in $(seq 50); do [[ -s "$tmp/cut.port" ]] && break; sleep 0.1; done
expect 69 -- "$enroll" est cacerts --url "coaps://127.0.0.1:$(cat "$tmp/cut.port")" --ca-file "$tmp/ca.pem" \
    --cert "$tmp/pledge.pem" --key "$tmp/pledge.key" --timeout 2
grep -q "GET /.well-known/est/crts: the block-wise answer (2.05) stopped after 2048 bytes in 2 blocks: no further block within 2000 ms" \
    "$tmp/err" || { echo "FAIL: cut-off message"; cat "$tmp/err"; exit 1; }
# Nothing at /.well-known/est/att: no CSR attributes.
expect 0 -- "$enroll" est csrattrs "${est_opts[@]}"
[[ "$(cat "$tmp/out")" == "[]" ]] || { echo "FAIL: csrattrs"; cat "$tmp/out"; exit 1; }
# No /sen here (and /.well-known/core lists none): coap-server's refusal, exit 76.
expect 76 -- "$enroll" est enroll "${est_opts[@]}" --subject CN=dev --key-out "$tmp/dev.key"
grep -Eq "EST-coaps sen \(/.well-known/est/sen\): the server answered 4\.0[456]: " "$tmp/err" ||
    { echo "FAIL: sen on coap-server"; cat "$tmp/err"; exit 1; }
[[ ! -e "$tmp/dev.key" ]] || { echo "FAIL: a key was left behind"; exit 1; }

# --- (3) failed handshakes, each with its reason, exit 69 ----------------------------------------
# coap-server's certificate chains to the CA we pin, but another CA is refused.
expect 69 -- "$driver" get "$peer" /time --ca "$tmp/other.pem" --cert "$tmp/pledge.pem" --key "$tmp/pledge.key"
grep -q "server certificate refused (CN=localhost): self-signed certificate in certificate chain" "$tmp/err" ||
    { echo "FAIL: reason for another CA"; cat "$tmp/err"; exit 1; }
# coap-server with -C insists on a client certificate: the handshake fails, with the alert.
expect 69 -- "$driver" get "$peer" /time --provisional --timeout-ms 10000
grep -q "driver_coap: error: $peer: no DTLS handshake: sslv3 alert handshake failure" "$tmp/err" ||
    { echo "FAIL: reason for a missing client certificate"; cat "$tmp/err"; exit 1; }
# A peer that takes the ClientHello and never answers: the handshake is cut off at the timeout.
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True); time.sleep(30)' >"$tmp/sink.port" &
pids+=($!)
for _ in $(seq 50); do [[ -s "$tmp/sink.port" ]] && break; sleep 0.1; done
expect 69 -- "$driver" get "coaps://127.0.0.1:$(cat "$tmp/sink.port")" /time --provisional --timeout-ms 1000
grep -q "no DTLS handshake within 1000 ms" "$tmp/err" || { echo "FAIL: reason for silence"; cat "$tmp/err"; exit 1; }
# Nobody at all on the port: ICMP port unreachable ends the handshake at once.
closed=$(/usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
expect 69 -- "$driver" get "coaps://127.0.0.1:$closed" /time --provisional --timeout-ms 10000
grep -q "Connection refused" "$tmp/err" || { echo "FAIL: reason for a closed port"; cat "$tmp/err"; exit 1; }
# Not a CoAP URI, no verification choice.
expect 64 -- "$driver" get "https://127.0.0.1:$port" /time --provisional
grep -q "not a coaps:// or coap:// URI" "$tmp/err" || { echo "FAIL: usage"; cat "$tmp/err"; exit 1; }
expect 64 -- "$driver" get "$peer" /time
grep -q "needs pinned anchors or provisional" "$tmp/err" || { echo "FAIL: usage"; cat "$tmp/err"; exit 1; }
echo "ok: coaps interop with libcoap"
