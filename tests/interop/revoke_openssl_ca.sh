#!/usr/bin/env bash
# The CA database both ways: certificates issued and revoked by `openssl ca` are read by iot-revoke;
# revocations written by iot-revoke are read by `openssl ca -status` and `openssl ca -gencrl`.
set -euo pipefail
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/lib/revoke_ca.bash"
ca="$tmp/ca"
make_ca "$ca"
for i in 1 2 3 4 5 6; do issue "$ca" "dev$i" "/CN=dev$i/serialNumber=SN$i"; done
s() { openssl x509 -in "$ca/$1.crt" -noout -serial | cut -d= -f2; }

# openssl revokes -> we read
openssl ca -config "$ca/ca.cnf" -revoke "$ca/dev1.crt" -crl_reason keyCompromise 2>/dev/null
openssl ca -config "$ca/ca.cnf" -revoke "$ca/dev2.crt" -crl_hold holdInstructionReject 2>/dev/null
openssl ca -config "$ca/ca.cnf" -revoke "$ca/dev3.crt" -crl_compromise 20250101000000Z 2>/dev/null
expect 0 -- "$revoke" list --db "$ca/index.txt" --status revoked
/usr/bin/python3 - "$tmp/out" "$(s dev1)" "$(s dev2)" "$(s dev3)" <<'PY'
import json, sys
rows = {r["serial"]: r for r in map(json.loads, open(sys.argv[1]))}
assert rows[sys.argv[2]]["reason"] == "keyCompromise", rows
assert rows[sys.argv[3]]["reason"] == "certificateHold" and rows[sys.argv[3]]["hold-instruction"] == "holdInstructionReject", rows
assert rows[sys.argv[4]]["reason"] == "keyCompromise" and rows[sys.argv[4]]["invalidity-date"] == "2025-01-01T00:00:00Z", rows
PY
echo "ok: iot-revoke reads what openssl ca -revoke wrote"

# we revoke -> openssl reads
expect 0 -- "$revoke" revoke --db "$ca/index.txt" --serial "$(s dev4)" --reason superseded
check_json "r['result'] == 'revoked' and r['reason'] == 'superseded'"
expect 0 -- "$revoke" revoke --db "$ca/index.txt" --cert "$ca/dev5.crt" --reason cACompromise --invalidity-date 2025-02-03T04:05:06Z
expect 0 -- "$revoke" revoke --db "$ca/index.txt" --serial "$(s dev6)" --hold-instruction callIssuer
set +e
st4=$(openssl ca -config "$ca/ca.cnf" -status "$(s dev4)" 2>&1)
st1=$(openssl ca -config "$ca/ca.cnf" -status "$(s dev1)" 2>&1)
set -e
grep -q "Revoked (R)" <<<"$st4" || { echo "FAIL: openssl ca -status: $st4"; exit 1; }
grep -q "Revoked (R)" <<<"$st1" || { echo "FAIL: openssl ca -status: $st1"; exit 1; }
openssl ca -config "$ca/ca.cnf" -gencrl -out "$tmp/ossl.crl" 2>"$tmp/err" || { cat "$tmp/err"; exit 1; }
openssl crl -in "$tmp/ossl.crl" -noout -text >"$tmp/crl.txt"
grep -A6 "Serial Number: $(s dev4)" "$tmp/crl.txt" | grep -q "Superseded" || { echo "FAIL: dev4 not superseded in openssl CRL"; cat "$tmp/crl.txt"; exit 1; }
grep -A6 "Serial Number: $(s dev5)" "$tmp/crl.txt" | grep -q "CA Compromise" || { echo "FAIL: dev5"; exit 1; }
grep -A6 "Serial Number: $(s dev5)" "$tmp/crl.txt" | grep -q "Feb  3 04:05:06 2025" || { echo "FAIL: dev5 invalidity"; cat "$tmp/crl.txt"; exit 1; }
grep -A6 "Serial Number: $(s dev6)" "$tmp/crl.txt" | grep -q "Hold Instruction Call Issuer" || { echo "FAIL: dev6 hold"; cat "$tmp/crl.txt"; exit 1; }
echo "ok: openssl ca -status and -gencrl read what iot-revoke wrote"

# openssl keeps issuing into the database we wrote
issue "$ca" dev7 "/CN=dev7"
expect 0 -- "$revoke" list --db "$ca/index.txt"
[[ $(wc -l <"$tmp/out") -eq 7 ]] || { echo "FAIL: expected 7 rows"; exit 1; }
echo "ok: openssl ca issues into a database iot-revoke rewrote"
