#!/usr/bin/env bash
# Bad input to iot-suit encrypt, device-init and apply: each case checks the exit code and the
# one-line message, and that a refused apply leaves the device directory unchanged.
set -euo pipefail
: "${IOTOPS_BIN:?}" "${IOTOPS_VECTORS:?}" "${IOTOPS_SRC:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
suit="$IOTOPS_BIN/iot-suit"
v="$IOTOPS_VECTORS/suit/manifest-spec"
make() { /usr/bin/python3 "$IOTOPS_SRC/tests/cli/support/suit_manifest.py" --key "$v/private_key.pem" "$@"; }
VENDOR=fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe
CLASS=1492af14-2569-5e48-bf42-9b2d51f2ab45
n=0
case_() {  # case_ STATUS MESSAGE -- command...
    local want=$1 msg=$2; shift 3
    set +e; "$@" >out 2>err; local got=$?; set -e
    if [[ $got -ne $want ]] || ! grep -qF -- "$msg" err; then
        echo "FAIL: exit $got (expected $want), message '$msg': $*"; cat out err; exit 1
    fi
    # one error line, optionally followed by a hint line
    head -1 err | grep -q '^iot-suit: error: ' && [[ $(grep -vc '^iot-suit: hint: ' err) -eq 1 ]] ||
        { echo "FAIL: not one error line on stderr: $*"; cat err; exit 1; }
    n=$((n + 1))
}
tree_hash() { (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum; find . | LC_ALL=C sort) | sha256sum; }

head -c 1000 /dev/urandom >fw.bin
head -c 10 /dev/urandom >short.kek
head -c 16 /dev/urandom >good.kek
openssl genpkey -algorithm ed25519 2>/dev/null | openssl pkey -pubout -out ed.pem 2>/dev/null

# encrypt
case_ 64 "encrypt: no recipient" -- "$suit" encrypt --encryption-info i -o c fw.bin
case_ 64 "A128KW needs exactly 16" -- "$suit" encrypt --kek short.kek --encryption-info i -o c fw.bin
case_ 64 "ECDH-ES+A128KW needs a P-256 public key" -- "$suit" encrypt --recipient ed.pem --encryption-info i -o c fw.bin
case_ 66 "missing.pem" -- "$suit" encrypt --recipient missing.pem --encryption-info i -o c fw.bin
case_ 64 "--alg" -- "$suit" encrypt --kek good.kek --alg A256CTR --encryption-info i -o c fw.bin
case_ 64 "--encryption-info is required" -- "$suit" encrypt --kek good.kek -o c fw.bin
case_ 66 "nofile.bin" -- "$suit" encrypt --kek good.kek --encryption-info i -o c nofile.bin
[[ ! -e c && ! -e i ]] || { echo "FAIL: output left behind by a failed encrypt"; exit 1; }

# device-init
case_ 64 '"not-a-uuid" is not a UUID' -- "$suit" device-init d1 --vendor-id not-a-uuid --class-id $CLASS
mkdir full && touch full/x
case_ 64 "full: already exists and is not an empty directory" -- "$suit" device-init full --vendor-id $VENDOR --class-id $CLASS
case_ 64 "must be NAME.kek" -- "$suit" device-init d2 --vendor-id $VENDOR --class-id $CLASS --key fw.bin
case_ 64 "must be exactly 16 bytes" -- "$suit" device-init d3 --vendor-id $VENDOR --class-id $CLASS --key short.kek
case_ 64 "a trust anchor must be" -- "$suit" device-init d4 --vendor-id $VENDOR --class-id $CLASS --trust fw.bin

# device directory
"$suit" device-init dev --vendor-id $VENDOR --class-id $CLASS --trust "$v/public_key.pem" 2>/dev/null
make --mode file --seq 1 --vendor $VENDOR --class $CLASS --image fw.bin --uri "file://$tmp/fw.bin" --out ok.suit
case_ 66 "nodev: no such device directory" -- "$suit" apply --device nodev ok.suit
cp -r dev badjson && echo '{"vendor-id":' >badjson/device.json
case_ 78 "device.json: not valid JSON" -- "$suit" apply --device badjson ok.suit
cp -r dev novendor && echo '{"class-id":"'$CLASS'"}' >novendor/device.json
case_ 78 "\"vendor-id\" must be a UUID string" -- "$suit" apply --device novendor ok.suit
cp -r dev badseq && echo '{"vendor-id":"'$VENDOR'","class-id":"'$CLASS'","sequence-number":-3}' >badseq/device.json
case_ 78 "\"sequence-number\" must be a non-negative integer" -- "$suit" apply --device badseq ok.suit
"$suit" device-init notrust --vendor-id $VENDOR --class-id $CLASS 2>/dev/null
case_ 1 "the device has no trust anchor" -- "$suit" apply --device notrust ok.suit

# envelopes
before=$(tree_hash dev)
printf 'not cbor at all' >junk.suit
case_ 65 "junk.suit" -- "$suit" apply --device dev junk.suit
case_ 66 "absent.suit" -- "$suit" apply --device dev absent.suit
: >empty.suit
case_ 65 "empty input" -- "$suit" apply --device dev empty.suit
head -c 100 ok.suit >truncated.suit
case_ 65 "truncated.suit" -- "$suit" apply --device dev truncated.suit
make --mode file --seq 1 --vendor $VENDOR --class $CLASS --image fw.bin --uri "coaps://example.com/fw.bin" --out coaps.suit
case_ 1 "fetch: cannot fetch coaps://example.com/fw.bin" -- "$suit" apply --device dev coaps.suit
make --mode file --seq 1 --vendor $VENDOR --class $CLASS --image fw.bin --uri "https://127.0.0.1:1/fw.bin" --out https.suit
case_ 1 "fetch: https://127.0.0.1:1/fw.bin: Connection" -- "$suit" apply --device dev https.suit
make --mode file --seq 1 --vendor $VENDOR --class $CLASS --image fw.bin --uri "file://$tmp/gone.bin" --out gone.suit
case_ 1 "fetch: " -- "$suit" apply --device dev gone.suit
make --mode file --seq 1 --vendor $VENDOR --class $CLASS --image fw.bin --uri "#absent" --out noint.suit
case_ 1 "the envelope has no integrated payload \"#absent\"" -- "$suit" apply --device dev noint.suit
printf '\xd8\x60\x80' >bad.info
make --mode encrypted --seq 1 --vendor $VENDOR --class $CLASS --image fw.bin --uri "file://$tmp/fw.bin" --encryption-info bad.info --out badinfo.suit
"$suit" device-init encdev --vendor-id $VENDOR --class-id $CLASS --trust "$v/public_key.pem" --key good.kek 2>/dev/null
case_ 1 "decryption failed: SUIT_Encryption_Info: COSE_Encrypt must be" -- "$suit" apply --device encdev --report r.cbor badinfo.suit
/usr/bin/python3 -c "import cbor2; r=cbor2.loads(open('r.cbor','rb').read()); assert r[4][7] == 2 and r[4][6][1] == 20, r"
make --mode integrated --seq 1 --vendor $VENDOR --class $CLASS --image fw.bin --nest 20 --out deep.suit
case_ 1 "command sequences nested deeper than 16 levels" -- "$suit" apply --device dev deep.suit
cp -r dev badtrust && echo garbage >badtrust/trust/junk.pem
case_ 78 "badtrust/trust/junk.pem: public key" -- "$suit" apply --device badtrust ok.suit
cp -r dev badkek && head -c 5 /dev/zero >badkek/keys/short.kek
case_ 78 "badkek/keys/short.kek: an A128KW key-encryption key must be exactly 16 bytes" -- "$suit" apply --device badkek ok.suit
case_ 74 "" -- "$suit" apply --device dev --report /nonexistent/dir/r.cbor ok.suit
[[ "$(tree_hash dev)" == "$before" ]] || { echo "FAIL: device changed by bad input"; exit 1; }
# the same envelope, once the report can be written, installs
"$suit" apply --device dev --report r.cbor ok.suit >/dev/null
cmp fw.bin dev/components/00
echo "ok: $n bad-input cases"
