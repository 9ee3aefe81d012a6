#!/usr/bin/env bash
# COSE_Sign1 / COSE_Mac0 interop with an independent checker (python3 cbor2 + cryptography):
# libiotops output verifies there for every algorithm and tampered copies do not; a COSE_Sign1 made
# in Python verifies with libiotops; Mac0 tags match a Python HMAC.
set -euo pipefail
: "${IOTOPS_SRC:?}" "${IOTOPS_BUILD:?}"
driver="$IOTOPS_BUILD/drivers/driver_cose"
check=(/usr/bin/python3 "$IOTOPS_SRC/tests/interop/cose_check.py")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
# expect CODE CMD...: runs CMD, which must exit with CODE.
expect() {
    local want=$1; shift
    local got=0
    "$@" >"$tmp/out" 2>&1 || got=$?
    [[ $got == "$want" ]] || { cat "$tmp/out" >&2; fail "exit $got, wanted $want: $*"; }
}

printf '{"ietf-voucher:voucher":{"serial-number":"JADA123456789","nonce":"%s"}}' "$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$tmp/payload"

genkey() {  # genkey NAME openssl-genpkey-args...
    local name=$1; shift
    openssl genpkey "$@" -out "$tmp/$name.key" 2>/dev/null
    openssl pkey -in "$tmp/$name.key" -pubout -out "$tmp/$name.pub"
}
genkey p256 -algorithm EC -pkeyopt ec_paramgen_curve:P-256
genkey p384 -algorithm EC -pkeyopt ec_paramgen_curve:P-384
genkey ed25519 -algorithm ED25519

for spec in ES256:p256:-7 ESP256:p256:-9 ES384:p384:-35 EdDSA:ed25519:-8 Ed25519:ed25519:-19; do
    IFS=: read -r alg key id <<<"$spec"
    for form in tagged untagged; do
        flags=(); [[ $form == untagged ]] && flags=(--untagged)
        out="$tmp/$alg-$form.cose"
        "$driver" sign --alg "$alg" --key "$tmp/$key.key" "${flags[@]}" "$tmp/payload" "$out"
        expect 0 "${check[@]}" verify "$tmp/$key.pub" "$out"
        grep -q "valid (alg $id)" "$tmp/out" || fail "$alg: python saw another alg: $(cat "$tmp/out")"
        expect 0 "$driver" verify --key "$tmp/$key.pub" "$out"
        for part in payload signature protected; do
            "${check[@]}" tamper "$out" "$tmp/bad.cose" "$part"
            expect 1 "${check[@]}" verify "$tmp/$key.pub" "$tmp/bad.cose"
            expect 1 "$driver" verify --key "$tmp/$key.pub" "$tmp/bad.cose"
        done
    done
    # Detached payload: the checker gets the payload separately.
    "$driver" sign --alg "$alg" --key "$tmp/$key.key" --detached "$tmp/payload" "$tmp/detached.cose"
    expect 0 "${check[@]}" verify "$tmp/$key.pub" "$tmp/detached.cose" --payload "$tmp/payload"
    printf 'other' >"$tmp/other"
    expect 1 "${check[@]}" verify "$tmp/$key.pub" "$tmp/detached.cose" --payload "$tmp/other"
    echo "ok: $alg signed by libiotops verifies in python (tagged, untagged, detached); 3 tampered copies rejected"
done

# A key of the wrong type for the algorithm is refused by the signer (usage, 64).
expect 64 "$driver" sign --alg ES256 --key "$tmp/p384.key" "$tmp/payload" "$tmp/x.cose"
expect 64 "$driver" sign --alg ESP256 --key "$tmp/ed25519.key" "$tmp/payload" "$tmp/x.cose"
echo "ok: ES256 with a P-384 key and ESP256 with an Ed25519 key are refused"

# Reverse: python signs, libiotops verifies.
"${check[@]}" sign-es256 "$tmp/p256.key" "$tmp/payload" "$tmp/py.cose"
expect 0 "$driver" verify --key "$tmp/p256.pub" "$tmp/py.cose"
expect 1 "$driver" verify --key "$tmp/p384.pub" "$tmp/py.cose"
for part in payload signature protected; do
    "${check[@]}" tamper "$tmp/py.cose" "$tmp/py-bad.cose" "$part"
    expect 1 "$driver" verify --key "$tmp/p256.pub" "$tmp/py-bad.cose"
done
echo "ok: ES256 COSE_Sign1 made by python verifies with libiotops; wrong key and 3 tampered copies rejected"

# Garbage is malformed (65), not a crash or a verdict.
head -c 40 "$tmp/py.cose" >"$tmp/truncated.cose"
expect 65 "$driver" verify --key "$tmp/p256.pub" "$tmp/truncated.cose"
echo "ok: a truncated message is malformed (65)"

# Mac0: libiotops tag checked by python's HMAC.
keyhex=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
otherhex=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
"$driver" mac --key-hex "$keyhex" "$tmp/payload" "$tmp/mac.cose"
expect 0 "${check[@]}" mac-verify "$keyhex" "$tmp/mac.cose"
expect 1 "${check[@]}" mac-verify "$otherhex" "$tmp/mac.cose"
expect 0 "$driver" mac-verify --key-hex "$keyhex" "$tmp/mac.cose"
"${check[@]}" tamper "$tmp/mac.cose" "$tmp/mac-bad.cose" payload
expect 1 "${check[@]}" mac-verify "$keyhex" "$tmp/mac-bad.cose"
expect 1 "$driver" mac-verify --key-hex "$keyhex" "$tmp/mac-bad.cose"
echo "ok: Mac0 HMAC 256/256 tag from libiotops matches python's HMAC; wrong key and tampered payload rejected"
