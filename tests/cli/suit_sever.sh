#!/usr/bin/env bash
# iot-suit sever: example 2 created with text and install in the manifest, then severed, is the
# published example 2 (manifest and envelope members); --drop leaves the members out; verify checks
# every severed member against its digest.
set -euo pipefail
: "${IOTOPS_BIN:?}" "${IOTOPS_VECTORS:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
suit="$IOTOPS_BIN/iot-suit"
v="$IOTOPS_VECTORS/suit/manifest-spec"
d="$IOTOPS_VECTORS/suit/create"
fail() { echo "FAIL: $*"; exit 1; }

grep -v '^sever:' "$d/example2.yaml" >"$tmp/whole.yaml"
"$suit" create "$tmp/whole.yaml" -o "$tmp/whole.suit"
"$suit" sever "$tmp/whole.suit" -o "$tmp/severed.suit"
/usr/bin/python3 - "$tmp/severed.suit" "$v/example2.suit" "$tmp/whole.suit" <<'PY' || fail "severed envelope differs from example 2"
import cbor2, sys
a = cbor2.loads(open(sys.argv[1], 'rb').read()).value
b = cbor2.loads(open(sys.argv[2], 'rb').read()).value
w = cbor2.loads(open(sys.argv[3], 'rb').read()).value
assert a[3] == b[3] and a[20] == b[20] and a[23] == b[23]
assert list(a.keys()) == [2, 3, 20, 23]
assert cbor2.loads(a[2])[0] == cbor2.loads(b[2])[0]
assert isinstance(cbor2.loads(w[3])[23], bytes)    # present before
PY
echo "ok: severing text and install gives the published example 2"

# one member at a time
"$suit" sever --member text "$tmp/whole.suit" -o "$tmp/text-only.suit"
"$suit" sever --member install "$tmp/text-only.suit" -o "$tmp/both.suit"
cmp "$tmp/both.suit" "$tmp/severed.suit" || fail "severing one by one differs"
echo "ok: --member, one at a time"

# --drop: digests stay, members go
"$suit" sever --drop "$tmp/whole.suit" -o "$tmp/dropped.suit"
/usr/bin/python3 - "$tmp/dropped.suit" "$v/example2.suit" <<'PY' || fail "--drop"
import cbor2, sys
a = cbor2.loads(open(sys.argv[1], 'rb').read()).value
b = cbor2.loads(open(sys.argv[2], 'rb').read()).value
assert a[3] == b[3] and list(a.keys()) == [2, 3]
PY
"$suit" sign --key "$v/private_key.pem" "$tmp/dropped.suit" -o "$tmp/dropped-signed.suit"
"$suit" verify --key "$v/public_key.pem" "$tmp/dropped-signed.suit" >/dev/null || fail "a dropped-member envelope verifies"
echo "ok: --drop keeps only the digests, and still verifies"

# sign after severing; verify checks the members
"$suit" sign --key "$v/private_key.pem" "$tmp/severed.suit" -o "$tmp/signed.suit"
"$suit" verify --key "$v/public_key.pem" "$tmp/signed.suit" >"$tmp/report"
/usr/bin/python3 -c "
import json,sys; r=json.load(open(sys.argv[1])); c={x['check']:x['result'] for x in r['checks']}
assert r['result']=='valid' and c['severed-member:install']=='pass' and c['severed-member:text']=='pass', r" "$tmp/report"
/usr/bin/python3 - "$tmp/signed.suit" "$tmp/tampered.suit" <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i = d.find(b'demonstration')
assert i > 0
d[i] = ord('D')
open(sys.argv[2], 'wb').write(d)
PY
set +e; "$suit" verify --key "$v/public_key.pem" "$tmp/tampered.suit" >"$tmp/report"; rc=$?; set -e
[[ $rc -eq 1 ]] || fail "tampered severed text: exit $rc"
/usr/bin/python3 -c "
import json,sys; r=json.load(open(sys.argv[1]))
assert [c['check'] for c in r['checks'] if c['result']=='fail'] == ['severed-member:text'], r" "$tmp/report"
echo "ok: verify checks severed members against their digests"

# a signed envelope is only severed with --unsign (its signatures would no longer hold)
"$suit" create "$tmp/whole.yaml" --key "$v/private_key.pem" -o "$tmp/whole-signed.suit"
set +e; "$suit" sever "$tmp/whole-signed.suit" -o "$tmp/x.suit" 2>"$tmp/err"; rc=$?; set -e
[[ $rc -eq 64 ]] && grep -q "sever before signing" "$tmp/err" || fail "severing a signed envelope: exit $rc $(cat "$tmp/err")"
[[ ! -e "$tmp/x.suit" ]] || fail "partial output"
"$suit" sever --unsign "$tmp/whole-signed.suit" -o "$tmp/x.suit" 2>"$tmp/err"
grep -q "sign the result again" "$tmp/err" || fail "no note about removed signatures"
cmp "$tmp/x.suit" "$tmp/severed.suit" || fail "--unsign result differs"
echo "ok: signed input needs --unsign"
