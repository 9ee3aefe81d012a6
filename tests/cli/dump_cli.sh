#!/usr/bin/env bash
# --iotops-dump-cli prints the tool's description as JSON and is hidden from --help.
set -euo pipefail
: "${IOTOPS_BIN:?}" "${IOTOPS_SRC:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for dir in "$IOTOPS_SRC"/apps/iot-*/; do
    tool=$(basename "$dir")
    "$IOTOPS_BIN/$tool" --iotops-dump-cli >"$tmp/dump.json"
    /usr/bin/python3 - "$tool" "$tmp/dump.json" <<'PY'
import json, sys
tool, path = sys.argv[1], sys.argv[2]
d = json.load(open(path))
assert d["name"] == tool, d["name"]
assert d["version"], "no version"
names = [n for o in d["options"] for n in o["names"]]
for want in ("--help", "--version", "--no-color", "--quiet"):
    assert want in names, f"{tool}: {want} missing from the dump"
assert "--iotops-dump-cli" not in names, "the hidden option is listed"
for v in d["verbs"]:
    assert v["name"] and "options" in v and "positionals" in v, v
PY
    if "$IOTOPS_BIN/$tool" --help | grep -q iotops-dump-cli; then
        echo "FAIL: $tool --help shows the hidden option"; exit 1
    fi
done
echo "ok: --iotops-dump-cli describes every tool and is hidden from --help"
