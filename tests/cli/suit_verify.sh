#!/usr/bin/env bash
# iot-suit verify on the spec's examples: every example holds with the published key (exit 0),
# a damaged manifest or signature and a wrong key fail (exit 1) with the failing check named,
# a malformed envelope is 65, a missing file 66, no trust anchor 64.
set -euo pipefail
: "${IOTOPS_SRC:?}" "${IOTOPS_BIN:?}" "${IOTOPS_VECTORS:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
. "$IOTOPS_SRC/tests/cli/lib/expect.sh"
suit="$IOTOPS_BIN/iot-suit"
v="$IOTOPS_VECTORS/suit/manifest-spec"
key="$v/public_key.pem"

for n in 0 1 2 3 4 5; do
    expect 0 -- "$suit" verify --key "$key" "$v/example$n.suit"
    check_json "r['result'] == 'valid' and r['manifest-sequence-number'] == $n"
    check_json "all(c['result'] == 'pass' for c in r['checks']) and [c['check'] for c in r['checks']][:3] == ['manifest-digest', 'authentication', 'authentication-block[1]']"
done
echo "ok: examples 0-5 verify with the published key"

# stdin works too
expect 0 -- bash -c "'$suit' verify --key '$key' - <'$v/example3.suit'"
check_json "r['result'] == 'valid'"
# base64 input
base64 -w0 "$v/example1.suit" >"$tmp/e1.b64"
expect 0 -- "$suit" verify --key "$key" "$tmp/e1.b64"
echo "ok: stdin and base64 input"

# example 2 carries its severed install and text members
expect 0 -- "$suit" verify --key "$key" "$v/example2.suit"
check_json "{c['check']: c['result'] for c in r['checks']}.get('severed-member:install') == 'pass'"
check_json "{c['check']: c['result'] for c in r['checks']}.get('severed-member:text') == 'pass'"
echo "ok: example 2 severed members checked"

# a byte of the manifest's image digest changed: the manifest digest fails, nothing else
/usr/bin/python3 - "$v/example0.suit" "$tmp/manifest.suit" <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i = d.find(bytes.fromhex('00112233445566778899aabbccddeeff'))
assert i > 0
d[i] ^= 0xff
open(sys.argv[2], 'wb').write(d)
PY
expect 1 -- "$suit" verify --key "$key" "$tmp/manifest.suit"
check_json "r['result'] == 'invalid' and [c['check'] for c in r['checks'] if c['result'] == 'fail'] == ['manifest-digest']"
echo "ok: a changed manifest byte fails manifest-digest (exit 1)"

# the last signature byte changed: only the authentication block fails
/usr/bin/python3 - "$v/example4.suit" "$tmp/sig.suit" <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i = d.find(bytes.fromhex('a10126a0f65840'))  # protected {1:-7}, {}, nil, 64-byte signature header
assert i > 0
d[i + 7 + 63] ^= 0x01
open(sys.argv[2], 'wb').write(d)
PY
expect 1 -- "$suit" verify --key "$key" "$tmp/sig.suit"
check_json "[c['check'] for c in r['checks'] if c['result'] == 'fail'] == ['authentication-block[1]']"
echo "ok: a changed signature byte fails authentication-block[1] (exit 1)"

# a changed byte in a severed member fails that member's check
/usr/bin/python3 - "$v/example2.suit" "$tmp/severed.suit" <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i = d.find(b'very/long/path')
assert i > 0
d[i] = ord('V')
open(sys.argv[2], 'wb').write(d)
PY
expect 1 -- "$suit" verify --key "$key" "$tmp/severed.suit"
check_json "[c['check'] for c in r['checks'] if c['result'] == 'fail'] == ['severed-member:install']"
echo "ok: a changed severed install byte fails severed-member:install (exit 1)"

# the digest of the bare manifest map instead of the whole bstr (a known implementer mistake) fails
/usr/bin/python3 - "$v/example0.suit" "$tmp/bare-digest.suit" <<'PY'
import hashlib, sys
d = bytearray(open(sys.argv[1], 'rb').read())
m = d.find(bytes.fromhex('035871')) + 1          # envelope key 3, then the bstr head 58 71
bare = bytes(d[m + 2:m + 2 + 0x71])                # the manifest map without its bstr head
old = hashlib.sha256(bytes(d[m:m + 2 + 0x71])).digest()
i = d.find(old)
assert i > 0, "the published digest covers the whole bstr"
d[i:i + 32] = hashlib.sha256(bare).digest()
open(sys.argv[2], 'wb').write(d)
PY
expect 1 -- "$suit" verify --key "$key" "$tmp/bare-digest.suit"
check_json "'manifest-digest' in [c['check'] for c in r['checks'] if c['result'] == 'fail']"
echo "ok: a digest over the bare manifest map (not the bstr) fails manifest-digest"

# a wrong key
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkey -pubout >"$tmp/other.pem"
expect 1 -- "$suit" verify --key "$tmp/other.pem" "$v/example0.suit"
check_json "r['result'] == 'invalid' and [c['check'] for c in r['checks'] if c['result'] == 'fail'] == ['authentication-block[1]']"
# the wrong key and the right one: holds
expect 0 -- "$suit" verify --key "$tmp/other.pem" --key "$key" "$v/example0.suit"
echo "ok: a wrong key fails, a second right key holds"

# a certificate carrying the published key verifies (made with the published private key)
openssl req -new -x509 -key "$v/private_key.pem" -subj /CN=suit-signer -days 1 -out "$tmp/cert.pem" 2>/dev/null
expect 0 -- "$suit" verify --cert "$tmp/cert.pem" "$v/example5.suit"
echo "ok: --cert"

# malformed: truncated, not CBOR, missing authentication wrapper -> 65
head -c 120 "$v/example0.suit" >"$tmp/trunc.suit"
expect 65 -- "$suit" verify --key "$key" "$tmp/trunc.suit"
grep -q "iot-suit: error:" "$tmp/err" || { echo "FAIL: no error line"; exit 1; }
printf 'hello' >"$tmp/text.suit"
expect 65 -- "$suit" verify --key "$key" "$tmp/text.suit"
/usr/bin/python3 - "$v/example0.suit" "$tmp/noauth.suit" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
# 107({3: manifest}) without key 2: rebuild the map by hand from the original bytes
i = d.find(bytes.fromhex('035871'))
open(sys.argv[2], 'wb').write(bytes.fromhex('d86ba1') + d[i:])
PY
expect 65 -- "$suit" verify --key "$key" "$tmp/noauth.suit"
grep -q "authentication-wrapper" "$tmp/err" || { echo "FAIL: message does not name the authentication wrapper"; cat "$tmp/err"; exit 1; }
echo "ok: malformed envelopes exit 65 with a message"

# missing input, no trust anchor, missing key file
expect 66 -- "$suit" verify --key "$key" "$tmp/nonexistent.suit"
expect 64 -- "$suit" verify "$v/example0.suit"
expect 66 -- "$suit" verify --key "$tmp/nokey.pem" "$v/example0.suit"
echo "ok: missing file 66, no trust anchor 64"

# --format text gives a human summary
expect 0 -- "$suit" verify --format text --key "$key" "$v/example0.suit"
grep -q "manifest-digest" "$tmp/out" || { echo "FAIL: text report lacks the check names"; exit 1; }
echo "ok: --format text"
