#!/usr/bin/env bash
# The CA database under concurrency and crashes: two processes revoking 1,000 different serials
# each in the same database end with all 2,000 revoked and a well-formed file; a process killed
# with SIGKILL in the middle of writing leaves the previous database intact.
set -euo pipefail
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/../interop/lib/revoke_ca.bash"
db="$tmp/index.txt"
/usr/bin/python3 -c "
for i in range(3000):
    print('V\t491231235959Z\t\t%X\tunknown\t/CN=dev%d' % (0x10000 + i, i))" >"$db"

# Each side: 200 runs of 5 serials, interleaving with the other side's runs.
side() {  # side FIRST
    local first=$1 i j args
    for ((i = 0; i < 200; i++)); do
        args=()
        for ((j = 0; j < 5; j++)); do args+=(--serial "$(printf '%X' $((first + i * 5 + j)))"); done
        "$revoke" revoke --db "$db" --reason superseded "${args[@]}" >/dev/null || exit 1
    done
}
side $((0x10000)) & a=$!
side $((0x10000 + 1000)) & b=$!
wait $a || { echo "FAIL: side A failed"; exit 1; }
wait $b || { echo "FAIL: side B failed"; exit 1; }
expect 0 -- "$revoke" list --db "$db" --status revoked
[[ $(wc -l <"$tmp/out") -eq 2000 ]] || { echo "FAIL: $(wc -l <"$tmp/out") revoked, expected 2000"; exit 1; }
[[ $(wc -l <"$db") -eq 3000 ]] || { echo "FAIL: the database lost or gained rows"; exit 1; }
awk -F'\t' 'NF != 6 { exit 1 }' "$db" || { echo "FAIL: malformed rows"; exit 1; }
echo "ok: two concurrent writers, 2000 revocations, 3000 well-formed rows"

cp "$db" "$tmp/before"
IOTOPS_CA_TEST_PAUSE_MS=20000 "$revoke" revoke --db "$db" --serial 10BB7 --reason keyCompromise >/dev/null 2>&1 &
victim=$!
for _ in $(seq 100); do compgen -G "$db.tmp.*" >/dev/null && break; sleep 0.05; done
compgen -G "$db.tmp.*" >/dev/null || { echo "FAIL: the writer never started its temporary file"; kill -9 $victim; exit 1; }
kill -9 $victim; wait $victim 2>/dev/null || true
cmp -s "$db" "$tmp/before" || { echo "FAIL: the database changed after SIGKILL mid-write"; exit 1; }
expect 0 -- "$revoke" revoke --db "$db" --serial 10BB7 --reason keyCompromise
check_json "r['result'] == 'revoked'"
echo "ok: SIGKILL while writing leaves the previous database; the lock is free again"
