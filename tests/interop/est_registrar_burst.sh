#!/usr/bin/env bash
# The registrar under load: 200 concurrent curl enrolments all succeed and all land in index.txt;
# a registrar killed with SIGKILL in the middle of a burst leaves a database that `openssl ca`
# and iot-revoke read, holding every certificate a client received.
set -euo pipefail
tmp=$(mktemp -d)
cleanup() { stop_registrar; rm -rf "$tmp"; }
trap cleanup EXIT
source "$IOTOPS_SRC/tests/cli/lib/est_pki.sh"
start_registrar --threads 32

openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/dev.key" \
    -subj "/CN=burst" -outform DER 2>/dev/null | openssl base64 >"$tmp/dev.b64"
mkdir -p "$tmp/out"
enroll_one() {  # enroll_one N: the HTTP status, the body in out/N
    curl -sS --cacert "$tmp/tls-ca.pem" --max-time 60 -u alice:secret -H "Content-Type: application/pkcs10" \
        --data-binary "@$tmp/dev.b64" -o "$tmp/out/$1" -w '%{http_code}\n' "$url/.well-known/est/simpleenroll" 2>/dev/null || echo fail
}
export -f enroll_one; export tmp url
seq 200 | xargs -P 200 -I{} bash -c 'enroll_one {}' >"$tmp/codes"
ok=$(grep -c '^200$' "$tmp/codes" || true)
[[ $ok -eq 200 ]] || { echo "FAIL: $ok of 200 enrolments succeeded"; sort "$tmp/codes" | uniq -c; exit 1; }
n=$(grep -c '^V' "$tmp/db/index.txt")
[[ $n -eq 200 ]] || { echo "FAIL: $n entries in index.txt after 200 enrolments"; exit 1; }
serials=$(for f in "$tmp"/out/*; do openssl base64 -d -in "$f" | openssl pkcs7 -inform DER -print_certs | openssl x509 -noout -serial; done | sed 's/serial=//' | sort -u | wc -l)
[[ $serials -eq 200 ]] || { echo "FAIL: $serials distinct serials"; exit 1; }
echo "ok: 200 concurrent curl enrolments, 200 distinct certificates, 200 index lines"

# SIGKILL in the middle of a burst.
rm -rf "$tmp/out"; mkdir -p "$tmp/out"
seq 201 400 | xargs -P 50 -I{} bash -c 'enroll_one {}' >"$tmp/codes2" &
burst=$!
for _ in $(seq 200); do
    [[ $(grep -c '^V' "$tmp/db/index.txt") -ge 230 ]] && break
    sleep 0.05
done
kill -KILL "$reg_pid"; wait "$reg_pid" 2>/dev/null || true; reg_pid=
wait "$burst" || true
got=$(grep -c '^200$' "$tmp/codes2" || true)
[[ $got -lt 200 ]] || { echo "FAIL: the registrar was not killed mid-burst"; exit 1; }
out=$("$IOTOPS_BIN/iot-revoke" list --db "$tmp/db/index.txt")
lines=$(wc -l <<<"$out")
[[ $lines -eq $(grep -c '^V' "$tmp/db/index.txt") ]] || { echo "FAIL: iot-revoke list reads $lines lines"; exit 1; }
printf '[ca]\ndefault_ca=d\n[d]\ndatabase=%s\nserial=%s\n' "$tmp/db/index.txt" "$tmp/db/serial" >"$tmp/ca.cnf"
for f in "$tmp"/out/*; do
    [[ -s $f ]] || continue
    s=$(openssl base64 -d -in "$f" 2>/dev/null | openssl pkcs7 -inform DER -print_certs 2>/dev/null | openssl x509 -noout -serial 2>/dev/null | sed 's/serial=//') || continue
    [[ -n $s ]] || continue
    st=$(openssl ca -config "$tmp/ca.cnf" -status "$s" 2>&1 || true)
    grep -q "=Valid (V)" <<<"$st" || { echo "FAIL: a certificate a client got is not in the database: $s: $st"; exit 1; }
done
# (A temporary file of an interrupted atomic write may remain beside index.txt; it is never read.)
echo "ok: SIGKILL mid-burst ($got of 200 answered) leaves a database openssl ca and iot-revoke read, with every issued certificate"
