#!/usr/bin/env bash
# Every man page has the required sections, the full exit status table, and builds with pandoc.
set -euo pipefail
: "${IOTOPS_SRC:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
status=0
for dir in "$IOTOPS_SRC"/apps/iot-*/; do
    tool=$(basename "$dir")
    page="$IOTOPS_SRC/man/$tool.1.md"
    [[ -f "$page" ]] || { echo "FAIL: $tool has no man page"; status=1; continue; }
    for s in NAME SYNOPSIS DESCRIPTION VERBS OPTIONS "EXIT STATUS" ENVIRONMENT EXAMPLES; do
        grep -qx "# $s" "$page" || { echo "FAIL: $tool.1.md lacks section $s"; status=1; }
    done
    table=$(sed -n '/^# EXIT STATUS$/,/^# /p' "$page")
    for code in 0 1 64 65 66 69 70 74 76 77 78; do
        grep -q "^| $code |" <<<"$table" || { echo "FAIL: $tool.1.md: exit status $code not in the table"; status=1; }
    done
    for var in NO_COLOR TERM; do
        sed -n '/^# ENVIRONMENT$/,/^# /p' "$page" | grep -q "^\*\*$var\*\*" ||
            { echo "FAIL: $tool.1.md: $var not in ENVIRONMENT"; status=1; }
    done
    grep -q "^# NAME" "$page" && sed -n '/^# NAME$/,/^# /p' "$page" | grep -q "^$tool - " ||
        { echo "FAIL: $tool.1.md: NAME line is not '$tool - ...'"; status=1; }
    if command -v pandoc >/dev/null; then
        pandoc -s -t man "$page" -o "$tmp/$tool.1" 2>"$tmp/err" && [[ ! -s "$tmp/err" ]] ||
            { echo "FAIL: pandoc on $tool.1.md:"; cat "$tmp/err"; status=1; }
    fi
    [[ $status -ne 0 ]] || echo "ok: $tool.1.md"
done
exit $status
