#!/usr/bin/env bash
# iot-mud url: carriers written by iot-mud equal the bytes built independently from RFC 8520
# (python), read back to the URL; a certificate made by openssl with the MUD URL extension is
# read; broken carriers and URLs fail with their exit code and message.
set -euo pipefail
: "${IOTOPS_SRC:?}" "${IOTOPS_BIN:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
. "$IOTOPS_SRC/tests/cli/lib/expect.sh"
mud="$IOTOPS_BIN/iot-mud"
url="https://things.example.com/thermostat.json"

bad() {  # bad STATUS MESSAGE -- command...
    local want=$1 msg=$2; shift 2
    expect "$want" "$@"
    grep -q "^iot-mud: error: " "$tmp/err" && grep -qF -- "$msg" "$tmp/err" ||
        { echo "FAIL: '$msg' not in: $(cat "$tmp/err")"; exit 1; }
}

# independent encodings (RFC 8520 sections 10, 11, 12)
/usr/bin/python3 - "$url" "$tmp" <<'PY'
import sys
u = sys.argv[1].encode(); d = sys.argv[2]
open(d + "/v4.bin", "wb").write(bytes([161, len(u)]) + u)
open(d + "/v6.bin", "wb").write((112).to_bytes(2, "big") + len(u).to_bytes(2, "big") + u)
v = bytes([0x00, 0x00, 0x5e, 0x01]) + u
open(d + "/lldp.bin", "wb").write(((127 << 9) | len(v)).to_bytes(2, "big") + v)
open(d + "/v4-reserved.bin", "wb").write(bytes([161, len(u) + 4]) + u + b" foo")
big = b"https://things.example.com/" + b"a" * 280
open(d + "/v6-big.bin", "wb").write((112).to_bytes(2, "big") + len(big).to_bytes(2, "big") + big)
http = b"http://things.example.com/x"
open(d + "/v4-http.bin", "wb").write(bytes([161, len(http)]) + http)
open(d + "/v4-short.bin", "wb").write(bytes([161, 200]) + u)
w = bytes([0x00, 0x12, 0x0f, 0x01]) + u
open(d + "/lldp-oui.bin", "wb").write(((127 << 9) | len(w)).to_bytes(2, "big") + w)
PY
for c in dhcpv4:v4 dhcpv6:v6 lldp:lldp; do
    expect 0 -- "$mud" url --make "${c%%:*}" --mud-url "$url" -o "$tmp/ours.bin"
    cmp "$tmp/ours.bin" "$tmp/${c##*:}.bin" || { echo "FAIL: ${c%%:*} bytes differ"; exit 1; }
    expect 0 -- "$mud" url "$tmp/${c##*:}.bin"
    grep -qF "\"carrier\":\"${c%%:*}\",\"mud-url\":\"$url\"" "$tmp/out" || { echo "FAIL: read ${c%%:*}"; cat "$tmp/out"; exit 1; }
done
expect 0 -- "$mud" url --make lldp --mud-url "$url" --hex
cp "$tmp/out" "$tmp/lldp.hex"
expect 0 -- bash -c "'$mud' url --carrier lldp - <'$tmp/lldp.hex'"
grep -qF "$url" "$tmp/out"
expect 0 -- "$mud" url "$tmp/v4-reserved.bin"
grep -qF '"reserved":"foo"' "$tmp/out"
echo "ok: DHCPv4, DHCPv6 and LLDP carriers match an independent encoding and read back"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/k.pem" -subj "/CN=device" \
    -addext "1.3.6.1.5.5.7.1.25=ASN1:IA5STRING:$url" -days 1 -out "$tmp/dev.pem" 2>/dev/null
expect 0 -- "$mud" url "$tmp/dev.pem"
grep -qF "\"carrier\":\"x509\",\"mud-url\":\"$url\"" "$tmp/out"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/k2.pem" -subj "/CN=plain" -days 1 -out "$tmp/plain.pem" 2>/dev/null
bad 1 "x509: the certificate has no MUD URL extension" -- "$mud" url "$tmp/plain.pem"
echo "ok: openssl certificate with id-pe-mud-url"

long="https://things.example.com/$(printf 'a%.0s' $(seq 240))"
bad 64 "MUD URL has 267 octets, at most 255 are allowed" -- "$mud" url --make dhcpv4 --mud-url "$long"
bad 64 "does not use https" -- "$mud" url --make dhcpv6 --mud-url "http://things.example.com/x"
bad 64 "has no host" -- "$mud" url --make lldp --mud-url "https:///x"
bad 64 "not printable ASCII" -- "$mud" url --make lldp --mud-url "https://things.example.com/a b"
bad 64 "--make needs --mud-url" -- "$mud" url --make lldp
bad 65 "dhcpv6: the MUDstring has 307 octets, at most 255 are allowed" -- "$mud" url "$tmp/v6-big.bin"
bad 65 "does not use https" -- "$mud" url "$tmp/v4-http.bin"
bad 65 "dhcpv4: option length 200 but 42 octets follow" -- "$mud" url "$tmp/v4-short.bin"
bad 65 "lldp: not the MUD TLV (OUI 00-00-5E, subtype 1)" -- "$mud" url "$tmp/lldp-oui.bin"
bad 65 "dhcpv4: not option 161" -- "$mud" url --carrier dhcpv4 "$tmp/v6.bin"
printf '' >"$tmp/empty"
bad 65 "url: the input is empty" -- "$mud" url "$tmp/empty"
echo "ok: 12 bad carriers and URLs"
