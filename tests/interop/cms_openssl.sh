#!/usr/bin/env bash
# CMS SignedData interop with the openssl CLI, both directions, attached and detached, binary mode,
# id-data and id-ct-animaJSONVoucher. Certificates are made here with openssl (P-256).
set -euo pipefail

driver="$IOTOPS_BUILD/drivers/driver_cms"
[ -x "$driver" ] || { echo "missing $driver (ninja driver_cms)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }
flip() {  # flip one bit of the first occurrence of a marker in a file
    /usr/bin/python3 -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read()); i = d.find(sys.argv[3].encode())
assert i >= 0, "marker not found"
d[i + 2] ^= 1; open(sys.argv[2], "wb").write(d)' "$1" "$2" "$3"
}

# A CA and a signer, P-256.
openssl ecparam -name prime256v1 -genkey -noout -out ca.key 2>/dev/null
openssl req -x509 -new -key ca.key -subj "/CN=cms interop ca" -days 30 -out ca.pem \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out signer.key 2>/dev/null
openssl req -new -key signer.key -subj "/CN=cms interop signer" -out signer.csr 2>/dev/null
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectKeyIdentifier=hash\n' > signer.ext
openssl x509 -req -in signer.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 10 -extfile signer.ext \
    -out signer.pem 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out other.key 2>/dev/null
openssl req -x509 -new -key other.key -subj "/CN=cms other ca" -days 30 -out other.pem 2>/dev/null

# Content with CR LF and a trailing space: binary mode must keep every byte.
printf '{"ietf-voucher:voucher":{"serial-number":"MARKER-JADA"}}\r\nline two \n' > content.bin

# libiotops -> openssl, attached.
"$driver" sign --key signer.key --cert signer.pem content.bin ours.der
openssl cms -verify -binary -inform DER -in ours.der -CAfile ca.pem -out got.bin 2>/dev/null ||
    fail "openssl rejects attached cms made by libiotops"
cmp -s got.bin content.bin || fail "openssl got different content from libiotops cms"
ok "libiotops attached cms verifies with openssl cms -verify -binary, content identical"

flip ours.der ours-bad.der MARKER
if openssl cms -verify -binary -inform DER -in ours-bad.der -CAfile ca.pem -out /dev/null 2>/dev/null; then
    fail "openssl accepted tampered libiotops cms"
fi
ok "openssl rejects libiotops cms with a flipped content bit"

# libiotops -> openssl, detached.
"$driver" sign --detached --key signer.key --cert signer.pem content.bin ours-detached.der
if grep -q MARKER ours-detached.der; then fail "detached cms carries the content"; fi
openssl cms -verify -binary -inform DER -in ours-detached.der -content content.bin -CAfile ca.pem \
    -out /dev/null 2>/dev/null || fail "openssl rejects detached cms made by libiotops"
flip content.bin content-bad.bin MARKER
if openssl cms -verify -binary -inform DER -in ours-detached.der -content content-bad.bin -CAfile ca.pem \
    -out /dev/null 2>/dev/null; then
    fail "openssl accepted detached libiotops cms over changed content"
fi
ok "libiotops detached cms verifies with openssl -content, and not over changed content"

# libiotops -> openssl, animaJSONVoucher eContentType.
"$driver" sign --econtent-type 1.2.840.113549.1.9.16.1.40 --key signer.key --cert signer.pem content.bin voucher.der
openssl cms -cmsout -print -inform DER -in voucher.der > voucher.txt
grep -q 'eContentType: .*1\.2\.840\.113549\.1\.9\.16\.1\.40' voucher.txt ||
    fail "openssl does not show eContentType 1.2.840.113549.1.9.16.1.40"
grep -Eq '^ *version: 3$' voucher.txt || fail "signeddata is not version 3"
openssl cms -verify -binary -inform DER -in voucher.der -CAfile ca.pem -out got.bin 2>/dev/null ||
    fail "openssl rejects animaJSONVoucher cms"
cmp -s got.bin content.bin || fail "voucher content differs"
ok "openssl cms -print shows eContentType 1.2.840.113549.1.9.16.1.40 and version 3; it verifies"

# openssl -> libiotops, attached id-data (with OpenSSL's default SMIMECapabilities attribute).
openssl cms -sign -binary -nodetach -outform DER -in content.bin -signer signer.pem -inkey signer.key \
    -out theirs.der
"$driver" verify --anchor ca.pem theirs.der > got.bin 2> verdict.txt || fail "libiotops rejects openssl cms: $(cat verdict.txt)"
cmp -s got.bin content.bin || fail "libiotops got different content from openssl cms"
"$driver" parse theirs.der | grep -qx 'econtent-type 1.2.840.113549.1.7.1' || fail "eContentType is not id-data"
ok "openssl cms -sign -binary -nodetach verifies with libiotops, content identical"

flip theirs.der theirs-bad.der MARKER
set +e
"$driver" verify --anchor ca.pem theirs-bad.der > /dev/null 2> verdict.txt
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "libiotops did not give a negative verdict on tampered openssl cms (exit $rc)"
grep -q 'signature: invalid' verdict.txt || fail "tampered cms not reported as a bad signature: $(cat verdict.txt)"
ok "libiotops rejects tampered openssl cms: $(cat verdict.txt)"

set +e
"$driver" verify --anchor other.pem theirs.der > /dev/null 2> verdict.txt
rc=$?
set -e
[ "$rc" -eq 1 ] && grep -q 'signature: valid, chain: invalid' verdict.txt ||
    fail "wrong anchor not reported as a chain failure (exit $rc): $(cat verdict.txt)"
ok "libiotops with the wrong anchor: $(cat verdict.txt)"

# openssl -> libiotops, animaJSONVoucher.
openssl cms -sign -binary -nodetach -outform DER -econtent_type 1.2.840.113549.1.9.16.1.40 -in content.bin \
    -signer signer.pem -inkey signer.key -out theirs-voucher.der
"$driver" parse theirs-voucher.der > parsed.txt
grep -qx 'econtent-type 1.2.840.113549.1.9.16.1.40' parsed.txt || fail "libiotops parse: $(cat parsed.txt)"
grep -qx 'version 3' parsed.txt || fail "libiotops parse: $(cat parsed.txt)"
"$driver" verify --anchor ca.pem theirs-voucher.der > got.bin 2> verdict.txt ||
    fail "libiotops rejects openssl animaJSONVoucher cms: $(cat verdict.txt)"
cmp -s got.bin content.bin || fail "voucher content differs"
grep -q 'econtent-type: 1.2.840.113549.1.9.16.1.40' verdict.txt || fail "verify did not report the eContentType"
flip theirs-voucher.der theirs-voucher-bad.der MARKER
if "$driver" verify --anchor ca.pem theirs-voucher-bad.der > /dev/null 2>&1; then
    fail "libiotops accepted tampered openssl animaJSONVoucher cms"
fi
ok "openssl -econtent_type 1.2.840.113549.1.9.16.1.40 cms verifies with libiotops (version 3), tampered copy fails"

# openssl -> libiotops, detached, PEM, signer identified by subjectKeyIdentifier.
openssl cms -sign -binary -keyid -outform PEM -in content.bin -signer signer.pem -inkey signer.key \
    -out theirs-detached.pem
"$driver" verify --anchor ca.pem --content content.bin theirs-detached.pem > got.bin 2> verdict.txt ||
    fail "libiotops rejects openssl detached keyid cms: $(cat verdict.txt)"
cmp -s got.bin content.bin || fail "detached content differs"
if "$driver" verify --anchor ca.pem --content content-bad.bin theirs-detached.pem > /dev/null 2>&1; then
    fail "libiotops accepted openssl detached cms over changed content"
fi
ok "openssl detached PEM -keyid cms verifies with libiotops, and not over changed content"

echo "cms_openssl: all checks passed"
