#!/usr/bin/env bash
# iot-mud validate: every shared vector validates (the NIST files carrying undeclared extension
# members need --compat), and each broken file fails with its exit code and the JSON path named.
set -euo pipefail
: "${IOTOPS_SRC:?}" "${IOTOPS_BIN:?}" "${IOTOPS_VECTORS:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
. "$IOTOPS_SRC/tests/cli/lib/expect.sh"
mud="$IOTOPS_BIN/iot-mud"
v="$IOTOPS_VECTORS/mud"
base="$v/rfc8520/rfc8520-section9-example.json"
lum="$v/cisco-luminaire/Luminaire_150.json"

# mutate SOURCE NAME PYTHON-STATEMENTS-ON-d: writes $tmp/NAME.json
mutate() {
    /usr/bin/python3 - "$1" "$tmp/$2.json" "$3" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
m = d["ietf-mud:mud"]
acls = d["ietf-access-control-list:acls"]["acl"]
ace0 = acls[0]["aces"]["ace"][0]
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"))
PY
}
# bad NAME PATH-SUBSTRING MESSAGE-SUBSTRING: strict validation fails (exit 1) naming both
bad() {
    expect 1 -- "$mud" validate "$tmp/$1.json"
    check_json "r['result'] == 'invalid' and any(c['result'] == 'fail' and '$2' in c['message'] and '$3' in c['message'] for c in r['checks'])"
}

for f in "$v"/rfc8520/*.json "$v"/cisco-luminaire/*.json; do
    expect 0 -- "$mud" validate "$f"
    check_json "r['result'] == 'valid' and r['mode'] == 'strict'"
done
strict_ok=0
for f in "$v"/nist/*.json; do
    set +e; "$mud" validate "$f" >"$tmp/out"; rc=$?; set -e
    if [[ $rc -eq 0 ]]; then strict_ok=$((strict_ok + 1)); continue; fi
    [[ $rc -eq 1 ]] || { echo "FAIL: $f exit $rc"; exit 1; }
    # the only strict findings in the NIST files: extension members not declared in extensions
    check_json "all(c['check'] == 'undeclared-extension' for c in r['checks'] if c['result'] == 'fail')"
    expect 0 -- "$mud" validate --compat "$f"
    check_json "r['result'] == 'valid' and any(c['result'] == 'warning' for c in r['checks'])"
done
[[ $strict_ok -eq 10 ]] || { echo "FAIL: $strict_ok NIST files valid strictly, expected 10"; exit 1; }
echo "ok: all vectors validate (3 NIST files need --compat)"

# text format
expect 0 -- "$mud" validate --format text "$base"
grep -q "result: valid" "$tmp/out"

# legacy forms: invalid strictly, warnings with --compat
mutate "$base" legacy-access-lists 'd["ietf-access-control-list:access-lists"] = d.pop("ietf-access-control-list:acls")'
mutate "$base" legacy-ethernet 'acls[0]["type"] = "ethernet-acl-type"; ace0["matches"].pop("ipv6"); ace0["matches"]["eth"] = {"ethertype": "0x86dd"}'
mutate "$base" legacy-range 'ace0["matches"]["tcp"]["source-port"] = {"operator": "range", "lower-port": 1, "upper-port": 9}'
mutate "$base" legacy-no-zone 'm["last-update"] = "2018-03-02T11:20:51"'
mutate "$base" legacy-empty 'ace0["matches"]["ietf-mud:mud"] = {"local-networks": []}'
mutate "$base" legacy-port-string 'ace0["matches"]["tcp"]["source-port"]["port"] = "443"'
for n in legacy-access-lists legacy-ethernet legacy-range legacy-no-zone legacy-empty legacy-port-string; do
    expect 1 -- "$mud" validate "$tmp/$n.json"
    grep -q -- "--compat accepts it" "$tmp/out" || { echo "FAIL: $n: no --compat hint"; exit 1; }
    expect 0 -- "$mud" validate --compat "$tmp/$n.json"
    check_json "r['result'] == 'valid' and r['mode'] == 'compat' and any(c['result'] == 'warning' and 'accepted by --compat' in c['message'] for c in r['checks'])"
done
echo "ok: 6 legacy forms fail strictly and pass with --compat"

# invalid files: exit 1, the finding names its JSON path
mutate "$base" missing-acl 'm["from-device-policy"]["access-lists"]["access-list"][0]["name"] = "nope"'
bad missing-acl "/ietf-mud:mud/from-device-policy/access-lists/access-list/0/name" "referenced but missing"
mutate "$base" dup-ace 'acls[0]["aces"]["ace"].append(dict(ace0))'
bad dup-ace "/ietf-access-control-list:acls/acl/0/aces/ace/1/name" "used twice"
mutate "$base" dup-acl 'acls[1]["name"] = acls[0]["name"]'
bad dup-acl "/ietf-access-control-list:acls/acl/1/name" "used twice"
mutate "$base" range-operator 'ace0["matches"]["tcp"]["source-port"] = {"operator": "eq", "lower-port": 1, "upper-port": 9}'
bad range-operator "source-port/operator" "cannot have an operator"
mutate "$base" range-reversed 'ace0["matches"]["tcp"]["source-port"] = {"lower-port": 9, "upper-port": 1}'
bad range-reversed "source-port" "is above upper-port"
mutate "$base" range-half 'ace0["matches"]["tcp"]["source-port"] = {"lower-port": 9}'
bad range-half "source-port" "both lower-port and upper-port"
mutate "$base" bad-operator 'ace0["matches"]["tcp"]["source-port"]["operator"] = "lt"'
bad bad-operator "source-port/operator" "not eq, neq, lte or gte"
mutate "$base" port-big 'ace0["matches"]["tcp"]["source-port"]["port"] = 70000'
bad port-big "source-port/port" "outside 0..65535"
mutate "$base" http-url 'm["mud-url"] = "http://lighting.example.com/lightbulb2000"'
bad http-url "/ietf-mud:mud/mud-url" "does not use https"
mutate "$base" no-url 'del m["mud-url"]'
bad no-url "/ietf-mud:mud" "mud-url is missing"
mutate "$base" no-supported 'del m["is-supported"]'
bad no-supported "/ietf-mud:mud" "is-supported is missing"
mutate "$base" version-str 'm["mud-version"] = "one"'
bad version-str "/ietf-mud:mud/mud-version" "must be a uint8"
mutate "$base" version-2 'm["mud-version"] = 2'
bad version-2 "/ietf-mud:mud/mud-version" "is not 1"
mutate "$base" cache-0 'm["cache-validity"] = 0'
bad cache-0 "/ietf-mud:mud/cache-validity" "outside 1..168"
mutate "$base" bad-date 'm["last-update"] = "yesterday"'
bad bad-date "/ietf-mud:mud/last-update" "not a yang:date-and-time"
mutate "$base" acl-type 'acls[0]["type"] = "ipv4"'
bad acl-type "/ietf-access-control-list:acls/acl/0/type" "not an RFC 8519 ACL type"
mutate "$base" acl-type-bogus 'acls[0]["type"] = "fancy-acl-type"'
bad acl-type-bogus "/ietf-access-control-list:acls/acl/0/type" "not an ACL type identity"
mutate "$base" when-guard 'acls[0]["type"] = "ipv4-acl-type"'
bad when-guard "/matches/ipv6" "not allowed in a ipv4-acl-type ACL"
mutate "$base" proto-mismatch 'ace0["matches"]["ipv6"]["protocol"] = 17'
bad proto-mismatch "/matches/tcp" "tcp match with protocol 17"
mutate "$base" direction 'ace0["matches"]["tcp"]["ietf-mud:direction-initiated"] = "sideways"'
bad direction "ietf-mud:direction-initiated" "not to-device or from-device"
mutate "$base" forwarding 'ace0["actions"]["forwarding"] = "permit"'
bad forwarding "/actions/forwarding" "not accept, drop or reject"
mutate "$base" no-actions 'del ace0["actions"]'
bad no-actions "/aces/ace/0" "actions is missing"
mutate "$base" unknown 'ace0["matches"]["colour"] = "red"'
bad unknown "/matches/colour" "not in the schema"
mutate "$base" empty-leaf 'ace0["matches"]["ietf-mud:mud"] = {"same-manufacturer": True}'
bad empty-leaf "same-manufacturer" "must be [null]"
mutate "$base" controller 'ace0["matches"]["ietf-mud:mud"] = {"controller": "remote-host"}'
bad controller "ietf-mud:mud/controller" "not an absolute URI"
mutate "$base" dnsname 'ace0["matches"]["ipv6"]["ietf-acldns:src-dnsname"] = "bad name!"'
bad dnsname "ietf-acldns:src-dnsname" "not a host name"
mutate "$base" prefix 'ace0["matches"]["ipv6"]["source-ipv6-network"] = "10.0.0.0/8"'
bad prefix "source-ipv6-network" "not an ipv6-prefix"
mutate "$base" l3-choice 'acls[0]["type"] = "mixed-eth-ipv4-ipv6-acl-type"; ace0["matches"]["ipv4"] = {"protocol": 6}'
bad l3-choice "/matches" "one choice (l3)"
mutate "$base" acl-name-long 'acls[0]["name"] = "x" * 65; m["to-device-policy"]["access-lists"]["access-list"][0]["name"] = "x" * 65'
bad acl-name-long "/ietf-access-control-list:acls/acl/0/name" "outside 1..64"
echo "ok: 28 invalid files fail with their JSON path"

# not MUD at all: exit 65 with a one-line error
printf '' >"$tmp/empty.json"
expect 65 -- "$mud" validate "$tmp/empty.json"
grep -q "^iot-mud: error: not a MUD file: the input is empty" "$tmp/err"
echo '{"ietf-mud:mud": ' >"$tmp/trunc.json"
expect 65 -- "$mud" validate "$tmp/trunc.json"
grep -q "^iot-mud: error: mud: at byte" "$tmp/err"
echo '{"hello": "world"}' >"$tmp/notmud.json"
expect 65 -- "$mud" validate "$tmp/notmud.json"
grep -q "^iot-mud: error: not a MUD file: no \"ietf-mud:mud\" object" "$tmp/err"
echo '[1,2]' >"$tmp/array.json"
expect 65 -- "$mud" validate "$tmp/array.json"
grep -q "not a JSON object" "$tmp/err"
expect 66 -- "$mud" validate "$tmp/absent.json"
[[ ! -s "$tmp/out" ]] || { echo "FAIL: output on error"; exit 1; }
echo "ok: empty, truncated, non-MUD, array: 65; missing file: 66"
