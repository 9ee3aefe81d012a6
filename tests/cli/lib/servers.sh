# Sourced first by tests that start servers: makes $tmp, and at exit stops every process whose pid
# the test added to $pids, waits for them and removes $tmp.
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
