# Sourced by scripts/bench, which provides build, root, seconds, rounds, ensure_built, field, max,
# ratio, openssl_ecdsap256, cpu_seconds and cpu_time.
# provision: BENCH_PROVISION_N IDevIDs (default 1000) minted by one `iot-enroll provision --stream
# --jobs 2` against what a factory script does without it: per device `openssl ecparam -genkey`,
# `openssl req` and `openssl x509 -req` with the MASA URL extension, on two parallel shell loops,
# for BENCH_PROVISION_SAMPLE devices (default 100), scaled to devices per second. Best of the rounds.
# Each device directory costs five fsyncs, so on a disk the rate is mostly fsync latency; one more
# run on tmpfs shows the rate without it.

bench_provision() {
    ensure_built iot-enroll
    local n=${BENCH_PROVISION_N:-1000} sample=${BENCH_PROVISION_SAMPLE:-100}
    local tmp shm=""; tmp=$(mktemp -d); trap 'rm -rf "$tmp" ${shm:+"$shm"}' RETURN
    local tool="$build/bin/iot-enroll"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/ca.key" -out "$tmp/ca.pem" \
        -subj "/O=Acme/CN=Acme IDevID CA" -days 3650 -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    printf 'basicConstraints=CA:FALSE\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n1.3.6.1.5.5.7.1.32=ASN1:IA5STRING:masa.example.com:9443\n' >"$tmp/idevid.ext"
    seq -f 'SN-%07g' 1 "$n" >"$tmp/serials"
    echo "== provision: $n IDevIDs (P-256 keys, P-256 CA) with iot-enroll provision --stream --jobs 2; baseline: openssl per device on 2 loops ($sample devices)"

    # One device the way a shell script mints it; the same files as iot-enroll writes.
    openssl_one() {  # openssl_one OUTDIR SERIAL
        local d="$1/$2"
        mkdir -m 0700 "$d"
        (umask 077; openssl ecparam -genkey -name prime256v1 -noout -out "$d/idevid.key")
        openssl req -new -key "$d/idevid.key" -subj "/CN=$2/serialNumber=$2" -out "$d/req.csr"
        # (openssl 3.0 has no -not_after; -days reaches the 9900s, the same work)
        openssl x509 -req -in "$d/req.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
            -days 2900000 -extfile "$tmp/idevid.ext" -out "$d/idevid.pem" 2>/dev/null
        cp "$d/idevid.pem" "$d/chain.pem"
        rm "$d/req.csr"
    }
    openssl_loop() {  # openssl_loop OUTDIR FIRST STEP: every STEP-th serial from FIRST
        local i
        for ((i = $2; i <= sample; i += $3)); do openssl_one "$1" "SN-$i"; done
    }
    openssl_run() {
        openssl_loop "$1" 1 2 &
        openssl_loop "$1" 2 2 &
        wait
    }

    local best_ours_wall=0 best_ours_cpu=0 best_base_wall=0 best_base_cpu=0 round wall cpu r
    for ((round = 1; round <= rounds; round++)); do
        rm -rf "$tmp/ours" "$tmp/base"; mkdir "$tmp/base"
        cpu_time "$tmp/t.ours" "$tool" provision --ca-cert "$tmp/ca.pem" --ca-key "$tmp/ca.key" \
            --masa-url masa.example.com:9443 --out "$tmp/ours" --stream --jobs 2 -o "$tmp/results.ndjson" "$tmp/serials"
        [[ $(grep -c '"fingerprint-sha256"' "$tmp/results.ndjson") -eq $n ]] || { echo "bench: not every device was provisioned" >&2; exit 70; }
        read -r wall cpu <"$tmp/t.ours"
        r=$(awk -v n="$n" -v w="$wall" 'BEGIN { printf "%.1f", n / w }'); best_ours_wall=$(max "$best_ours_wall" "$r")
        r=$(awk -v n="$n" -v c="$cpu" 'BEGIN { printf "%.1f", n / c }'); best_ours_cpu=$(max "$best_ours_cpu" "$r")
        echo "iot-enroll round $round: $n devices in ${wall}s wall, ${cpu}s cpu"

        cpu_time "$tmp/t.base" openssl_run "$tmp/base"
        [[ $(find "$tmp/base" -name idevid.pem | wc -l) -eq $sample ]] || { echo "bench: the openssl loop failed" >&2; exit 70; }
        read -r wall cpu <"$tmp/t.base"
        r=$(awk -v n="$sample" -v w="$wall" 'BEGIN { printf "%.1f", n / w }'); best_base_wall=$(max "$best_base_wall" "$r")
        r=$(awk -v n="$sample" -v c="$cpu" 'BEGIN { printf "%.1f", n / c }'); best_base_cpu=$(max "$best_base_cpu" "$r")
        echo "openssl loop round $round: $sample devices in ${wall}s wall, ${cpu}s cpu"
    done
    # The same run on tmpfs, where fsync is free: how much of the time above is the disk.
    local shm_rate=n/a
    if [[ -d /dev/shm && -w /dev/shm ]]; then
        shm=$(mktemp -d /dev/shm/iotops-bench.XXXXXX)
        cpu_time "$tmp/t.shm" "$tool" provision --ca-cert "$tmp/ca.pem" --ca-key "$tmp/ca.key" \
            --masa-url masa.example.com:9443 --out "$shm/ours" --stream --jobs 2 -o /dev/null "$tmp/serials"
        read -r wall cpu <"$tmp/t.shm"
        shm_rate=$(awk -v n="$n" -v w="$wall" 'BEGIN { printf "%.1f", n / w }')
        echo "iot-enroll on tmpfs: $n devices in ${wall}s wall, ${cpu}s cpu"
    fi
    openssl verify -CAfile "$tmp/ca.pem" "$tmp/ours/SN-0000001/idevid.pem" "$tmp/base/SN-1/idevid.pem" >/dev/null ||
        { echo "bench: a certificate does not verify" >&2; exit 70; }
    printf '%-28s %14s %14s\n' "" "devices/s wall" "devices/s cpu"
    printf '%-28s %14s %14s\n' "iot-enroll provision -j2" "$best_ours_wall" "$best_ours_cpu"
    printf '%-28s %14s %14s\n' "openssl per device, 2 loops" "$best_base_wall" "$best_base_cpu"
    printf '%-28s %14s\n' "iot-enroll -j2, on tmpfs" "$shm_rate"
    printf '%-28s %14s %14s\n' "ratio" "$(ratio "$best_ours_wall" "$best_base_wall")" "$(ratio "$best_ours_cpu" "$best_base_cpu")"
    echo "result bench=provision n=$n jobs=2 per_second=$best_ours_wall per_cpu_second=$best_ours_cpu openssl_per_second=$best_base_wall openssl_per_cpu_second=$best_base_cpu ratio=$(ratio "$best_ours_wall" "$best_base_wall") ratio_cpu=$(ratio "$best_ours_cpu" "$best_base_cpu") tmpfs_per_second=$shm_rate"
}
