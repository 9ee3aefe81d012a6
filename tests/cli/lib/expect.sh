# Sourced by CLI and interop tests after they set $tmp: run a command and check its exit status,
# then check its JSON output. Standard output lands in $tmp/out, standard error in $tmp/err.
expect() {  # expect STATUS -- command...
    local want=$1; shift 2
    set +e; "$@" >"$tmp/out" 2>"$tmp/err"; local got=$?; set -e
    if [[ $got -ne $want ]]; then
        echo "FAIL: exit $got, expected $want: $*"; cat "$tmp/out" "$tmp/err"; exit 1
    fi
}
check_json() {  # check_json PYTHON-EXPRESSION-ON-r
    /usr/bin/python3 -c "import json,sys; r=json.load(open(sys.argv[1])); assert $1, r" "$tmp/out" ||
        { echo "FAIL: report does not satisfy: $1"; exit 1; }
}
