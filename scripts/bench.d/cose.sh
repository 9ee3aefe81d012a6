# Sourced by scripts/bench, which provides build, root, seconds, rounds, ensure_built, field, max,
# ratio, cpu_seconds and cpu_time.

bench_cose() {
    ensure_built bench_cose_sign1
    echo "== cose: COSE_Sign1 ES256 (P-256), ~100 byte payload, single thread, ${seconds}s per operation"
    local out line sign=0 verify=0 ossl_sign=0 ossl_verify=0 round
    for ((round = 1; round <= rounds; round++)); do
        out=$("$build/bench/bench_cose_sign1" "$seconds")
        echo "$out"
        sign=$(max "$sign" "$(field per_second "$(grep 'op=sign' <<<"$out")")")
        verify=$(max "$verify" "$(field per_second "$(grep 'op=verify' <<<"$out")")")

        # Baseline: raw ECDSA P-256 in the same run. Its last line reads
        #  " 256 bits ecdsa (nistp256)   0.0000s   0.0001s  38910.8  13500.0"
        line=$(openssl speed -seconds "$seconds" ecdsap256 2>/dev/null | grep 'ecdsa (nistp256)' | tail -1)
        [[ -n $line ]] || { echo "bench: could not parse openssl speed output" >&2; exit 70; }
        echo "openssl speed ecdsap256 round $round: sign/s=$(awk '{ print $(NF-1) }' <<<"$line") verify/s=$(awk '{ print $NF }' <<<"$line")"
        ossl_sign=$(max "$ossl_sign" "$(awk '{ print $(NF-1) }' <<<"$line")")
        ossl_verify=$(max "$ossl_verify" "$(awk '{ print $NF }' <<<"$line")")
    done

    printf '%-28s %12s %12s %7s\n' "best of $rounds, ES256" "libiotops/s" "openssl/s" "ratio"
    printf '%-28s %12.1f %12.1f %7s\n' "sign" "$sign" "$ossl_sign" "$(ratio "$sign" "$ossl_sign")"
    printf '%-28s %12.1f %12.1f %7s\n' "verify" "$verify" "$ossl_verify" "$(ratio "$verify" "$ossl_verify")"
    echo "result bench=cose op=sign libiotops=$sign openssl=$ossl_sign ratio=$(ratio "$sign" "$ossl_sign")"
    echo "result bench=cose op=verify libiotops=$verify openssl=$ossl_verify ratio=$(ratio "$verify" "$ossl_verify")"
}
