#!/usr/bin/env bash
# Bad input to iot-suit create, sign, sever and verify: each case checks the exit code, the one-line
# `iot-suit: error:` message and what it says, and that no output file was left behind.
set -euo pipefail
: "${IOTOPS_BIN:?}" "${IOTOPS_VECTORS:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
suit="$IOTOPS_BIN/iot-suit"
v="$IOTOPS_VECTORS/suit/manifest-spec"
d="$IOTOPS_VECTORS/suit/create"
cases=0

# bad CODE REGEX -- command...   (the output, if any, goes to $tmp/out.suit, which must not appear)
bad() {
    local want=$1 pattern=$2; shift 3
    rm -f "$tmp/out.suit"
    set +e; "$@" >"$tmp/stdout" 2>"$tmp/err"; local got=$?; set -e
    if [[ $got -ne $want ]]; then echo "FAIL: exit $got, expected $want: $*"; cat "$tmp/err"; exit 1; fi
    if ! head -n1 "$tmp/err" | grep -q "^iot-suit: error: "; then echo "FAIL: no error line: $*"; cat "$tmp/err"; exit 1; fi
    if ! grep -Eq -- "$pattern" "$tmp/err"; then echo "FAIL: message lacks /$pattern/: $*"; cat "$tmp/err"; exit 1; fi
    if [[ -e "$tmp/out.suit" ]]; then echo "FAIL: partial output left: $*"; exit 1; fi
    cases=$((cases + 1))
}
# desc NAME: a description from stdin, into $tmp/NAME.yaml
desc() { cat >"$tmp/$1.yaml"; }
create_bad() {  # create_bad CODE REGEX NAME
    bad "$1" "$2" -- "$suit" create "$tmp/$3.yaml" -o "$tmp/out.suit"
}

head='sequence-number: 1
components: [[{hex: "00"}]]'

# --- create: descriptions -----------------------------------------------------------------------
desc untyped <<<'sequence-number: 1
components: [["00"]]'
create_bad 65 'components/0/0: untyped string "00": write \{hex: "00"\} or \{text: "00"\}' untyped
desc baduuid <<<"$head
shared-sequence: [{override-parameters: {vendor-id: not-a-uuid}}]"
create_bad 65 'vendor-id: "not-a-uuid" is not a UUID' baduuid
desc baduuid2 <<<"$head
shared-sequence: [{override-parameters: {class-id: fa6b4a53d-5ad-5fdf-be9d-e663e4d41ffe}}]"
create_bad 65 'class-id: .* is not a UUID' baduuid2
desc noimage <<<"$head
shared-sequence: [{override-parameters: {image-digest: {file: missing.bin}}}]"
create_bad 66 'image-digest: image .*missing.bin: No such file' noimage
mkdir "$tmp/adir"
desc dirimage <<<"$head
shared-sequence: [{override-parameters: {image-size: {file: adir}}}]"
create_bad 74 'image-size: image .*adir' dirimage
desc noseq <<<'components: [[{hex: "00"}]]'
create_bad 65 '/sequence-number: missing' noseq
desc negseq <<<'sequence-number: -1
components: [[{hex: "00"}]]'
create_bad 65 'sequence-number: expected an unsigned integer' negseq
desc unkcmd <<<"$head
validate: [{flash-it: 15}]"
create_bad 65 'validate/0: unknown command "flash-it"' unkcmd
desc unkparam <<<"$head
validate: [{override-parameters: {colour: blue}}]"
create_bad 65 'unknown parameter "colour"' unkparam
desc unkmember <<<"$head
manifest-colour: blue"
create_bad 65 'unknown member "manifest-colour"' unkmember
desc nocomp <<<'sequence-number: 1
components: []'
create_bad 65 'components: expected a non-empty list' nocomp
desc compnotlist <<<'sequence-number: 1
components: [{hex: "00"}]'
create_bad 65 'components/0: a component identifier is a list' compnotlist
desc badhex <<<'sequence-number: 1
components: [[{hex: "0g"}]]'
create_bad 65 '"0g" is not hex' badhex
desc badtype <<<'sequence-number: 1
components: [[{octal: "7"}]]'
create_bad 65 'unknown byte string type "octal"' badtype
desc shortdigest <<<"$head
validate: [{override-parameters: {image-digest: {sha256: '0011'}}}]"
create_bad 65 'a sha256 digest has 32 bytes, not 2' shortdigest
desc md5 <<<"$head
validate: [{override-parameters: {image-digest: {algorithm: md5, bytes: {hex: '00'}}}}]"
create_bad 65 'unknown digest algorithm "md5"' md5
desc tryone <<<"$head
validate: [{try-each: [[{image-match: 15}]]}]"
create_bad 65 'try-each: expected a list of at least two command sequences' tryone
desc emptyseq <<<"$head
validate: []"
create_bad 65 'validate: expected a non-empty list of commands' emptyseq
desc twocmds <<<"$head
validate: [{image-match: 15, fetch: 2}]"
create_bad 65 'validate/0: expected one command' twocmds
desc severvalidate <<<"$head
validate: [{image-match: 15}]
sever: [validate]"
create_bad 65 '"validate" is not a severable member' severvalidate
desc severabsent <<<"$head
sever: [install]"
create_bad 65 '"install" is not in the description' severabsent
desc payloadname <<<"$head
integrated-payloads: {fw: {hex: '00'}}"
create_bad 65 "a name starts with '#'" payloadname
desc textmember <<<"$head
text: {en-US: {manifest-colour: blue}}"
create_bad 65 'unknown text member "manifest-colour"' textmember
desc version2 <<<"manifest-version: 2
$head"
create_bad 65 'only manifest-version 1' version2
desc syntax <<<'sequence-number: [1
components: ]]'
create_bad 65 'description: line [0-9]+, column [0-9]+' syntax
desc alist <<<'- sequence-number: 1'
create_bad 65 'one YAML or JSON document holding a map' alist
: >"$tmp/empty.yaml"
create_bad 65 'one YAML or JSON document holding a map' empty
/usr/bin/python3 -c "print('sequence-number: 1\ncomponents: [[{hex: \"00\"}]]\nvalidate: [{image-match: ' + '['*200 + ']'*200 + '}]')" >"$tmp/deep.yaml"
create_bad 65 'nest|depth' deep
# aliases that expand to millions of values ("billion laughs")
{ echo 'a: &a [x, x, x, x, x, x, x, x, x, x]'
  for l in b c d e f g; do p=$(tr 'b-g' 'a-f' <<<"$l"); echo "$l: &$l [*$p, *$p, *$p, *$p, *$p, *$p, *$p, *$p, *$p, *$p]"; done
  echo 'sequence-number: 1'; } >"$tmp/laughs.yaml"
create_bad 65 'more than [0-9]+ values \(aliases expanded\)' laughs
bad 66 'nonexistent.yaml' -- "$suit" create "$tmp/nonexistent.yaml" -o "$tmp/out.suit"
desc emptyindex <<<"$head
validate: [{set-component-index: []}]"
create_bad 65 'expected at least one component index' emptyindex
desc policytext <<<"$head
validate: [{image-match: all}]"
create_bad 65 'image-match: expected an unsigned integer' policytext
desc floatparam <<<"$head
validate: [{override-parameters: {'-1': 1.5}}]"
create_bad 65 'floating-point numbers are not used' floatparam
desc dupkey <<<"$head
sequence-number: 2"
create_bad 65 'duplicate key "sequence-number"' dupkey
echo "ok: $cases bad descriptions"

# --- sign ---------------------------------------------------------------------------------------
"$suit" create "$d/example1.yaml" -o "$tmp/e1.suit"
"$suit" create "$d/example2.yaml" -o "$tmp/e2.suit"
bad 64 'no key given' -- "$suit" sign "$tmp/e1.suit" -o "$tmp/out.suit"
openssl genpkey -algorithm ed25519 -out "$tmp/ed.pem" 2>/dev/null
bad 64 'ES256|P-256|Ed25519' -- "$suit" sign --key "$tmp/ed.pem" --alg ES256 "$tmp/e1.suit" -o "$tmp/out.suit"
bad 66 'nokey.pem' -- "$suit" sign --key "$tmp/nokey.pem" "$tmp/e1.suit" -o "$tmp/out.suit"
head -c 20 /dev/urandom >"$tmp/short.key"
bad 64 'HMAC 256/256 needs at least 32' -- "$suit" sign --mac-key "$tmp/short.key" "$tmp/e1.suit" -o "$tmp/out.suit"
openssl req -new -x509 -key "$tmp/ed.pem" -subj /CN=other -days 1 -out "$tmp/other.crt" 2>/dev/null
bad 64 'does not belong to --key' -- "$suit" sign --key "$v/private_key.pem" --cert "$tmp/other.crt" "$tmp/e1.suit" -o "$tmp/out.suit"
/usr/bin/python3 - "$tmp/e1.suit" "$tmp/tampered.suit" <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i = d.find(b'file.bin'); d[i] = ord('F')
open(sys.argv[2], 'wb').write(d)
PY
bad 65 'does not match the manifest.*refusing to sign' -- "$suit" sign --key "$v/private_key.pem" "$tmp/tampered.suit" -o "$tmp/out.suit"
/usr/bin/python3 - "$tmp/e2.suit" "$tmp/tampered2.suit" <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i = d.find(b'demonstration'); d[i] = ord('D')
open(sys.argv[2], 'wb').write(d)
PY
bad 65 'severed text does not match its digest; refusing to sign' -- "$suit" sign --key "$v/private_key.pem" "$tmp/tampered2.suit" -o "$tmp/out.suit"
head -c 100 "$tmp/e1.suit" >"$tmp/trunc.suit"
bad 65 'trunc.suit: .*(truncat|end of input)' -- "$suit" sign --key "$v/private_key.pem" "$tmp/trunc.suit" -o "$tmp/out.suit"
/usr/bin/python3 - "$tmp/e1.suit" "$tmp/noauth.suit" <<'PY'
import cbor2, sys
e = cbor2.loads(open(sys.argv[1], 'rb').read()).value
open(sys.argv[2], 'wb').write(cbor2.dumps(cbor2.CBORTag(107, {3: e[3]})))
PY
bad 65 'no authentication-wrapper' -- "$suit" sign --key "$v/private_key.pem" "$tmp/noauth.suit" -o "$tmp/out.suit"
# signed with one key, verified with another: a negative verdict (exit 1) naming the block
openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:P-256 2>/dev/null | openssl pkey -pubout -out "$tmp/other.pub" 2>/dev/null
"$suit" sign --key "$v/private_key.pem" "$tmp/e1.suit" -o "$tmp/e1-signed.suit"
set +e; "$suit" verify --key "$tmp/other.pub" "$tmp/e1-signed.suit" >"$tmp/report"; rc=$?; set -e
[[ $rc -eq 1 ]] && grep -q '"check":"authentication-block\[1\]","message":"COSE_Sign1 ES256: no given key verifies it' "$tmp/report" ||
    { echo "FAIL: wrong key: exit $rc"; cat "$tmp/report"; exit 1; }
cases=$((cases + 1))
echo "ok: bad signing inputs"

# --- sever --------------------------------------------------------------------------------------
grep -v '^sever:' "$d/example2.yaml" >"$tmp/whole.yaml"
"$suit" create "$tmp/whole.yaml" -o "$tmp/whole.suit"
"$suit" create "$d/example0.yaml" -o "$tmp/e0.suit"
bad 64 '--member validate: not a severable member' -- "$suit" sever --member validate "$tmp/whole.suit" -o "$tmp/out.suit"
bad 64 'the manifest has no payload-fetch' -- "$suit" sever --member payload-fetch "$tmp/whole.suit" -o "$tmp/out.suit"
bad 64 'text is already severed' -- "$suit" sever --member text "$tmp/e2.suit" -o "$tmp/out.suit"
bad 64 'no severable member left' -- "$suit" sever "$tmp/e0.suit" -o "$tmp/out.suit"
bad 64 'sever before signing' -- "$suit" sever "$v/example2.suit" -o "$tmp/out.suit"
echo "ok: bad sever requests"

# --- envelopes ----------------------------------------------------------------------------------
# indefinite lengths: the manifest bstr as chunks, and an indefinite map inside the manifest
/usr/bin/python3 - "$tmp/e0.suit" "$tmp/indef.suit" "$tmp/indef2.suit" <<'PY'
import cbor2, sys
raw = open(sys.argv[1], 'rb').read()
e = cbor2.loads(raw).value
m = e[3]
chunked = b'\x5f' + cbor2.dumps(m[:50]) + cbor2.dumps(m[50:]) + b'\xff'
out = b'\xd8\x6b\xa2\x02' + cbor2.dumps(e[2]) + b'\x03' + chunked
open(sys.argv[2], 'wb').write(out)
# an indefinite-length map as the manifest content (bf ... ff)
inner = bytearray(m)
assert inner[0] & 0xe0 == 0xa0
n = inner[0] & 0x1f
inner = b'\xbf' + bytes(inner[1:]) + b'\xff'
out = b'\xd8\x6b\xa2\x02' + cbor2.dumps(e[2]) + b'\x03' + cbor2.dumps(bytes(inner))
open(sys.argv[3], 'wb').write(out)
PY
bad 65 'indefinite-length item' -- "$suit" verify --key "$v/public_key.pem" "$tmp/indef.suit"
bad 65 'manifest.*indefinite-length item' -- "$suit" sign --key "$v/private_key.pem" "$tmp/indef2.suit" -o "$tmp/out.suit"
# a 100 MB byte string announced in a 20-byte file
printf '\xd8\x6b\xa1\x02\x5a\x05\xf5\xe1\x00abcdefghijk' >"$tmp/claim.suit"
bad 65 'truncat|exceeds|too (large|long)|end of input' -- "$suit" verify --key "$v/public_key.pem" "$tmp/claim.suit"
# deep nesting
/usr/bin/python3 -c "import sys; sys.stdout.buffer.write(b'\xd8\x6b' + b'\x81' * 5000 + b'\x00')" >"$tmp/deep.suit"
bad 65 'deep|nest' -- "$suit" inspect "$tmp/deep.suit"
# unknown command in a manifest: verify reads it, the description cannot make it; an odd-length sequence is malformed
/usr/bin/python3 - "$tmp/e0.suit" "$tmp/oddseq.suit" <<'PY'
import cbor2, hashlib, sys
e = cbor2.loads(open(sys.argv[1], 'rb').read()).value
m = cbor2.loads(e[3])
m[7] = cbor2.dumps([3, 15, 1])
mb = cbor2.dumps(m)
d = cbor2.dumps([-16, hashlib.sha256(cbor2.dumps(mb)).digest()])
open(sys.argv[2], 'wb').write(cbor2.dumps(cbor2.CBORTag(107, {2: cbor2.dumps([d]), 3: mb})))
PY
bad 65 'validate.*command sequence' -- "$suit" sign --key "$v/private_key.pem" "$tmp/oddseq.suit" -o "$tmp/out.suit"
# a wrong tag
printf '\xd8\x6c\xa0' >"$tmp/tag108.suit"
bad 65 'tag 108 is not 107' -- "$suit" sign --key "$v/private_key.pem" "$tmp/tag108.suit" -o "$tmp/out.suit"
echo "ok: bad envelopes"

# --- streams: a bad record is an error record, the others go through, exit 1 ------------------------
{
    /usr/bin/python3 -c "import json; print(json.dumps({'id': 'good', 'sequence-number': 1, 'components': [[{'hex': '00'}]]}))"
    echo '{"id": "bad", "sequence-number": 1, "components": [["00"]]}'
    echo 'not json'
} >"$tmp/records.ndjson"
set +e; "$suit" create --stream --out-format ndjson "$tmp/records.ndjson" >"$tmp/stream.out" 2>"$tmp/err"; rc=$?; set -e
[[ $rc -eq 1 ]] || { echo "FAIL: stream with bad records: exit $rc"; exit 1; }
/usr/bin/python3 - "$tmp/stream.out" <<'PY' || { echo "FAIL: stream error records"; cat "$tmp/stream.out"; exit 1; }
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
assert len(r) == 3
assert r[0]['id'] == 'good' and 'envelope' in r[0]
assert r[1]['id'] == 'bad' and r[1]['error']['code'] == 'malformed' and 'untyped string' in r[1]['error']['message']
assert r[2]['index'] == 2 and 'error' in r[2]
PY
cases=$((cases + 2))
echo "ok: $cases bad inputs in all"
