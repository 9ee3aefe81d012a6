#!/usr/bin/env bash
# iot-revoke crl: openssl crl -verify accepts every CRL (full, delta, DER, separate signer);
# openssl verify -crl_check rejects revoked certificates and accepts good ones with it.
set -euo pipefail
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/lib/revoke_ca.bash"
ca="$tmp/ca"
make_ca "$ca"
for i in 1 2 3 4; do issue "$ca" "dev$i" "/CN=dev$i"; done
s() { openssl x509 -in "$ca/$1.crt" -noout -serial | cut -d= -f2; }

"$revoke" revoke --db "$ca/index.txt" --serial "$(s dev1)" --reason keyCompromise --invalidity-date 2026-01-02T03:04:05Z >/dev/null
"$revoke" revoke --db "$ca/index.txt" --serial "$(s dev2)" --hold-instruction reject >/dev/null
expect 0 -- "$revoke" crl --db "$ca/index.txt" --ca-cert "$ca/ca.crt" --ca-key "$ca/ca.key" --valid 2d \
    --idp-uri http://crl.example/ca.crl -o "$tmp/full.crl"
openssl crl -in "$tmp/full.crl" -CAfile "$ca/ca.crt" -noout 2>&1 | grep -q "verify OK" || { echo "FAIL: crl -verify"; exit 1; }
openssl crl -in "$tmp/full.crl" -noout -text >"$tmp/t"
for want in "Version 2" "CRL Number:" "Authority Key Identifier" "Issuing Distribution Point: critical" \
    "URI:http://crl.example/ca.crl" "Key Compromise" "Invalidity Date" "Jan  2 03:04:05 2026 GMT" \
    "Hold Instruction Reject" "Certificate Hold"; do
    grep -qF "$want" "$tmp/t" || { echo "FAIL: CRL text lacks '$want'"; cat "$tmp/t"; exit 1; }
done
echo "ok: full CRL verifies with openssl and carries number, AKI, IDP, reasons, invalidity, hold"

# Without an IDP (openssl checks the scope of an IDP against the certificate's CRL DP).
expect 0 -- "$revoke" crl --db "$ca/index.txt" --ca-cert "$ca/ca.crt" --ca-key "$ca/ca.key" -o "$tmp/full.crl"
cat "$ca/ca.crt" "$tmp/full.crl" >"$tmp/bundle.pem"
for d in dev1 dev2; do
    set +e; out=$(openssl verify -crl_check -CAfile "$tmp/bundle.pem" "$ca/$d.crt" 2>&1); rc=$?; set -e
    [[ $rc -ne 0 ]] && grep -q "certificate revoked" <<<"$out" || { echo "FAIL: $d not rejected: $out"; exit 1; }
done
openssl verify -crl_check -CAfile "$tmp/bundle.pem" "$ca/dev3.crt" >/dev/null || { echo "FAIL: dev3 should be good"; exit 1; }
echo "ok: openssl verify -crl_check rejects revoked, accepts good"

# The CRL number goes up by one per CRL.
n1=$(openssl crl -in "$tmp/full.crl" -noout -crlnumber | cut -d= -f2 | sed "s/^0x//")
"$revoke" revoke --db "$ca/index.txt" --serial "$(s dev3)" --reason superseded >/dev/null
"$revoke" unhold --db "$ca/index.txt" --serial "$(s dev2)" >/dev/null
expect 0 -- "$revoke" crl --db "$ca/index.txt" --ca-cert "$ca/ca.crt" --ca-key "$ca/ca.key" --delta-base "$tmp/full.crl" \
    --out-format der -o "$tmp/delta.der"
openssl crl -inform DER -in "$tmp/delta.der" -CAfile "$ca/ca.crt" -noout 2>&1 | grep -q "verify OK" || { echo "FAIL: delta verify"; exit 1; }
openssl crl -inform DER -in "$tmp/delta.der" -noout -text >"$tmp/d"
n2=$(openssl crl -inform DER -in "$tmp/delta.der" -noout -crlnumber | cut -d= -f2 | sed "s/^0x//")
[[ $((16#$n2)) -eq $((16#$n1 + 1)) ]] || { echo "FAIL: CRL number $n1 -> $n2"; exit 1; }
grep -q "Delta CRL Indicator: critical" "$tmp/d" && grep -q "Remove From CRL" "$tmp/d" && grep -q "Superseded" "$tmp/d" &&
    ! grep -q "Key Compromise" "$tmp/d" || { echo "FAIL: delta contents"; cat "$tmp/d"; exit 1; }
echo "ok: delta CRL (DER) with indicator, new revocation and removeFromCRL for the released hold"

# A separate CRL signer: same name as the CA, its own key, issued by the CA with cRLSign.
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/signer.key" 2>/dev/null
printf 'keyUsage=critical,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' >"$tmp/ext"
openssl req -new -key "$tmp/signer.key" -subj "/CN=Test Device CA" -out "$tmp/signer.csr" 2>/dev/null
openssl x509 -req -in "$tmp/signer.csr" -CA "$ca/ca.crt" -CAkey "$ca/ca.key" -set_serial 77 -days 30 \
    -extfile "$tmp/ext" -out "$tmp/signer.crt" 2>/dev/null
expect 0 -- "$revoke" crl --db "$ca/index.txt" --ca-cert "$ca/ca.crt" --signer-cert "$tmp/signer.crt" \
    --signer-key "$tmp/signer.key" -o "$tmp/signed.crl"
openssl crl -in "$tmp/signed.crl" -CAfile "$tmp/signer.crt" -noout 2>&1 | grep -q "verify OK" || { echo "FAIL: signer crl"; exit 1; }
echo "ok: CRL signed by a separate CRL signer verifies with its certificate"

# Bad inputs
expect_err 64 "ca-key is required" -- "$revoke" crl --db "$ca/index.txt" --ca-cert "$ca/ca.crt"
expect_err 64 "does not match" -- "$revoke" crl --db "$ca/index.txt" --ca-cert "$ca/ca.crt" --ca-key "$tmp/signer.key"
make_ca "$tmp/other" "Other CA"
expect_err 1 "was not signed by" -- "$revoke" crl --db "$ca/index.txt" --ca-cert "$tmp/other/ca.crt" \
    --ca-key "$tmp/other/ca.key" --delta-base "$tmp/full.crl"
echo garbage >"$tmp/garbage.crl"
expect_err 65 "CRL" -- "$revoke" crl --db "$ca/index.txt" --ca-cert "$ca/ca.crt" --ca-key "$ca/ca.key" --delta-base "$tmp/garbage.crl"
expect_err 66 "" -- "$revoke" crl --db "$tmp/nope/index.txt" --ca-cert "$ca/ca.crt" --ca-key "$ca/ca.key"
expect_err 65 "forever" -- "$revoke" crl --db "$ca/index.txt" --ca-cert "$ca/ca.crt" --ca-key "$ca/ca.key" --valid forever
echo "ok: bad inputs"
