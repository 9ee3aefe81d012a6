# Sourced by scripts/bench, which provides build, root, seconds, rounds, ensure_built, field, max,
# ratio, openssl_ecdsap256, cpu_seconds and cpu_time.
# enroll [--coaps]: whole BRSKI onboardings per second on loopback: BENCH_ENROLL_N pledges
# (default 200) through `iot-enroll pledge --stream --jobs 8` to one registrar and one MASA
# (iot-voucher serve), over HTTPS; with --coaps also over CoAPS (cBRSKI, COSE) against the same
# registrar in the same run, alternating, and the ratio CoAPS/HTTPS. Wall-clock rates: the pledges,
# the registrar and the MASA share the machine's cores, as they would on a test bench.

bench_enroll() {
    local coaps=0 arg
    for arg in "$@"; do
        case $arg in
            --coaps) coaps=1 ;;
            *) echo "bench: enroll takes --coaps, not '$arg'" >&2; exit 64 ;;
        esac
    done
    ensure_built iot-enroll iot-voucher
    local n=${BENCH_ENROLL_N:-200} jobs=8
    local tmp; tmp=$(mktemp -d)
    # shellcheck source=../../tests/cli/lib/pki.sh
    . "$root/tests/cli/lib/pki.sh"  # before the RETURN trap, which `.` would fire
    local server_pids=()
    # The servers stop however this ends: a failed onboarding exits the whole script.
    enroll_cleanup() { kill "${server_pids[@]}" 2>/dev/null; rm -rf "$tmp"; }
    trap 'enroll_cleanup; trap - RETURN' RETURN
    trap enroll_cleanup EXIT
    local enroll="$build/bin/iot-enroll" voucher="$build/bin/iot-voucher"

    brski_pki

    "$voucher" serve --key "$tmp/masa.key" --cert "$tmp/masa.pem" --tls-cert "$tmp/masa-tls.pem" \
        --tls-key "$tmp/masa-tls.key" --idevid-ca "$tmp/mfg.pem" --any-registrar --port 0 >/dev/null 2>"$tmp/masa.log" &
    server_pids+=($!)
    local masa; masa=$(wait_listening "$!" "$tmp/masa.log")
    local coaps_args=(); ((coaps)) && coaps_args=(--coaps 0)
    "$enroll" registrar serve --tls-cert "$tmp/registrar-chain.pem" --tls-key "$tmp/registrar.key" \
        --ca-cert "$tmp/domain.pem" --ca-key "$tmp/domain.key" --db "$tmp/index.txt" \
        --client-ca "$tmp/mfg.pem" --masa-ca "$tmp/mfg.pem" --port 0 "${coaps_args[@]}" >/dev/null 2>"$tmp/registrar.log" &
    server_pids+=($!)
    local https; https=$(wait_listening "$!" "$tmp/registrar.log")
    local coaps_origin=""
    ((coaps)) && coaps_origin=$(sed -n 's/.* and \(coaps:[^ ]*\)$/\1/p' "$tmp/registrar.log")

    seq -f 'BENCH-%06g' 1 "$n" >"$tmp/serials"
    "$enroll" provision --ca-cert "$tmp/mfg.pem" --ca-key "$tmp/mfg.key" --masa-url "${masa#https://}" \
        --out "$tmp/devices" --stream --jobs 2 -o "$tmp/devices.ndjson" "$tmp/serials"
    echo "== enroll: $n BRSKI onboardings (voucher from the MASA, LDevID from the registrar CA) via pledge --stream --jobs $jobs, best of $rounds"

    onboard() {  # onboard REGISTRAR -> wall seconds of one run; every pledge must enrol
        local start end
        start=$(date +%s.%N)
        # --masa-cert: a COSE voucher (coaps://) carries no certificate; over https:// it is unused.
        "$enroll" pledge --stream "$tmp/devices.ndjson" --jobs "$jobs" --registrar "$1" --masa-ca "$tmp/mfg.pem" \
            --masa-cert "$tmp/masa.pem" \
            >"$tmp/result.ndjson" 2>"$tmp/pledge.err" ||
            { echo "bench: onboarding via $1 failed: $(tail -1 "$tmp/pledge.err")" >&2; exit 70; }
        end=$(date +%s.%N)
        [[ $(grep -c '"result":"enrolled"' "$tmp/result.ndjson") -eq $n ]] ||
            { echo "bench: not every pledge enrolled via $1" >&2; exit 70; }
        awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }'
    }
    local round wall https_rate=0 coaps_rate=0
    for ((round = 1; round <= rounds; round++)); do
        wall=$(onboard "$https")
        https_rate=$(max "$https_rate" "$(awk -v n="$n" -v w="$wall" 'BEGIN { printf "%.1f", n / w }')")
        echo "round $round: https ${wall}s"
        if ((coaps)); then
            wall=$(onboard "$coaps_origin")
            coaps_rate=$(max "$coaps_rate" "$(awk -v n="$n" -v w="$wall" 'BEGIN { printf "%.1f", n / w }')")
            echo "round $round: coaps ${wall}s"
        fi
    done
    printf '%-10s %16s\n' "transport" "onboardings/s"
    printf '%-10s %16s\n' https "$https_rate"
    if ((coaps)); then
        printf '%-10s %16s %7s\n' coaps "$coaps_rate" "$(ratio "$coaps_rate" "$https_rate")"
        echo "result bench=enroll transport=coaps n=$n per_second=$coaps_rate https=$https_rate ratio=$(ratio "$coaps_rate" "$https_rate")"
    fi
    echo "result bench=enroll transport=https n=$n per_second=$https_rate"
}
