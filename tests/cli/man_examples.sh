#!/usr/bin/env bash
# Runs every example of every man page. Examples are the lines of man/*.1.md that start with
# "    $ " (an indented code block); each must exit 0. Every page must have at least one.
set -euo pipefail
: "${IOTOPS_BIN:?}" "${IOTOPS_SRC:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export PATH="$IOTOPS_BIN:$PATH"
total=0; failed=0
for page in "$IOTOPS_SRC"/man/*.1.md; do
    n=0
    while IFS= read -r cmd; do
        n=$((n + 1))
        # each example runs in a fresh scratch directory, with the vectors at hand
        work="$tmp/ex$total-$n"; mkdir -p "$work"
        if (cd "$work" && IOTOPS_VECTORS="${IOTOPS_VECTORS:-$IOTOPS_SRC/tests/vectors}" \
                bash -o pipefail -c "$cmd") >"$work.out" 2>&1; then
            echo "ok:   $(basename "$page"): $cmd"
        else
            echo "FAIL: $(basename "$page"): $cmd"; sed 's/^/      /' "$work.out"
            failed=$((failed + 1))
        fi
    done < <(sed -n 's/^    \$ //p' "$page")
    [[ $n -gt 0 ]] || { echo "FAIL: $(basename "$page") has no examples"; failed=$((failed + 1)); }
    total=$((total + n))
done
echo "$total examples, $failed failed"
[[ $failed -eq 0 && $total -gt 0 ]]
