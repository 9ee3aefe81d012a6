#!/usr/bin/env bash
# A tool run without a verb is a usage error: exit 64 and "no verb given".
set -euo pipefail
: "${IOTOPS_BIN:?}" "${IOTOPS_SRC:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for dir in "$IOTOPS_SRC"/apps/iot-*/; do
    tool=$(basename "$dir")
    rc=0; "$IOTOPS_BIN/$tool" >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
    [[ $rc -eq 64 ]] || { echo "FAIL: bare $tool exited $rc, want 64"; exit 1; }
    [[ "$(cat "$tmp/err")" == "$tool: error: no verb given (try '$tool --help')" ]] ||
        { echo "FAIL: $tool: unexpected message: $(cat "$tmp/err")"; exit 1; }
    [[ ! -s "$tmp/out" ]] || { echo "FAIL: bare $tool wrote to stdout"; exit 1; }
done
echo "ok: bare tools exit 64 with 'no verb given'"
