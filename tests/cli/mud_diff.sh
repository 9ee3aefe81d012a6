#!/usr/bin/env bash
# iot-mud diff: identical files are unchanged; an added peer or port widens (marked, and --check
# exits 1); a removed one narrows; renamed ACEs alone change nothing; broken inputs fail.
set -euo pipefail
: "${IOTOPS_SRC:?}" "${IOTOPS_BIN:?}" "${IOTOPS_VECTORS:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
. "$IOTOPS_SRC/tests/cli/lib/expect.sh"
mud="$IOTOPS_BIN/iot-mud"
desc="$IOTOPS_VECTORS/mud/local/thermostat.yaml"

"$mud" create "$desc" -o "$tmp/a.json"
expect 0 -- "$mud" diff --check "$tmp/a.json" "$tmp/a.json"
check_json "r['result'] == 'unchanged' and r['access'] == [] and r['widens'] is False"

# widen: one more cloud port
sed 's/^allow:/allow:\n  - dns: telemetry.things.example.com\n    protocol: tcp\n    port: 8883/' "$desc" >"$tmp/wide.yaml"
"$mud" create "$tmp/wide.yaml" -o "$tmp/b.json"
expect 0 -- "$mud" diff "$tmp/a.json" "$tmp/b.json"
check_json "r['result'] == 'widened' and r['widens'] and any(c['change'] == 'added' and c['widens'] and 'dns:telemetry.things.example.com dport eq 8883' in c['access'] for c in r['access'])"
expect 1 -- "$mud" diff --check "$tmp/a.json" "$tmp/b.json"
expect 0 -- "$mud" diff --format text "$tmp/a.json" "$tmp/b.json"
grep -q "^+ WIDENS from-device ipv4 accept proto 6 tcp to dns:telemetry.things.example.com dport eq 8883" "$tmp/out"
grep -q "^access widened" "$tmp/out"
# the reverse narrows only
expect 0 -- "$mud" diff --check "$tmp/b.json" "$tmp/a.json"
check_json "r['result'] == 'narrowed' and not r['widens'] and all(c['change'] == 'removed' for c in r['access'])"
echo "ok: widening marked, narrowing not"

# ACE names and ACL names do not matter, only what they match
sed 's/cl0-frdev/cloud-out/; s/mud-36660/mud-11111/g' "$tmp/a.json" >"$tmp/renamed.json"
expect 0 -- "$mud" diff --check "$tmp/a.json" "$tmp/renamed.json"
check_json "r['access'] == []"
# a changed metadata field
sed 's/"cache-validity": 24/"cache-validity": 12/' "$tmp/a.json" >"$tmp/cv.json"
expect 0 -- "$mud" diff "$tmp/a.json" "$tmp/cv.json"
check_json "r['result'] == 'changed' and r['fields'] == [{'field': 'cache-validity', 'before': '24', 'after': '12'}]"
echo "ok: names ignored, fields reported"

expect 66 -- "$mud" diff "$tmp/a.json" "$tmp/absent.json"
grep -q "^iot-mud: error: .*absent.json" "$tmp/err"
echo '{"not": "mud"}' >"$tmp/x.json"
expect 65 -- "$mud" diff "$tmp/a.json" "$tmp/x.json"
grep -q "^iot-mud: error: not a MUD file" "$tmp/err"
echo "ok: 2 bad inputs"
