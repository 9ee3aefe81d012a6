# Sourced by scripts/bench, which provides build, root, seconds, rounds, ensure_built, field, max,
# ratio, openssl_ecdsap256, cpu_seconds and cpu_time.
# voucher: BENCH_VOUCHER_N vouchers (default 100000) signed then verified in one stream per format
# with iot-voucher sign/verify --stream --jobs 1, against openssl speed ecdsap256 and against one
# `openssl cms -sign` process per voucher (BENCH_VOUCHER_SAMPLE of them, default 200). Unlike the
# other benchmarks it counts the median round, not the best: each round's ratio is a pair measured
# side by side, and the best of such pairs would flatter.

bench_voucher() {
    ensure_built iot-voucher
    local n=${BENCH_VOUCHER_N:-100000} sample=${BENCH_VOUCHER_SAMPLE:-200}
    local tmp; tmp=$(mktemp -d); trap 'rm -rf "$tmp"' RETURN
    (
        cd "$tmp"
        # shellcheck source=../tests/cli/lib/voucher_pki.sh
        . "$root/tests/cli/lib/voucher_pki.sh"
    )
    local tool="$build/bin/iot-voucher" pin
    pin=$(openssl x509 -in "$tmp/reg.pem" -outform DER | base64 -w0)
    awk -v n="$n" -v pin="$pin" 'BEGIN { for (i = 1; i <= n; i++)
        printf "{\"serial-number\":\"SN-%07d\",\"assertion\":\"logged\",\"created-on\":\"2026-01-01T00:00:00Z\",\"nonce\":\"AAECAwQFBgcI\",\"pinned-domain-cert\":\"%s\"}\n", i, pin }' \
        >"$tmp/run.ndjson"
    echo "== voucher: $n vouchers (P-256, pinned-domain-cert) signed then verified in one stream per format, --jobs 1"

    # openssl speed runs again right before each round, and each round's ratio pairs the two
    # measurements taken side by side; the median round counts (the lower one of two). On this
    # shared machine openssl's own rate moves by a tenth from one minute to the next.
    printf '%-14s %5s %10s %12s %12s %12s %7s\n' "format op" "round" "wall s" "vouchers/s" "(cpu) /s" "openssl/s" "ratio"
    local fmt op wall cpu rate base round cms_rate=0 cms_cpu_rate=0 extra
    for fmt in cose cms jws; do
        extra=(); [[ $fmt == cose ]] && extra=(--cert "$tmp/masa.pem")
        : >"$tmp/sign.rounds"; : >"$tmp/verify.rounds"
        for ((round = 1; round <= rounds; round++)); do
            openssl_ecdsap256
            cpu_time "$tmp/t.sign" "$tool" sign --stream --jobs 1 --format "$fmt" --key "$tmp/masa.key" \
                --cert "$tmp/masa.pem" -o "$tmp/signed.ndjson" "$tmp/run.ndjson"
            cpu_time "$tmp/t.verify" "$tool" verify --stream --jobs 1 --anchor "$tmp/ca.pem" "${extra[@]}" \
                -o "$tmp/verified.ndjson" "$tmp/signed.ndjson" || { echo "bench: $fmt vouchers did not verify" >&2; exit 70; }
            [[ $(grep -c '"result":"valid"' "$tmp/verified.ndjson") -eq $n ]] || { echo "bench: $fmt: not all valid" >&2; exit 70; }
            for op in sign verify; do
                read -r wall cpu <"$tmp/t.$op"
                rate=$(awk -v n="$n" -v c="$cpu" 'BEGIN { printf "%.1f", (c > 0) ? n / c : 0 }')
                base=$speed_sign; [[ $op == verify ]] && base=$speed_verify
                echo "$(ratio "$rate" "$base") $rate $base $wall" >>"$tmp/$op.rounds"
                printf '%-14s %5s %10s %12s %12s %12s %7s\n' "$fmt $op" "$round" "$wall" \
                    "$(awk -v n="$n" -v w="$wall" 'BEGIN { printf "%.1f", (w > 0) ? n / w : 0 }')" "$rate" "$base" "$(ratio "$rate" "$base")"
            done
        done
        for op in sign verify; do
            local r
            read -r r rate base wall < <(sort -n "$tmp/$op.rounds" | sed -n "$(((rounds + 1) / 2))p")
            echo "result bench=voucher format=$fmt op=$op n=$n per_cpu_second=$rate openssl=$base ratio=$r rounds=$(sort -n "$tmp/$op.rounds" | awk '{ printf "%s%s", sep, $1; sep = "," }')"
            if [[ $fmt == cms && $op == sign ]]; then
                cms_rate=$(awk -v n="$n" -v w="$wall" 'BEGIN { printf "%.1f", n / w }')
                cms_cpu_rate=$rate
            fi
        done
    done

    # Baseline: one openssl process per voucher, as a shell loop over a production run would do it.
    head -n 1 "$tmp/run.ndjson" | sed 's/^{/{"ietf-voucher:voucher":{/; s/$/}/' >"$tmp/one.json"
    # Both sides as CPU time (user+sys, the processes' start-up included) and as wall time; on a
    # busy machine the CPU figure is the steadier one.
    sign_one_per_process() {
        local i
        for ((i = 0; i < sample; i++)); do
            openssl cms -sign -binary -nodetach -econtent_type 1.2.840.113549.1.9.16.1.40 -in "$tmp/one.json" \
                -signer "$tmp/masa.pem" -inkey "$tmp/masa.key" -outform DER -out "$tmp/one.cms"
        done
    }
    cpu_time "$tmp/t.process" sign_one_per_process
    local p_wall p_cpu per_process_wall per_process_cpu
    read -r p_wall p_cpu <"$tmp/t.process"
    per_process_wall=$(awk -v k="$sample" -v w="$p_wall" 'BEGIN { printf "%.1f", k / w }')
    per_process_cpu=$(awk -v k="$sample" -v c="$p_cpu" 'BEGIN { printf "%.1f", k / c }')
    echo "openssl cms -sign, one process per voucher ($sample): ${per_process_cpu}/s cpu, ${per_process_wall}/s wall"
    echo "iot-voucher sign --stream --format cms: ${cms_cpu_rate}/s cpu, ${cms_rate}/s wall"
    echo "ratio: $(ratio "$cms_cpu_rate" "$per_process_cpu") (cpu), $(ratio "$cms_rate" "$per_process_wall") (wall)"
    echo "result bench=voucher op=cms-sign-vs-process-per-voucher stream_cpu=$cms_cpu_rate per_process_cpu=$per_process_cpu ratio_cpu=$(ratio "$cms_cpu_rate" "$per_process_cpu") ratio_wall=$(ratio "$cms_rate" "$per_process_wall")"
}
