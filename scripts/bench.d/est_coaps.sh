# Sourced by scripts/bench, which provides build, root, seconds, rounds, ensure_built, field, max,
# ratio, openssl_ecdsap256, cpu_seconds and cpu_time.

bench_est_coaps() {
    ensure_built bench_est_coaps
    echo "== est_coaps: the EST-coaps /sen resource against the HTTPS simpleenroll handler (the baseline), one Registrar, single thread, ${seconds}s each"
    local out coaps=0 https=0 round
    for ((round = 1; round <= rounds; round++)); do
        out=$("$build/bench/bench_est_coaps" "$seconds")
        echo "$out"
        https=$(max "$https" "$(field per_second "$(grep op=simpleenroll-https <<<"$out")")")
        coaps=$(max "$coaps" "$(field per_second "$(grep op=sen-coaps <<<"$out")")")
    done
    printf '%-28s %12s %12s %7s\n' "best of $rounds" "coaps/s" "https/s" "ratio"
    printf '%-28s %12.1f %12.1f %7s\n' "sen vs simpleenroll (CPU)" "$coaps" "$https" "$(ratio "$coaps" "$https")"
    echo "result bench=est_coaps op=sen libiotops=$coaps baseline=$https ratio=$(ratio "$coaps" "$https")"
}
