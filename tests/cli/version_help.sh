#!/usr/bin/env bash
# Every tool answers --version with "<tool> <version>" and --help with its usage, exit 0.
set -euo pipefail
: "${IOTOPS_BIN:?}" "${IOTOPS_SRC:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
version=$(sed -n 's/^project(iotops VERSION \([0-9.]*\).*/\1/p' "$IOTOPS_SRC/CMakeLists.txt")
n=0
for dir in "$IOTOPS_SRC"/apps/iot-*/; do
    tool=$(basename "$dir")
    out=$("$IOTOPS_BIN/$tool" --version 2>"$tmp/err")
    [[ "$out" == "$tool $version" ]] || { echo "FAIL: $tool --version printed '$out'"; exit 1; }
    [[ ! -s "$tmp/err" ]] || { echo "FAIL: $tool --version wrote to stderr"; exit 1; }
    "$IOTOPS_BIN/$tool" --help >"$tmp/help" 2>"$tmp/err"
    grep -q "^Usage: $tool " "$tmp/help" || { echo "FAIL: $tool --help has no usage line"; exit 1; }
    for opt in --help --version --no-color --quiet; do
        grep -q -- "$opt" "$tmp/help" || { echo "FAIL: $tool --help does not mention $opt"; exit 1; }
    done
    [[ ! -s "$tmp/err" ]] || { echo "FAIL: $tool --help wrote to stderr"; exit 1; }
    n=$((n + 1))
done
[[ $n -eq 5 ]] || { echo "FAIL: expected 5 tools, found $n"; exit 1; }
echo "ok: --version and --help of $n tools exit 0 with the version and a usage"
