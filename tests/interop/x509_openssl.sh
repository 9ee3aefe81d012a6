#!/usr/bin/env bash
# Interop: certificates, CSRs, keys and signatures from libiotops against the openssl command line.
set -euo pipefail
DRIVER="${IOTOPS_BUILD:?}/drivers/driver_x509"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

# 1. A CA and a device certificate issued by libiotops verify with openssl and show their extensions.
"$DRIVER" pki "$T"
openssl verify -CAfile "$T/ca.pem" "$T/device.pem" | grep -q "device.pem: OK" || fail "openssl verify of device.pem"
pass "openssl verify -CAfile accepts the issued device certificate"
openssl verify -CAfile "$T/device.pem" -partial_chain "$T/ca.pem" >/dev/null 2>&1 && fail "CA verified against the device"
openssl x509 -in "$T/device.pem" -noout -text > "$T/device.txt"
grep -q "1.3.6.1.5.5.7.1.32" "$T/device.txt" || fail "no MASA URL extension"
grep -q "masa.example.com:9443" "$T/device.txt" || fail "no MASA URL value"
grep -qE "1.3.6.1.5.5.7.1.25|MUD URL" "$T/device.txt" || fail "no MUD URL extension"
grep -q "https://mud.example.com/device.json" "$T/device.txt" || fail "no MUD URL value"
grep -q "1.3.6.1.5.5.7.1.30" "$T/device.txt" || fail "no MUD signer extension"
grep -q "serialNumber = DEV-0042" "$T/device.txt" || fail "no subject serialNumber"
grep -q "CMC Registration Authority" "$T/device.txt" || fail "no EKU cmcRA"
grep -q "DNS:device.example.com" "$T/device.txt" || fail "no SAN"
grep -q "Not After : Dec 31 23:59:59 9999 GMT" "$T/device.txt" || fail "notAfter is not 99991231235959Z"
grep -A1 "X509v3 Key Usage: critical" "$T/device.txt" | grep -q "Digital Signature" || fail "key usage not critical"
grep -q "GENERALIZEDTIME  *:99991231235959Z" <<<"$(openssl asn1parse -in "$T/device.pem")" || fail "notAfter not GeneralizedTime"
ski=$(openssl x509 -in "$T/ca.pem" -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' ')
aki=$(openssl x509 -in "$T/device.pem" -noout -ext authorityKeyIdentifier | tail -1 | tr -d ' ')
[ -n "$ski" ] && [ "$ski" = "$aki" ] || fail "device AKI ($aki) is not the CA SKI ($ski)"
openssl x509 -in "$T/ca.pem" -noout -text | grep -A1 "Basic Constraints: critical" | grep -q "CA:TRUE" || fail "CA basicConstraints"
pass "openssl x509 -text shows MASA URL, MUD URL, MUD signer, serialNumber, cmcRA, SAN, SKI/AKI, notAfter"

# Keys written by libiotops: mode 0600, readable by openssl, the encrypted one only with its passphrase.
[ "$(stat -c %a "$T/ca.key")" = 600 ] || fail "ca.key mode is not 0600"
openssl pkey -in "$T/ca.key" -noout || fail "openssl cannot read ca.key"
openssl pkey -in "$T/device.key" -passin pass:device-secret -noout || fail "openssl cannot read the encrypted device.key"
openssl pkey -in "$T/device.key" -passin pass:wrong -noout 2>/dev/null && fail "wrong passphrase accepted by openssl"
pass "libiotops key files are 0600 and openssl reads them (encrypted with the right passphrase only)"

# 2. CSRs made by libiotops pass openssl req -verify.
"$DRIVER" csr "$T"
for k in p256 p384 ed25519; do
  openssl req -in "$T/req-$k.pem" -verify -noout 2>&1 | grep -qi "verify OK" || fail "openssl req -verify ($k)"
  openssl req -in "$T/req-$k.pem" -noout -subject | grep -q "serialNumber = JADA123456789" || fail "CSR subject ($k)"
done
pass "openssl req -verify accepts libiotops CSRs (P-256, P-384, Ed25519)"

# 3. Keys made by openssl genpkey load in libiotops; libiotops signatures verify with openssl, and back.
printf 'voucher request payload' > "$T/msg"
printf 'voucher request payloaD' > "$T/msg.bad"
check_key() {  # name genpkey-args... ; passphrase in $PASSARG
  local name=$1; shift
  openssl genpkey "$@" -out "$T/$name.pem" 2>/dev/null
  openssl pkey -in "$T/$name.pem" ${OSSLPASS:+-passin "$OSSLPASS"} -pubout -out "$T/$name.pub"
  "$DRIVER" pubkey "$T/$name.pem" "$PASSARG" > "$T/$name.ours.pub" 2>/dev/null
  cmp -s "$T/$name.pub" "$T/$name.ours.pub" || fail "$name: libiotops public key differs from openssl's"
  if [[ "$name" == ed25519* ]]; then
    "$DRIVER" sign "$T/$name.pem" "$PASSARG" "$T/msg" "$T/$name.sig"
    openssl pkeyutl -verify -pubin -inkey "$T/$name.pub" -rawin -in "$T/msg" -sigfile "$T/$name.sig" >/dev/null ||
      fail "$name: openssl rejects the libiotops signature"
    openssl pkeyutl -verify -pubin -inkey "$T/$name.pub" -rawin -in "$T/msg.bad" -sigfile "$T/$name.sig" >/dev/null 2>&1 &&
      fail "$name: openssl accepts a signature over another message"
    openssl pkeyutl -sign -inkey "$T/$name.pem" ${OSSLPASS:+-passin "$OSSLPASS"} -rawin -in "$T/msg" -out "$T/$name.osig"
  else
    "$DRIVER" sign "$T/$name.pem" "$PASSARG" "$T/msg" "$T/$name.sig" "$HASH"
    openssl dgst "-$HASH" -verify "$T/$name.pub" -signature "$T/$name.sig" "$T/msg" | grep -q "Verified OK" ||
      fail "$name: openssl rejects the libiotops signature"
    openssl dgst "-$HASH" -verify "$T/$name.pub" -signature "$T/$name.sig" "$T/msg.bad" >/dev/null 2>&1 &&
      fail "$name: openssl accepts a signature over another message"
    openssl dgst "-$HASH" -sign "$T/$name.pem" ${OSSLPASS:+-passin "$OSSLPASS"} -out "$T/$name.osig" "$T/msg"
  fi
  "$DRIVER" verify "$T/$name.pub" "$T/msg" "$T/$name.osig" "$HASH" >/dev/null || fail "$name: libiotops rejects openssl's signature"
  "$DRIVER" verify "$T/$name.pub" "$T/msg.bad" "$T/$name.osig" "$HASH" >/dev/null && fail "$name: libiotops accepts a bad signature"
  pass "$name: openssl genpkey key loads; signatures verify both ways and fail on another message"
}
PASSARG=- OSSLPASS= HASH=sha256 check_key p256 -algorithm EC -pkeyopt ec_paramgen_curve:P-256
PASSARG=- OSSLPASS= HASH=sha384 check_key p384 -algorithm EC -pkeyopt ec_paramgen_curve:P-384
PASSARG=- OSSLPASS= HASH=sha256 check_key ed25519 -algorithm ED25519
PASSARG=pass:s3cret OSSLPASS=pass:s3cret HASH=sha256 check_key p256enc -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes256 -pass pass:s3cret
PASSARG=pass:s3cret OSSLPASS=pass:s3cret HASH=sha256 check_key ed25519enc -algorithm ED25519 -aes256 -pass pass:s3cret
grep -q "ENCRYPTED PRIVATE KEY" "$T/p256enc.pem" || fail "genpkey -aes256 did not encrypt"

# A wrong or missing passphrase is a permission error (exit 77), not a crash or a malformed-input error.
set +e
"$DRIVER" pubkey "$T/p256enc.pem" pass:wrong >/dev/null 2>"$T/err"; rc=$?
set -e
[ "$rc" = 77 ] || fail "wrong passphrase gave exit $rc, want 77"
grep -q "wrong passphrase" "$T/err" || fail "wrong passphrase message: $(cat "$T/err")"
set +e
"$DRIVER" pubkey "$T/p256enc.pem" - >/dev/null 2>"$T/err"; rc=$?
set -e
[ "$rc" = 77 ] || fail "missing passphrase gave exit $rc, want 77"
pass "encrypted key with a wrong or missing passphrase -> exit 77"

# SEC1 keys from openssl ecparam load too.
openssl ecparam -name prime256v1 -genkey -noout -out "$T/sec1.pem"
grep -q "BEGIN EC PRIVATE KEY" "$T/sec1.pem" || fail "ecparam did not write SEC1"
openssl pkey -in "$T/sec1.pem" -pubout -out "$T/sec1.pub"
"$DRIVER" pubkey "$T/sec1.pem" - 2>/dev/null | cmp -s - "$T/sec1.pub" || fail "SEC1 key public part differs"
openssl pkey -in "$T/sec1.pem" -outform DER -out "$T/sec1.der"
"$DRIVER" pubkey "$T/sec1.der" - 2>/dev/null | cmp -s - "$T/sec1.pub" || fail "PKCS#8 DER key public part differs"
pass "SEC1 PEM and PKCS#8 DER keys from openssl load"
echo "x509_openssl: all checks passed"
