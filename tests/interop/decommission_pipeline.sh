#!/usr/bin/env bash
# End of life in one pipeline: iot-revoke decommission revokes the device's LDevID in an openssl ca
# database and adds its serial number to the MASA deny list; its record feeds iot-mud quarantine,
# whose ruleset nft accepts. openssl ca then sees the certificate as revoked.
set -euo pipefail
: "${IOTOPS_SRC:?}" "${IOTOPS_BIN:?}" "${IOTOPS_VECTORS:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
revoke="$IOTOPS_BIN/iot-revoke" mud="$IOTOPS_BIN/iot-mud"
site="$IOTOPS_VECTORS/mud/local/site.yaml"  # holds the device with serial-number THERMO-0001

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -subj "/CN=Site CA" \
    -days 30 -out ca.crt 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout dev.key \
    -subj "/CN=thermostat/serialNumber=THERMO-0001" -out dev.csr 2>/dev/null
openssl x509 -req -in dev.csr -CA ca.crt -CAkey ca.key -set_serial 0x4a01 -days 30 -out dev.crt 2>/dev/null
"$revoke" init --db index.txt
"$revoke" add --db index.txt --cert dev.crt

"$revoke" decommission --serial-number THERMO-0001 --db index.txt --deny-list deny.txt >record.json
"$mud" quarantine --site "$site" --record - -o quarantine.nft <record.json

/usr/bin/python3 - record.json <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).read())
assert r["event"] == "decommission" and r["serial-number"] == "THERMO-0001", r
assert [x["serial"].upper().lstrip("0") for x in r["revoked"]] == ["4A01"], r
PY
grep -qx 'THERMO-0001' deny.txt || { echo "FAIL: THERMO-0001 not on the deny list"; cat deny.txt; exit 1; }
grep -q '10.77.1.10' quarantine.nft || { echo "FAIL: the ruleset does not name the device's address"; exit 1; }
if [[ $(id -u) -eq 0 ]]; then
    nft -c -f quarantine.nft || { echo "FAIL: nft refuses the quarantine ruleset"; exit 1; }
else
    echo "skip: nft -c needs root"
fi

# openssl ca reads the database iot-revoke wrote
printf '[ca]\ndefault_ca=d\n[d]\ndatabase=%s/index.txt\n' "$tmp" >ca.cnf
status=$(openssl ca -config ca.cnf -status 4A01 2>&1 || true)
[[ $status == *"4A01=Revoked"* ]] || { echo "FAIL: openssl ca does not see 4A01 revoked: $status"; exit 1; }

# decommissioning again changes nothing and says so
"$revoke" decommission --serial-number THERMO-0001 --db index.txt --deny-list deny.txt >again.json
[[ $(grep -c 'THERMO-0001' deny.txt) -eq 1 ]] || { echo "FAIL: the deny list has a duplicate"; exit 1; }
echo "ok: decommission | quarantine retires THERMO-0001 (revoked, denied, confined)"
