# Sourced by scripts/bench, which provides build, root, seconds, rounds, ensure_built, field, max,
# ratio, openssl_ecdsap256, cpu_seconds and cpu_time.

bench_masa() {
    ensure_built bench_est_masa
    echo "== masa: Masa::request_voucher, CMS RVRs of 256 pledges (P-256), single thread, ${seconds}s"
    local out rate=0 floor=0 round f
    for ((round = 1; round <= rounds; round++)); do
        out=$("$build/bench/bench_est_masa" "$seconds")
        echo "$out"
        rate=$(max "$rate" "$(field per_second "$out")")
        # Baseline: the cryptography a voucher cannot do without, priced with openssl speed in the same
        # run: 3 ECDSA verifies (RVR signature, PVR signature, IDevID certificate) and 1 sign (the
        # voucher). The registrar's chain repeats from request to request and is not counted.
        openssl_ecdsap256
        f=$(awk -v s="$speed_sign" -v v="$speed_verify" 'BEGIN { printf "%.1f", 1 / (3 / v + 1 / s) }')
        echo "openssl speed ecdsap256 round $round: sign/s=$speed_sign verify/s=$speed_verify -> floor $f vouchers/s"
        floor=$(max "$floor" "$f")
    done
    printf '%-28s %12s %12s %7s\n' "best of $rounds" "libiotops/s" "floor/s" "ratio"
    printf '%-28s %12.1f %12.1f %7s\n' "requestvoucher" "$rate" "$floor" "$(ratio "$rate" "$floor")"
    echo "result bench=masa op=requestvoucher libiotops=$rate openssl=$floor ratio=$(ratio "$rate" "$floor")"
}
