#!/usr/bin/env bash
# The bash completion of each tool completes its options (and verbs, when it has some).
set -euo pipefail
: "${IOTOPS_BIN:?}" "${IOTOPS_SRC:?}"
for dir in "$IOTOPS_SRC"/apps/iot-*/; do
    tool=$(basename "$dir")
    fn="_${tool//-/_}"
    got=$(bash -c '
        source "$1"
        COMP_WORDS=("$2" --ver); COMP_CWORD=1; "$3"; echo "${COMPREPLY[*]}"
        COMP_WORDS=("$2" --no); COMP_CWORD=1; "$3"; echo "${COMPREPLY[*]}"
    ' _ "$IOTOPS_SRC/completions/$tool.bash" "$tool" "$fn")
    [[ "$got" == $'--version\n--no-color' ]] || { echo "FAIL: $tool: completion gave: $got"; exit 1; }
    verbs=$("$IOTOPS_BIN/$tool" --iotops-dump-cli | /usr/bin/python3 -c 'import json,sys; print(" ".join(v["name"] for v in json.load(sys.stdin)["verbs"]))')
    got=$(bash -c 'source "$1"; COMP_WORDS=("$2" ""); COMP_CWORD=1; "$3"; echo "${COMPREPLY[*]}"' \
        _ "$IOTOPS_SRC/completions/$tool.bash" "$tool" "$fn")
    [[ "$got" == "$verbs" ]] || { echo "FAIL: $tool: verbs completed as '$got', want '$verbs'"; exit 1; }
done
echo "ok: bash completion offers options and verbs"
