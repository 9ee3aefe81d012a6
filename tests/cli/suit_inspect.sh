#!/usr/bin/env bash
# iot-suit inspect: JSON with the spec's names and annotated diagnostic notation like the spec's examples.
set -euo pipefail
: "${IOTOPS_BIN:?}" "${IOTOPS_VECTORS:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
suit="$IOTOPS_BIN/iot-suit"
v="$IOTOPS_VECTORS/suit/manifest-spec"

for n in 0 1 2 3 4 5; do
    "$suit" inspect "$v/example$n.suit" >"$tmp/e$n.json"
    /usr/bin/python3 - "$tmp/e$n.json" "$v/example$n.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
src = json.load(open(sys.argv[2]))
m = r["manifest"]
assert r["tagged"] is True
assert m["manifest-version"] == 1
assert m["manifest-sequence-number"] == src["manifest-sequence-number"], m["manifest-sequence-number"]
# every component of the source appears among the manifest's components (hex byte strings)
ids = m["common"]["components"]
for c in src["components"]:
    assert c["install-id"] in ids, (c["install-id"], ids)
d = r["authentication-wrapper"]["digest"]
assert d["algorithm-id"] == -16 and d["algorithm"] == "sha256" and len(d["digest-bytes"]) == 64
b = r["authentication-wrapper"]["authentication-blocks"][0]
assert b["type"] == "COSE_Sign1" and b["alg-name"] == "ES256" and b["payload"] is None
cmds = [c["command"] for c in m["common"]["shared-sequence"]]
assert "directive-override-parameters" in cmds, cmds
assert all("id" in c and "argument" in c for c in m["common"]["shared-sequence"])
PY
done
echo "ok: examples 0-5 inspect to JSON with the source's sequence numbers and components"

"$suit" inspect "$v/example2.suit" >"$tmp/e2.json"
/usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["manifest"]["install"]["severed"]["algorithm"] == "sha256"
assert [c["command"] for c in r["severable-members"]["install"]["commands"]] == \
    ["directive-override-parameters", "directive-fetch", "condition-image-match"]
assert r["severable-members"]["install"]["commands"][0]["argument"]["uri"].startswith("http://example.com/")
' "$tmp/e2.json"
echo "ok: example 2 shows severed install with its digest and the carried commands"

for n in 0 1 2 3 4 5; do
    "$suit" inspect --format diag "$v/example$n.suit" >"$tmp/e$n.diag"
    for want in "107({" "/ authentication-wrapper / 2:<< [" "/ manifest / 3:<< {" "/ manifest-version / 1:1," \
                "/ manifest-sequence-number / 2:$n," "/ common / 3:<< {" "/ components / 2:[" \
                "/ shared-sequence / 4:<< [" '/ alg / 1:-7 / "ES256" /' '/ algorithm-id / -16 / "sha256" /'; do
        grep -qF -- "$want" "$tmp/e$n.diag" || { echo "FAIL: example$n diag lacks: $want"; exit 1; }
    done
done
grep -qF "/ condition-vendor-identifier / 1,15" "$tmp/e0.diag"
grep -qF "/ directive-try-each / 15,[" "$tmp/e3.diag"
grep -qF "/ component-slot / 5:1" "$tmp/e3.diag"
grep -qF "/ directive-set-component-index / 12,0" "$tmp/e5.diag"
grep -qF "/ install / 20:<< [" "$tmp/e2.diag"
echo "ok: --format diag names keys, commands and parameters as the spec does"

# The diagnostic notation of the spec's example 0 and ours name the same keys in the same order.
/usr/bin/python3 - "$v/example0.txt" "$tmp/e0.diag" <<'PY'
import re, sys
spec = open(sys.argv[1]).read().split("~~~")[1]
ours = open(sys.argv[2]).read()
alias = {"vendor-id": "vendor-identifier", "class-id": "class-identifier", "slot": "component-slot"}
def keys(t):
    return [alias.get(k, k) for k in re.findall(r"/ ([a-z][a-z-]*[a-z]):? /\s*-?\d+:", t)]
s, o = keys(spec), keys(ours)
assert s == o, (s, o)
print("  same key names in the same order:", len(s))
PY
echo "ok: example 0 diag keys match the spec's"

"$suit" inspect --format text "$v/example0.suit" | grep -q "manifest-sequence-number" || { echo "FAIL: text"; exit 1; }
set +e; "$suit" inspect "$tmp/missing.suit" 2>/dev/null; st=$?; set -e
[[ $st -eq 66 ]] || { echo "FAIL: missing file gave $st"; exit 1; }
head -c 50 "$v/example0.suit" >"$tmp/trunc.suit"
set +e; "$suit" inspect "$tmp/trunc.suit" 2>"$tmp/err"; st=$?; set -e
[[ $st -eq 65 ]] || { echo "FAIL: truncated gave $st"; exit 1; }
grep -q "iot-suit: error:.*byte" "$tmp/err" || { echo "FAIL: message lacks the offset"; cat "$tmp/err"; exit 1; }
echo "ok: inspect exit codes 66 (missing) and 65 (truncated, with offset)"
