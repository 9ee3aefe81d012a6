#!/usr/bin/env bash
# Every option and verb a tool has (from --iotops-dump-cli) is documented in its man page:
# each option name appears in bold (**--name**) and each verb in bold in the VERBS section.
set -euo pipefail
: "${IOTOPS_BIN:?}" "${IOTOPS_SRC:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
status=0
for dir in "$IOTOPS_SRC"/apps/iot-*/; do
    tool=$(basename "$dir")
    page="$IOTOPS_SRC/man/$tool.1.md"
    [[ -f "$page" ]] || { echo "FAIL: $tool has no man page"; status=1; continue; }
    "$IOTOPS_BIN/$tool" --iotops-dump-cli >"$tmp/$tool.json"
    # Markdown escapes '-' as '\-' so pandoc leaves '--' alone; compare without the escapes.
    sed 's/\\-/-/g' "$page" >"$tmp/$tool.md"
    /usr/bin/python3 - "$tool" "$tmp/$tool.json" "$tmp/$tool.md" <<'PY' || status=1
import json, re, sys
tool, dump, page = sys.argv[1], sys.argv[2], sys.argv[3]
d = json.load(open(dump))
text = open(page).read()
verbs_section = re.search(r"^# VERBS\n(.*?)^# ", text, re.S | re.M)
verbs_section = verbs_section.group(1) if verbs_section else ""
missing = []
def check(where, opts):
    for o in opts:
        for n in o["names"]:
            if f"**{n}**" not in text:
                missing.append(f"{where} option {n}")
check(tool, d["options"])
for v in d["verbs"]:
    if f"**{v['name']}**" not in verbs_section:
        missing.append(f"verb {v['name']} (not in VERBS)")
    check(f"{tool} {v['name']}", v["options"])
for m in missing:
    print(f"FAIL: {tool}.1.md does not document {m}")
n = len(d["options"]) + sum(len(v["options"]) for v in d["verbs"])
print(f"{'ok' if not missing else 'FAIL'}: {tool}: {n} options and {len(d['verbs'])} verbs checked")
sys.exit(1 if missing else 0)
PY
done
exit $status
