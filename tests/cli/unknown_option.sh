#!/usr/bin/env bash
# An unknown option is a usage error: exit 64, nothing on stdout, one line on stderr.
set -euo pipefail
: "${IOTOPS_BIN:?}" "${IOTOPS_SRC:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for dir in "$IOTOPS_SRC"/apps/iot-*/; do
    tool=$(basename "$dir")
    rc=0; "$IOTOPS_BIN/$tool" --no-such-option >"$tmp/out" 2>"$tmp/err" || rc=$?
    [[ $rc -eq 64 ]] || { echo "FAIL: $tool --no-such-option exited $rc, want 64"; exit 1; }
    [[ ! -s "$tmp/out" ]] || { echo "FAIL: $tool wrote to stdout on a usage error"; exit 1; }
    [[ $(wc -l <"$tmp/err") -eq 1 ]] || { echo "FAIL: $tool: stderr is not one line:"; cat "$tmp/err"; exit 1; }
    grep -q "^$tool: error: .*--no-such-option.*try '$tool --help'" "$tmp/err" ||
        { echo "FAIL: $tool: unexpected message: $(cat "$tmp/err")"; exit 1; }
done
echo "ok: unknown options exit 64 with one line on stderr"
