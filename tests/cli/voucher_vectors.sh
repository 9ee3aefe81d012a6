#!/usr/bin/env bash
# iot-voucher inspect and verify on the public vectors (CMS, JWS, COSE), with exit codes:
# 0 valid, 1 a failed check (named in the report), 65 not a voucher, 66 missing input.
set -euo pipefail
: "${IOTOPS_BIN:?}" "${IOTOPS_SRC:?}"
V="${IOTOPS_VECTORS:-$IOTOPS_SRC/tests/vectors}/voucher"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
tool="$IOTOPS_BIN/iot-voucher"
fail() { echo "FAIL: $*"; exit 1; }
expect() {  # expect CODE DESCRIPTION -- command...
    local want=$1 what=$2; shift 3
    local rc=0; "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
    [[ $rc -eq $want ]] || { cat "$tmp/out" "$tmp/err"; fail "$what: exit $rc, want $want"; }
    echo "ok: $what (exit $rc)"
}
field() { /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$tmp/out" "$1"; }
failed_checks() { field '",".join(c["check"] for c in d["checks"] if c["result"]=="fail")'; }

for h in voucher pvr rvr voucher-nonsigned; do xxd -r -p "$V/cose/$h.hex" >"$tmp/$h.cose"; done

# inspect
expect 0 "inspect rfc8995 voucher" -- "$tool" inspect "$V/rfc8995/voucher_00-D0-E5-F2-00-02.pkcs"
[[ $(field 'd["format"]+" "+d["kind"]+" "+d["payload"]["ietf-voucher:voucher"]["assertion"]') == "cms voucher logged" ]] ||
    fail "inspect rfc8995 voucher: $(cat "$tmp/out")"
expect 0 "inspect rfc8995 rvr decodes the prior-signed pvr" -- "$tool" inspect "$V/rfc8995/parboiled_vr_00-D0-E5-F2-00-02.pkcs"
[[ $(field 'd["prior-signed-voucher-request-decoded"]["payload"]["ietf-voucher-request:voucher"]["serial-number"]') == 00-D0-E5-F2-00-02 ]] ||
    fail "nested pvr not decoded"
expect 0 "inspect jws rvr" -- "$tool" inspect "$V/jws/rvr.jws.json"
[[ $(field 'd["prior-signed-voucher-request-decoded"]["format"]') == jws ]] || fail "nested jws pvr not decoded"
expect 0 "inspect cose voucher from stdin" -- bash -c "\"$tool\" inspect - <\"$tmp/voucher.cose\""
[[ $(field 'd["payload"]["ietf-voucher:voucher"]["serial-number"]') == JADA123456789 ]] || fail "cose payload"

# verify: the vectors hold
at2021="--at 2021-06-01T00:00:00Z"
expect 0 "rfc8995 voucher verifies in 2021" -- "$tool" verify $at2021 --anchor "$V/rfc8995/vendor.crt" \
    --intermediate "$V/rfc8995/masa.crt" --serial 00-D0-E5-F2-00-02 --nonce -_XE9zK9q8Ll1qylMtLKeg \
    --idevid "$V/rfc8995/idevid_00-D0-E5-F2-00-02.crt" "$V/rfc8995/voucher_00-D0-E5-F2-00-02.pkcs"
[[ $(field 'd["result"]') == valid ]] || fail "report result"
expect 0 "rfc8995 pvr verifies in 2021" -- "$tool" verify $at2021 --anchor "$V/rfc8995/vendor.crt" \
    "$V/rfc8995/vr_00-D0-E5-F2-00-02.pkcs"
expect 0 "rfc8995 rvr verifies in 2021" -- "$tool" verify $at2021 --anchor "$V/rfc8995/ownerca_secp384r1.crt" \
    "$V/rfc8995/parboiled_vr_00-D0-E5-F2-00-02.pkcs"
expect 0 "jws voucher verifies now" -- "$tool" verify --anchor "$V/jws/masa-ca.crt" "$V/jws/voucher.jws.json"
expect 0 "jws pvr verifies now" -- "$tool" verify --anchor "$V/jws/pledge-ca.crt" "$V/jws/pvr.jws.json"
expect 0 "jws rvr verifies with idevid" -- "$tool" verify --anchor "$V/jws/registrar-ca.crt" \
    --idevid "$V/jws/pledge.crt" "$V/jws/rvr.jws.json"
expect 0 "cose voucher verifies with masa_ca" -- "$tool" verify --cert "$V/cose/masa_ca.pem" \
    --anchor "$V/cose/masa_ca.pem" --nonce V+7Xhq1ASQc= "$tmp/voucher.cose"
expect 0 "cose rvr verifies before the registrar cert expired" -- "$tool" verify --at 2025-06-01T00:00:00Z \
    --anchor "$V/cose/domain_ca.pem" "$tmp/rvr.cose"

# verify: each failure is exit 1 and names its check
expect 1 "rfc8995 voucher today: chain expired" -- "$tool" verify --anchor "$V/rfc8995/vendor.crt" \
    --intermediate "$V/rfc8995/masa.crt" "$V/rfc8995/voucher_00-D0-E5-F2-00-02.pkcs"
[[ $(failed_checks) == chain ]] || fail "want chain failed, got $(failed_checks)"
expect 1 "wrong nonce" -- "$tool" verify $at2021 --anchor "$V/rfc8995/vendor.crt" \
    --intermediate "$V/rfc8995/masa.crt" --nonce AAAAAAAAAAAAAAAA "$V/rfc8995/voucher_00-D0-E5-F2-00-02.pkcs"
[[ $(failed_checks) == nonce ]] || fail "want nonce failed, got $(failed_checks)"
expect 1 "wrong serial" -- "$tool" verify --anchor "$V/jws/masa-ca.crt" --serial kit-1 "$V/jws/voucher.jws.json"
[[ $(failed_checks) == serial-number ]] || fail "want serial-number failed, got $(failed_checks)"
expect 1 "wrong anchor" -- "$tool" verify --anchor "$V/jws/registrar-ca.crt" "$V/jws/voucher.jws.json"
[[ $(failed_checks) == chain ]] || fail "want chain failed, got $(failed_checks)"
expect 1 "wrong pinned cert" -- "$tool" verify --anchor "$V/jws/masa-ca.crt" --pinned "$V/jws/masa.crt" "$V/jws/voucher.jws.json"
[[ $(failed_checks) == pinned-domain-cert ]] || fail "want pinned-domain-cert failed, got $(failed_checks)"
expect 1 "cose pvr with the wrong signer cert" -- "$tool" verify --cert "$V/cose/masa_ca.pem" \
    --anchor "$V/cose/masa_ca.pem" "$tmp/pvr.cose"
[[ $(failed_checks) == signature,chain ]] || fail "want signature,chain failed, got $(failed_checks)"
expect 1 "cose rvr after the registrar cert expired" -- "$tool" verify --at 2026-01-01T00:00:00Z \
    --anchor "$V/cose/domain_ca.pem" "$tmp/rvr.cose"
expect 1 "--strict fails the id-data rfc8995 voucher" -- "$tool" verify --strict $at2021 --anchor "$V/rfc8995/vendor.crt" \
    --intermediate "$V/rfc8995/masa.crt" "$V/rfc8995/voucher_00-D0-E5-F2-00-02.pkcs"
[[ $(failed_checks) == content-type,signed-data-version,date-format,binary-encoding ]] || fail "want the legacy forms failed, got $(failed_checks)"
expect 1 "no anchor at all is not trusted" -- "$tool" verify "$V/jws/voucher.jws.json"
expect 1 "an unsigned voucher does not verify" -- "$tool" verify "$tmp/voucher-nonsigned.cose"

# not a voucher: 65; missing: 66
printf '' >"$tmp/empty"
expect 65 "empty input" -- "$tool" inspect "$tmp/empty"
grep -q "empty input" "$tmp/err" || fail "message: $(cat "$tmp/err")"
head -c 200 "$V/rfc8995/voucher_00-D0-E5-F2-00-02.pkcs" >"$tmp/trunc.pkcs"
expect 65 "truncated cms" -- "$tool" verify --anchor "$V/rfc8995/vendor.crt" "$tmp/trunc.pkcs"
echo '{"ietf-voucher:vouchr":{}}' >"$tmp/wrongtop.json"
expect 65 "wrong top-level name" -- "$tool" inspect "$tmp/wrongtop.json"
grep -q "ietf-voucher:vouchr" "$tmp/err" || fail "message: $(cat "$tmp/err")"
echo 'bm90IGEgdm91Y2hlcg==' >"$tmp/b64"
expect 65 "base64 garbage" -- "$tool" inspect "$tmp/b64"
expect 66 "missing file" -- "$tool" inspect "$tmp/nope.pkcs"
expect 64 "verify with a bad --at" -- "$tool" verify --at yesterday "$V/jws/voucher.jws.json"
echo "all voucher vector checks passed"
