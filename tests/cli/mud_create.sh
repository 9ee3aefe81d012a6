#!/usr/bin/env bash
# iot-mud create: a YAML description becomes a MUD file that validates strictly, with mirrored
# from/to-device ACEs; a broken description fails with exit 65, its line, and no output file.
set -euo pipefail
: "${IOTOPS_SRC:?}" "${IOTOPS_BIN:?}" "${IOTOPS_VECTORS:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
. "$IOTOPS_SRC/tests/cli/lib/expect.sh"
mud="$IOTOPS_BIN/iot-mud"
desc="$IOTOPS_VECTORS/mud/local/thermostat.yaml"

expect 0 -- "$mud" create "$desc" -o "$tmp/th.json"
expect 0 -- "$mud" validate "$tmp/th.json"
/usr/bin/python3 - "$tmp/th.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
m = d["ietf-mud:mud"]
assert m["mud-url"] == "https://things.example.com/thermostat.json" and m["cache-validity"] == 24
assert m["last-update"] == "2026-11-01T10:00:00Z" and m["mfg-name"] == "Example Things"
acls = {a["name"]: a for a in d["ietf-access-control-list:acls"]["acl"]}
fr = [p["name"] for p in m["from-device-policy"]["access-lists"]["access-list"]]
to = [p["name"] for p in m["to-device-policy"]["access-lists"]["access-list"]]
assert len(fr) == 2 and len(to) == 2 and all(n in acls for n in fr + to)
v4fr = acls[[n for n in fr if n.endswith("v4fr")][0]]
assert v4fr["type"] == "ipv4-acl-type"
aces = {a["name"]: a for a in v4fr["aces"]["ace"]}
cl = aces["cl0-frdev"]["matches"]
assert cl["ipv4"] == {"ietf-acldns:dst-dnsname": "cloud.things.example.com", "protocol": 6}
assert cl["tcp"] == {"ietf-mud:direction-initiated": "from-device", "destination-port": {"operator": "eq", "port": 443}}
assert aces["loc0-frdev"]["matches"]["ietf-mud:mud"] == {"local-networks": [None]}
assert aces["loc0-frdev"]["matches"]["tcp"]["source-port"]["port"] == 8080   # the service is on the device
assert aces["ent1-frdev"]["matches"]["ietf-mud:mud"] == {"controller": "urn:ietf:params:mud:ntp"}
v6to = acls[[n for n in to if n.endswith("v6to")][0]]
todev = {a["name"]: a for a in v6to["aces"]["ace"]}["cl0-todev"]["matches"]
assert todev["ipv6"]["ietf-acldns:src-dnsname"] == "cloud.things.example.com"
assert todev["tcp"]["source-port"]["port"] == 443
PY
echo "ok: description -> strictly valid MUD file with mirrored ACEs"

# stdin in, stdout out
expect 0 -- bash -c "'$mud' create - <'$desc'"
grep -q '"ietf-mud:mud"' "$tmp/out"

bad() {  # bad NAME YAML MESSAGE
    printf '%s\n' "$2" >"$tmp/$1.yaml"
    expect 65 -- "$mud" create "$tmp/$1.yaml" -o "$tmp/$1.json"
    grep -q "^iot-mud: error: description: .*$3" "$tmp/err" || { echo "FAIL: $1: $(cat "$tmp/err")"; exit 1; }
    [[ ! -e "$tmp/$1.json" ]] || { echo "FAIL: $1 left an output file"; exit 1; }
}
bad http 'mud-url: http://x.example.com/a' "must be an https URL"
bad no-url 'mfg-name: x' "mud-url is required"
bad unknown-key $'mud-url: https://x.example.com/a\ncolour: red' "unknown key 'colour'"
bad two-peers $'mud-url: https://x.example.com/a\nallow:\n  - dns: a.example.com\n    local-networks: true' "exactly one peer"
bad udp-direction $'mud-url: https://x.example.com/a\nallow:\n  - dns: a.example.com\n    protocol: udp\n    direction-initiated: from-device' "tcp only"
bad port-no-proto $'mud-url: https://x.example.com/a\nallow:\n  - dns: a.example.com\n    port: 80' "needs protocol tcp or udp"
bad port-range $'mud-url: https://x.example.com/a\nallow:\n  - dns: a.example.com\n    protocol: tcp\n    port: 90-80' "LOW <= HIGH"
bad yaml-syntax $'mud-url: [unclosed' "line"
bad cache $'mud-url: https://x.example.com/a\ncache-validity: 500' "outside 1..168"
echo "ok: 9 broken descriptions fail with 65 and no output"
