# Sourced by scripts/bench, which provides build, root, seconds, rounds, ensure_built, field, max,
# ratio, openssl_ecdsap256, cpu_seconds and cpu_time.

bench_est() {
    ensure_built bench_est_enroll
    echo "== est: Registrar simpleenroll with an IDevID client certificate, into a CA database, single thread, ${seconds}s"
    local out rate=0 wall=0 floor=0 round f
    for ((round = 1; round <= rounds; round++)); do
        out=$("$build/bench/bench_est_enroll" "$seconds")
        echo "$out"
        rate=$(max "$rate" "$(field per_second "$out")")
        wall=$(max "$wall" "$(field wall_per_second "$out")")
        # Baseline: the cryptography an enrolment cannot do without, priced with openssl speed in the
        # same run: 2 ECDSA verifies (the CSR, the IDevID) and 1 sign (the certificate).
        openssl_ecdsap256
        f=$(awk -v s="$speed_sign" -v v="$speed_verify" 'BEGIN { printf "%.1f", 1 / (2 / v + 1 / s) }')
        echo "openssl speed ecdsap256 round $round: sign/s=$speed_sign verify/s=$speed_verify -> floor $f enrolments/s"
        floor=$(max "$floor" "$f")
    done
    printf '%-28s %12s %12s %7s\n' "best of $rounds" "libiotops/s" "floor/s" "ratio"
    printf '%-28s %12.1f %12.1f %7s\n' "simpleenroll (CPU)" "$rate" "$floor" "$(ratio "$rate" "$floor")"
    echo "result bench=est op=simpleenroll libiotops=$rate wall=$wall openssl=$floor ratio=$(ratio "$rate" "$floor")"
}
