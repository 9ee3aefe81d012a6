# Sourced by scripts/bench, which provides build, root, seconds, rounds, ensure_built, field, max,
# ratio, openssl_ecdsap256, cpu_seconds and cpu_time.

bench_cose() {
    ensure_built bench_cose_sign1
    echo "== cose: COSE_Sign1 ES256 (P-256), ~100 byte payload, single thread, ${seconds}s per operation"
    local out sign=0 verify=0 ossl_sign=0 ossl_verify=0 round
    for ((round = 1; round <= rounds; round++)); do
        out=$("$build/bench/bench_cose_sign1" "$seconds")
        echo "$out"
        sign=$(max "$sign" "$(field per_second "$(grep 'op=sign' <<<"$out")")")
        verify=$(max "$verify" "$(field per_second "$(grep 'op=verify' <<<"$out")")")

        # Baseline: raw ECDSA P-256 in the same run.
        openssl_ecdsap256
        echo "openssl speed ecdsap256 round $round: sign/s=$speed_sign verify/s=$speed_verify"
        ossl_sign=$(max "$ossl_sign" "$speed_sign")
        ossl_verify=$(max "$ossl_verify" "$speed_verify")
    done

    printf '%-28s %12s %12s %7s\n' "best of $rounds, ES256" "libiotops/s" "openssl/s" "ratio"
    printf '%-28s %12.1f %12.1f %7s\n' "sign" "$sign" "$ossl_sign" "$(ratio "$sign" "$ossl_sign")"
    printf '%-28s %12.1f %12.1f %7s\n' "verify" "$verify" "$ossl_verify" "$(ratio "$verify" "$ossl_verify")"
    echo "result bench=cose op=sign libiotops=$sign openssl=$ossl_sign ratio=$(ratio "$sign" "$ossl_sign")"
    echo "result bench=cose op=verify libiotops=$verify openssl=$ossl_verify ratio=$(ratio "$verify" "$ossl_verify")"
}
