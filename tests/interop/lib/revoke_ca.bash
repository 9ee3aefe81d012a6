# Sourced by the iot-revoke tests: an OpenSSL CA in $tmp/ca with a config for `openssl ca`,
# helpers to issue device certificates, and expect/check_json.
: "${IOTOPS_BIN:?}"
revoke="$IOTOPS_BIN/iot-revoke"

expect() {  # expect STATUS -- command...
    local want=$1; shift 2
    set +e; "$@" >"$tmp/out" 2>"$tmp/err"; local got=$?; set -e
    if [[ $got -ne $want ]]; then
        echo "FAIL: exit $got, expected $want: $*"; head -c 2000 "$tmp/out"; cat "$tmp/err"; exit 1
    fi
}
expect_err() {  # expect_err STATUS MESSAGE-SUBSTRING -- command...
    local want=$1 msg=$2; shift 3
    expect "$want" -- "$@"
    grep -qF -- "$msg" "$tmp/err" || { echo "FAIL: stderr lacks '$msg': $*"; cat "$tmp/err"; exit 1; }
    grep -q "^iot-revoke: error: " "$tmp/err" || { echo "FAIL: no one-line error: $*"; cat "$tmp/err"; exit 1; }
}
check_json() {  # check_json PYTHON-EXPRESSION-ON-r (first line of $tmp/out)
    /usr/bin/python3 -c "import json,sys; r=json.loads(open(sys.argv[1]).readline()); assert $1, r" "$tmp/out" ||
        { echo "FAIL: output does not satisfy: $1"; cat "$tmp/out"; exit 1; }
}

# make_ca DIR: EC P-256 CA with openssl ca configuration in DIR/ca.cnf.
make_ca() {
    local d=$1 cn=${2:-Test Device CA}
    mkdir -p "$d/certs"
    : >"$d/index.txt"
    echo "unique_subject = no" >"$d/index.txt.attr"
    echo 1000 >"$d/serial"
    echo 01 >"$d/crlnumber"
    cat >"$d/ca.cnf" <<CNF
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = $d
database = \$dir/index.txt
serial = \$dir/serial
crlnumber = \$dir/crlnumber
new_certs_dir = \$dir/certs
certificate = \$dir/ca.crt
private_key = \$dir/ca.key
default_md = sha256
default_days = 365
default_crl_days = 7
policy = policy_any
unique_subject = no
copy_extensions = none
crl_extensions = crl_ext
[ policy_any ]
commonName = supplied
serialNumber = optional
[ crl_ext ]
authorityKeyIdentifier = keyid:always
[ leaf ]
basicConstraints = CA:FALSE
keyUsage = digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ ocsp ]
basicConstraints = CA:FALSE
keyUsage = digitalSignature
extendedKeyUsage = OCSPSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_ca ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
CNF
    openssl ecparam -name prime256v1 -genkey -noout -out "$d/ca.key" 2>/dev/null
    openssl req -new -x509 -key "$d/ca.key" -subj "/CN=$cn" -days 3650 -sha256 \
        -config "$d/ca.cnf" -extensions v3_ca -out "$d/ca.crt" 2>/dev/null
}

# issue DIR NAME SUBJECT [EXTENSIONS] -> DIR/NAME.crt, DIR/NAME.key, recorded in DIR/index.txt by openssl ca.
issue() {
    local d=$1 name=$2 subj=$3 ext=${4:-leaf}
    openssl ecparam -name prime256v1 -genkey -noout -out "$d/$name.key" 2>/dev/null
    openssl req -new -key "$d/$name.key" -subj "$subj" -out "$d/$name.csr" 2>/dev/null
    openssl ca -batch -config "$d/ca.cnf" -extensions "$ext" -in "$d/$name.csr" -out "$d/$name.crt" \
        -notext 2>/dev/null
}

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_port PORT: until something listens (5 s at most).
wait_port() {
    for _ in $(seq 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "FAIL: nothing listens on port $1"; exit 1
}

# wait_log FILE PATTERN: until the server's log says it is ready (5 s at most); used where a probe
# connection would disturb a one-connection-at-a-time server such as openssl ocsp.
wait_log() {
    for _ in $(seq 50); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "FAIL: no '$2' in $1"; cat "$1"; exit 1
}
