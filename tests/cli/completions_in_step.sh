#!/usr/bin/env bash
# The committed completions are exactly what scripts/gen-completions makes from the built tools.
set -euo pipefail
: "${IOTOPS_BIN:?}" "${IOTOPS_SRC:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 "$IOTOPS_SRC/scripts/gen-completions" --bin "$IOTOPS_BIN" --out "$tmp/completions" >/dev/null
if ! diff -ru "$IOTOPS_SRC/completions" "$tmp/completions"; then
    echo "FAIL: completions/ is out of step with the tools; run scripts/gen-completions and commit"
    exit 1
fi
count=$(ls "$tmp/completions" | wc -l)
[[ $count -eq 15 ]] || { echo "FAIL: expected 15 completion files, got $count"; exit 1; }
for f in "$IOTOPS_SRC"/completions/*.bash; do bash -n "$f"; done
echo "ok: $count completion files in step with --iotops-dump-cli"
