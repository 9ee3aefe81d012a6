# Sourced by scripts/bench, which provides build, root, seconds, rounds, ensure_built, field, max,
# ratio, openssl_ecdsap256, cpu_seconds and cpu_time.

bench_mud() {
    ensure_built bench_mud
    local files=${BENCH_MUD_FILES:-10000} out parse=0 compile=0 round
    echo "== mud: validate + compile (nft) $files MUD files in one process; baseline: parsing them as JSON"
    for ((round = 1; round <= rounds; round++)); do
        out=$("$build/bench/bench_mud" "$files")
        echo "$out"
        # a ratio is not picked from the best round: the seconds of all rounds are summed on each side
        parse=$(awk -v a="$parse" -v b="$(field parse_seconds "$out")" 'BEGIN { print a + b }')
        compile=$(awk -v a="$compile" -v b="$(field compile_seconds "$out")" 'BEGIN { print a + b }')
    done
    local per=$(awk -v n="$files" -v r="$rounds" -v t="$compile" 'BEGIN { printf "%.0f", n * r / t }')
    local base=$(awk -v n="$files" -v r="$rounds" -v t="$parse" 'BEGIN { printf "%.0f", n * r / t }')
    echo "result bench=mud files=$files validate_compile_per_second=$per json_parse_per_second=$base time_ratio=$(ratio "$compile" "$parse") (target <= 2)"
}
