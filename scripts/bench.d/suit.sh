# Sourced by scripts/bench, which provides build, root, seconds, rounds, ensure_built, field, max,
# ratio, openssl_ecdsap256, cpu_seconds and cpu_time.
# SUIT_BENCH_N manifests (default 100000); SUIT_BENCH_IMAGE_MIB for the digest image (default 1024).

bench_suit() {
    ensure_built bin/iot-suit
    local n=${SUIT_BENCH_N:-100000} image_mib=${SUIT_BENCH_IMAGE_MIB:-1024}
    local suit="$build/bin/iot-suit" keys="$root/tests/vectors/suit/manifest-spec"
    tmpdir=$(mktemp -d); trap 'rm -rf "$tmpdir"' EXIT
    echo "== suit: create+sign (ES256) then verify $n manifests in one stream, single thread (--jobs 1)"
    /usr/bin/python3 - "$n" >"$tmpdir/descs.ndjson" <<'PY'
import json, sys
for i in range(int(sys.argv[1])):
    print(json.dumps({"id": i, "sequence-number": i, "components": [[{"hex": "00"}]],
        "shared-sequence": [{"override-parameters": {"vendor-id": "fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe",
            "class-id": "1492af14-2569-5e48-bf42-9b2d51f2ab45", "image-digest": {"sha256": "%064x" % i},
            "image-size": 34768}}, {"vendor-identifier": 15}, {"class-identifier": 15}],
        "validate": [{"image-match": 15}], "invoke": [{"invoke": 2}]}))
PY
    local create=0 verify=0 ossl_sign=0 ossl_verify=0 round t rate
    for ((round = 1; round <= rounds; round++)); do
        t=$(cpu_seconds "$tmpdir/signed.cbor" "$suit" create --stream --jobs 1 --quiet --key "$keys/private_key.pem" "$tmpdir/descs.ndjson")
        rate=$(awk -v n="$n" -v t="$t" 'BEGIN { printf "%.1f", (t > 0) ? n / t : 0 }')
        echo "round $round: create+sign $n in ${t}s CPU: $rate manifests/s"
        create=$(max "$create" "$rate")
        t=$(cpu_seconds "$tmpdir/reports" "$suit" verify --stream --jobs 1 --quiet --key "$keys/public_key.pem" "$tmpdir/signed.cbor")
        [[ $(grep -c '"result":"valid"' "$tmpdir/reports") -eq $n ]] || { echo "bench: not every manifest verified" >&2; exit 70; }
        rate=$(awk -v n="$n" -v t="$t" 'BEGIN { printf "%.1f", (t > 0) ? n / t : 0 }')
        echo "round $round: verify $n in ${t}s CPU: $rate manifests/s"
        verify=$(max "$verify" "$rate")
        openssl_ecdsap256
        echo "openssl speed ecdsap256 round $round: sign/s=$speed_sign verify/s=$speed_verify"
        ossl_sign=$(max "$ossl_sign" "$speed_sign")
        ossl_verify=$(max "$ossl_verify" "$speed_verify")
    done
    printf '%-28s %12s %12s %7s\n' "best of $rounds" "iot-suit/s" "openssl/s" "ratio"
    printf '%-28s %12.1f %12.1f %7s\n' "create+sign (ES256)" "$create" "$ossl_sign" "$(ratio "$create" "$ossl_sign")"
    printf '%-28s %12.1f %12.1f %7s\n' "verify" "$verify" "$ossl_verify" "$(ratio "$verify" "$ossl_verify")"
    echo "result bench=suit op=create-sign iot-suit=$create openssl=$ossl_sign ratio=$(ratio "$create" "$ossl_sign")"
    echo "result bench=suit op=verify iot-suit=$verify openssl=$ossl_verify ratio=$(ratio "$verify" "$ossl_verify")"

    echo "== suit: image digest of a ${image_mib} MiB file (SHA-256), against sha256sum on the same file"
    head -c "$((image_mib * 1024 * 1024))" /dev/urandom >"$tmpdir/image.bin"
    printf '{"sequence-number": 1, "components": [[{"hex": "00"}]], "shared-sequence": [{"override-parameters": {"image-digest": {"file": "image.bin"}}}]}' >"$tmpdir/image.json"
    local ours=0 theirs=0 mibs
    for ((round = 1; round <= rounds; round++)); do
        t=$(cpu_seconds "$tmpdir/image.suit" "$suit" create "$tmpdir/image.json")
        mibs=$(awk -v m="$image_mib" -v t="$t" 'BEGIN { printf "%.1f", (t > 0) ? m / t : 0 }')
        echo "round $round: iot-suit create: ${t}s CPU, $mibs MiB/s"
        ours=$(max "$ours" "$mibs")
        t=$(cpu_seconds "$tmpdir/sum" sha256sum "$tmpdir/image.bin")
        mibs=$(awk -v m="$image_mib" -v t="$t" 'BEGIN { printf "%.1f", (t > 0) ? m / t : 0 }')
        echo "round $round: sha256sum: ${t}s CPU, $mibs MiB/s"
        theirs=$(max "$theirs" "$mibs")
    done
    /usr/bin/python3 - "$tmpdir/image.suit" "$tmpdir/sum" <<'PY' || { echo "bench: digest differs from sha256sum" >&2; exit 70; }
import cbor2, sys
e = cbor2.loads(open(sys.argv[1], 'rb').read()).value
seq = cbor2.loads(cbor2.loads(cbor2.loads(e[3])[3])[4])
assert cbor2.loads(seq[1][3])[1].hex() == open(sys.argv[2]).read().split()[0]
PY
    printf '%-28s %12s %12s %7s\n' "best of $rounds" "iot-suit" "sha256sum" "ratio"
    printf '%-28s %12s %12s %7s\n' "SHA-256 MiB/s" "$ours" "$theirs" "$(ratio "$ours" "$theirs")"
    echo "result bench=suit op=image-digest iot-suit=$ours sha256sum=$theirs ratio=$(ratio "$ours" "$theirs")"
    rm -rf "$tmpdir"
    trap - EXIT
}
