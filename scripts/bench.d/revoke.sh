# Sourced by scripts/bench, which provides build, root, seconds, rounds, ensure_built, field, max,
# ratio, openssl_ecdsap256, cpu_seconds and cpu_time.

# revoke sizes: BENCH_REVOKE_CRL_N (default 1000000), BENCH_REVOKE_STREAM_N (100000),
# BENCH_REVOKE_CLIENTS (64); smaller numbers give a quick run.
cpu_of() {  # cpu_of COMMAND... -> "user+sys wall" seconds of the command (its output discarded)
    local t
    t=$( { TIMEFORMAT='%U %S %R'; time "$@" >/dev/null 2>&1; } 2>&1 ) || { echo "bench: failed: $*" >&2; exit 70; }
    awk '{ printf "%.3f %.3f", $1 + $2, $3 }' <<<"$t"
}

bench_revoke() {
    ensure_built iot-revoke bench_ocsp_load bench_null_http
    local n=${BENCH_REVOKE_CRL_N:-1000000} sn=${BENCH_REVOKE_STREAM_N:-100000} clients=${BENCH_REVOKE_CLIENTS:-64}
    local tmp; tmp=$(mktemp -d)
    local srv=()
    trap 'for p in "${srv[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"' RETURN
    export IOTOPS_BIN="$build/bin"
    # shellcheck source=../tests/interop/lib/revoke_ca.bash
    source "$root/tests/interop/lib/revoke_ca.bash"
    local ca="$tmp/ca"
    make_ca "$ca"

    echo "== revoke: CRL over $n revoked entries (best of $rounds; CPU seconds, user+sys)"
    /usr/bin/python3 -c "
import sys
w = sys.stdout.write
for i in range($n):
    w('R\t491231235959Z\t261124134853Z,keyCompromise\t%X\tunknown\t/CN=dev%d\n' % (0x100000 + i, i))" >"$ca/index.txt"
    local ours=999999 theirs=999999 r t round
    for ((round = 1; round <= rounds; round++)); do
        t=$(cpu_of "$IOTOPS_BIN/iot-revoke" crl --db "$ca/index.txt" --ca-cert "$ca/ca.crt" --ca-key "$ca/ca.key" -o "$tmp/ours.crl")
        echo "iot-revoke crl round $round: cpu/wall $t"
        ours=$(awk -v a="$ours" -v b="${t% *}" 'BEGIN { print (b < a) ? b : a }')
        t=$(cpu_of openssl ca -config "$ca/ca.cnf" -gencrl -out "$tmp/theirs.crl")
        echo "openssl ca -gencrl round $round: cpu/wall $t"
        theirs=$(awk -v a="$theirs" -v b="${t% *}" 'BEGIN { print (b < a) ? b : a }')
    done
    openssl crl -in "$tmp/ours.crl" -CAfile "$ca/ca.crt" -noout 2>&1 | grep -q "verify OK" || { echo "bench: our CRL does not verify" >&2; exit 70; }
    echo "result bench=revoke op=crl entries=$n iot_revoke_s=$ours openssl_s=$theirs speedup=$(ratio "$theirs" "$ours")"

    echo "== revoke: $sn serials in one stream vs openssl ca -revoke (per revocation, database of $sn)"
    /usr/bin/python3 -c "
import sys
w = sys.stdout.write
for i in range($sn):
    w('V\t491231235959Z\t\t%X\tunknown\t/CN=dev%d\n' % (0x100000 + i, i))" >"$ca/index.txt"
    awk -F'\t' '{ print $4 }' "$ca/index.txt" >"$tmp/serials"
    t=$(cpu_of "$IOTOPS_BIN/iot-revoke" revoke --db "$ca/index.txt" --reason superseded "$tmp/serials")
    [[ $(grep -c '^R' "$ca/index.txt") -eq $sn ]] || { echo "bench: not all revoked" >&2; exit 70; }
    local ours_wall=${t#* } k=20 i
    for ((i = 0; i < k; i++)); do issue "$ca" "b$i" "/CN=bench$i"; done
    local start end
    start=$(date +%s.%N)
    for ((i = 0; i < k; i++)); do openssl ca -config "$ca/ca.cnf" -revoke "$ca/b$i.crt" -crl_reason superseded >/dev/null 2>&1; done
    end=$(date +%s.%N)
    local ours_rate theirs_rate
    ours_rate=$(awk -v n="$sn" -v s="$ours_wall" 'BEGIN { printf "%.1f", n / s }')
    theirs_rate=$(awk -v n="$k" -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", n / (b - a) }')
    echo "iot-revoke: $sn revocations in ${ours_wall}s wall ($ours_rate/s); openssl ca -revoke: $k in $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')s ($theirs_rate/s)"
    echo "result bench=revoke op=stream serials=$sn iot_revoke_per_s=$ours_rate openssl_per_s=$theirs_rate ratio=$(ratio "$ours_rate" "$theirs_rate")"

    echo "== revoke: OCSP responses/s, $clients concurrent clients, ${seconds}s, same database (10000 entries)"
    head -n 10000 "$ca/index.txt" >"$tmp/i" && mv "$tmp/i" "$ca/index.txt"
    issue "$ca" good "/CN=good"; issue "$ca" resp "/CN=OCSP responder" ocsp
    openssl ocsp -issuer "$ca/ca.crt" -cert "$ca/good.crt" -reqout "$tmp/nonce.der" >/dev/null 2>&1
    openssl ocsp -issuer "$ca/ca.crt" -cert "$ca/good.crt" -no_nonce -reqout "$tmp/plain.der" >/dev/null 2>&1
    # The servers run side by side (an idle one costs nothing); each round measures each in turn
    # and the best round of each counts. openssl ocsp starts afresh each round: one that saw the
    # previous round's clients vanish mid-request can stay stuck on such a connection. The null server is the ceiling: the same client
    # against a server that parses nothing and answers a response of the cached one's size.
    local p1 p2 p3 size
    p1=$(free_port); p3=$(free_port)
    "$IOTOPS_BIN/iot-revoke" ocsp serve --ca "$ca/ca.crt" --db "$ca/index.txt" --rsigner "$ca/resp.crt" \
        --rkey "$ca/resp.key" --port "$p1" 2>"$tmp/ours.log" &
    srv+=($!)
    wait_log "$tmp/ours.log" "listening on"
    size=$(curl -s -H 'Content-Type: application/ocsp-request' --data-binary "@$tmp/plain.der" "http://127.0.0.1:$p1/" | wc -c)
    "$build/bench/bench_null_http" "$p3" 3600 "$size" &
    srv+=($!)
    wait_port "$p3"
    local ours_n=0 ours_c=0 theirs_n=0 ceiling=0 line
    load() { "$build/bench/bench_ocsp_load" 127.0.0.1 "$1" "$seconds" "$clients" "$2"; }
    for ((round = 1; round <= rounds; round++)); do
        p2=$(free_port)  # a fresh port: the last round's may still be in TIME_WAIT
        line=$(load "$p1" "$tmp/nonce.der"); echo "round $round iot-revoke (nonce):   $line"
        ours_n=$(max "$ours_n" "$(field per_second "$line")")
        line=$(load "$p1" "$tmp/plain.der"); echo "round $round iot-revoke (cached):  $line"
        ours_c=$(max "$ours_c" "$(field per_second "$line")")
        openssl ocsp -index "$ca/index.txt" -port "$p2" -CA "$ca/ca.crt" -rsigner "$ca/resp.crt" \
            -rkey "$ca/resp.key" >"$tmp/theirs.log" 2>&1 &
        srv+=($!)
        wait_log "$tmp/theirs.log" "waiting for OCSP client"
        line=$(load "$p2" "$tmp/nonce.der"); echo "round $round openssl ocsp (nonce): $line"
        theirs_n=$(max "$theirs_n" "$(field per_second "$line")")
        kill "${srv[-1]}"; wait "${srv[-1]}" 2>/dev/null || true
        line=$(load "$p3" "$tmp/plain.der"); echo "round $round null HTTP server:     $line"
        ceiling=$(max "$ceiling" "$(field per_second "$line")")
    done
    echo "result bench=revoke op=ocsp-nonce clients=$clients iot_revoke_per_s=$ours_n openssl_per_s=$theirs_n ratio=$(ratio "$ours_n" "$theirs_n")"
    echo "result bench=revoke op=ocsp-cached clients=$clients iot_revoke_per_s=$ours_c openssl_per_s=$theirs_n ratio=$(ratio "$ours_c" "$theirs_n")"
    echo "result bench=revoke op=ocsp-ceiling clients=$clients null_server_per_s=$ceiling openssl_per_s=$theirs_n ratio=$(ratio "$ceiling" "$theirs_n") cached_of_ceiling=$(ratio "$ours_c" "$ceiling")"
}
