#!/usr/bin/env bash
# iot-revoke on the CA database: revoke by serial and stream (idempotent, reason rules, hold and
# unhold), decommission with the deny list and its record, and bad inputs with exit codes and messages.
set -euo pipefail
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/../interop/lib/revoke_ca.bash"
db="$tmp/index.txt"
"$revoke" init --db "$db"
for f in index.txt index.txt.attr serial crlnumber; do [[ -f $tmp/$f ]] || { echo "FAIL: init made no $f"; exit 1; }; done
gen() {  # gen N: N valid rows 1000.. with serialNumber SN<i>
    /usr/bin/python3 -c "
import sys
for i in range(int(sys.argv[1])):
    print('V\t491231235959Z\t\t%X\tunknown\t/CN=dev%d/serialNumber=SN%d' % (0x1000 + i, i, i % 50))" "$1"
}
gen 200 >"$db"

expect 0 -- "$revoke" revoke --db "$db" --serial 1000 --reason keyCompromise
check_json "r == {'serial': '1000', 'result': 'revoked', 'reason': 'keyCompromise'}"
expect 0 -- "$revoke" revoke --db "$db" --serial 0x1000 --reason 1
check_json "r['result'] == 'already-revoked'"
grep -q "already revoked" "$tmp/err" || { echo "FAIL: no note on re-revoke"; exit 1; }
expect_err 1 "cannot change" -- "$revoke" revoke --db "$db" --serial 1000 --reason superseded
expect 0 -- "$revoke" revoke --db "$db" --serial 1001 --hold-instruction reject
grep -q "holdInstruction,holdInstructionReject	1001" "$db" || { echo "FAIL: hold line"; cat "$db"; exit 1; }
expect 0 -- "$revoke" unhold --db "$db" --serial 1001
grep -q "^V	491231235959Z		1001	" "$db" || { echo "FAIL: unhold"; exit 1; }
expect 0 -- "$revoke" revoke --db "$db" --serial 1001 --reason certificateHold
expect 0 -- "$revoke" revoke --db "$db" --serial 1001 --reason superseded
check_json "r['result'] == 'hold-changed' and r['reason'] == 'superseded'"
expect 0 -- "$revoke" revoke --db "$db" --serial 1002 --reason keyCompromise --invalidity-date 2026-01-01T00:00:00Z
grep -q "keyTime,20260101000000Z	1002" "$db" || { echo "FAIL: keyTime"; exit 1; }
echo "ok: revoke, idempotence, reason change refused, hold/unhold/hold->superseded, invalidity date"

# A stream: bare serials and NDJSON records in one batch; bad records become error records.
printf '1003\n{"serial":"1004","reason":"superseded"}\n# comment\n\nBEEF\n{"serial":"1005","reason":"7"}\nzz\n{"nope":1}\n1006\n' >"$tmp/stream"
expect 1 -- "$revoke" revoke --db "$db" --reason affiliationChanged "$tmp/stream"
/usr/bin/python3 - "$tmp/out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 7, rows
assert rows[0] == {"serial": "1003", "result": "revoked", "reason": "affiliationChanged"}, rows[0]
assert rows[1]["reason"] == "superseded"
assert rows[2]["error"]["code"] == "missing" and "not in the database" in rows[2]["error"]["message"] and rows[2]["index"] == 2
assert rows[3]["error"]["code"] == "usage" and "reason" in rows[3]["error"]["message"]
assert rows[4]["error"]["code"] == "usage" and "not hexadecimal" in rows[4]["error"]["message"]
assert rows[5]["error"]["code"] == "malformed" and "serial" in rows[5]["error"]["message"]
assert rows[6]["result"] == "revoked"
PY
grep -q "^R.*	1006	" "$db" || { echo "FAIL: stream did not apply"; exit 1; }
echo "ok: stream of serials and NDJSON records, error records in order"

# Decommission: every LDevID with serialNumber=SN7 (200 rows, 50 serial numbers: 4 of them).
printf '# MASA deny list\nOLD1\n' >"$tmp/deny.txt"
expect 0 -- "$revoke" decommission --serial-number SN7 --db "$db" --deny-list "$tmp/deny.txt"
/usr/bin/python3 - "$tmp/out" "$tmp/deny.txt" <<'PY'
import json, sys, re
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1
r = json.loads(lines[0])
assert list(r) == ["event", "serial-number", "revoked", "deny-list", "time"], list(r)
assert r["event"] == "decommission" and r["serial-number"] == "SN7" and r["deny-list"] == sys.argv[2]
assert sorted(x["serial"] for x in r["revoked"]) == ["1007", "1039", "106B", "109D"], r
assert all(x["reason"] == "cessationOfOperation" for x in r["revoked"])
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["time"]), r["time"]
PY
[[ $(grep -v '^#' "$tmp/deny.txt") == $'OLD1\nSN7' ]] || { echo "FAIL: deny list"; cat "$tmp/deny.txt"; exit 1; }
expect 0 -- "$revoke" decommission --serial-number SN7 --db "$db" --deny-list "$tmp/deny.txt"
[[ $(grep -c SN7 "$tmp/deny.txt") -eq 1 ]] || { echo "FAIL: deny list duplicate"; exit 1; }
expect 0 -- "$revoke" decommission --serial-number NOSUCH --db "$db" --deny-list "$tmp/deny.txt"
check_json "r['revoked'] == []"
grep -q "no certificate" "$tmp/err" || { echo "FAIL: no note for unknown device"; exit 1; }
echo "ok: decommission revokes the LDevIDs, extends the deny list once, prints the record"

# Bad inputs
expect_err 66 "not in the database" -- "$revoke" revoke --db "$db" --serial ABCDEF
expect_err 64 "not hexadecimal" -- "$revoke" revoke --db "$db" --serial 12XY
expect_err 64 "unknown revocation reason" -- "$revoke" revoke --db "$db" --serial 1010 --reason bogus
expect_err 64 "unknown revocation reason" -- "$revoke" revoke --db "$db" --serial 1010 --reason 7
expect_err 64 "removeFromCRL" -- "$revoke" revoke --db "$db" --serial 1010 --reason removeFromCRL
expect_err 64 "invalidity-date" -- "$revoke" revoke --db "$db" --serial 1010 --reason superseded --invalidity-date 2026-01-01T00:00:00Z
expect_err 64 "hold-instruction" -- "$revoke" revoke --db "$db" --serial 1010 --reason superseded --hold-instruction reject
expect_err 64 "unknown hold instruction" -- "$revoke" revoke --db "$db" --serial 1010 --hold-instruction sometimes
expect_err 65 "" -- "$revoke" revoke --db "$db" --serial 1010 --reason keyCompromise --invalidity-date yesterday
expect_err 64 "nothing to do" -- "$revoke" revoke --db "$db"
expect_err 64 "not both" -- "$revoke" revoke --db "$db" --serial 1010 "$tmp/stream"
expect_err 1 "not on hold" -- "$revoke" unhold --db "$db" --serial 1010
expect_err 66 "" -- "$revoke" revoke --db "$tmp/missing/index.txt" --serial 1010
expect_err 64 "not a device serial number" -- "$revoke" decommission --serial-number "a b" --db "$db" --deny-list "$tmp/deny.txt"
expect_err 64 "permanent" -- "$revoke" decommission --serial-number SN8 --reason certificateHold --db "$db" --deny-list "$tmp/deny.txt"
printf 'A1\nB 2\n' >"$tmp/baddeny"
expect_err 65 "line 2" -- "$revoke" decommission --serial-number SN9 --db "$db" --deny-list "$tmp/baddeny"
cp "$db" "$tmp/bad.txt"; printf 'V\t491231235959Z\t\t2000\tunknown\n' >>"$tmp/bad.txt"
expect_err 65 "line 201" -- "$revoke" revoke --db "$tmp/bad.txt" --serial 1010
expect_err 65 "line 201" -- "$revoke" list --db "$tmp/bad.txt"
cp "$db" "$tmp/dup.txt"; head -1 "$db" >>"$tmp/dup.txt"
expect_err 65 "appears twice" -- "$revoke" list --db "$tmp/dup.txt"
printf 'Q\t491231235959Z\t\t2000\tunknown\t/CN=x\n' >"$tmp/q.txt"
expect_err 65 "line 1: status 'Q'" -- "$revoke" list --db "$tmp/q.txt"
cmp -s "$tmp/bad.txt" <(cat "$db"; printf 'V\t491231235959Z\t\t2000\tunknown\n') || { echo "FAIL: bad index was modified"; exit 1; }
echo "ok: 21 bad inputs with exit codes and messages; a malformed index is left as it was"
