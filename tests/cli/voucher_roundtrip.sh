#!/usr/bin/env bash
# create -> sign -> verify in each format (flags and YAML descriptions); request: PVR -> RVR ->
# verify --kind rvr in each format; one changed byte in the signed payload makes verify exit 1
# naming the failing check.
set -euo pipefail
: "${IOTOPS_BIN:?}" "${IOTOPS_SRC:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
tool="$IOTOPS_BIN/iot-voucher"
cd "$tmp"
fail() { echo "FAIL: $*"; exit 1; }
. "$IOTOPS_SRC/tests/cli/lib/voucher_pki.sh"
checks() {  # checks REPORT STATE -> comma list of checks with that result
    /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print(",".join(c["check"] for c in d["checks"] if c["result"]==sys.argv[2]))' "$1" "$2"
}
# flip one byte inside the signed payload: the serial-number text in CMS/JWS payload bytes, a byte
# of the COSE payload
tamper() {
    /usr/bin/python3 - "$1" "$2" "$3" <<'PY'
import base64, json, sys
src, dst, fmt = sys.argv[1:]
d = bytearray(open(src, "rb").read())
if fmt == "jws":
    j = json.loads(d); p = bytearray(base64.urlsafe_b64decode(j["payload"] + "=="))
    i = p.find(b"SN-0001"); p[i + 6] ^= 1
    j["payload"] = base64.urlsafe_b64encode(bytes(p)).rstrip(b"=").decode()
    d = json.dumps(j).encode()
else:
    i = d.find(b"SN-0001"); d[i + 6] ^= 1
open(dst, "wb").write(d)
PY
}

"$tool" create --serial-number SN-0001 --assertion logged --nonce AAECAwQFBgcI --pinned-domain-cert reg.pem \
    --expires-in 7d --domain-cert-revocation-checks false -o voucher.json
cat >desc.yaml <<YAML
# a voucher description as a person writes it
serial-number: SN-0001
assertion: verified
nonce: AAECAwQFBgcI
pinned-domain-pubk-sha256: $(openssl x509 -in reg.pem -pubkey -noout | openssl pkey -pubin -outform DER | openssl dgst -sha256 -binary | base64)
est-domain: https://registrar.example.com/.well-known/est
additional-configuration-url: https://registrar.example.com/config
last-renewal-date: 2026-01-01T00:00:00Z
YAML
"$tool" create desc.yaml -o voucher-yaml.json
/usr/bin/python3 - <<'PY' || fail "create output"
import json
v = json.load(open("voucher.json"))["ietf-voucher:voucher"]
assert v["serial-number"] == "SN-0001" and v["assertion"] == "logged" and v["domain-cert-revocation-checks"] is False, v
assert v["created-on"].endswith("Z") and len(v["created-on"]) == 20, v["created-on"]
y = json.load(open("voucher-yaml.json"))["ietf-voucher:voucher"]
assert y["assertion"] == "verified" and y["last-renewal-date"] == "2026-01-01T00:00:00Z", y
assert "pinned-domain-pubk-sha256" in y and y["est-domain"].startswith("https://"), y
PY
echo "ok: create from flags and from YAML"

for fmt in cms jws cose; do
    for v in voucher voucher-yaml; do
        "$tool" sign --format "$fmt" --key masa.key --cert masa.pem -o "$v.$fmt" "$v.json"
        extra=(); [[ $fmt == cose ]] && extra=(--cert masa.pem)  # a COSE voucher carries no certificate
        "$tool" verify --anchor ca.pem "${extra[@]}" --kind voucher --nonce AAECAwQFBgcI --serial SN-0001 \
            --strict "$v.$fmt" >report.json || { cat report.json; fail "$fmt: $v does not verify"; }
    done
    tamper "voucher.$fmt" "bad.$fmt" "$fmt"
    rc=0; "$tool" verify --anchor ca.pem "${extra[@]}" "bad.$fmt" >report.json || rc=$?
    [[ $rc -eq 1 ]] || fail "$fmt: tampered payload exit $rc, want 1"
    [[ ,$(checks report.json fail), == *,signature,* ]] || fail "$fmt: tampered payload: failed $(checks report.json fail)"
    echo "ok: $fmt create -> sign -> verify; a changed payload byte fails the signature check"
done

# requests: the pledge signs a PVR with its IDevID, the registrar wraps it in an RVR
for fmt in cms jws cose; do
    "$tool" request --format "$fmt" --key pledge.key --cert pledge.pem --nonce AAECAwQFBgcI \
        --proximity-registrar-cert reg.pem -o "pvr.$fmt"
    "$tool" request --format "$fmt" --key reg.key --cert reg.pem --pvr "pvr.$fmt" -o "rvr.$fmt"
    "$tool" verify --anchor ca.pem --kind pvr "pvr.$fmt" >report.json || { cat report.json; fail "$fmt: pvr"; }
    "$tool" verify --anchor reg.pem --pvr-anchor ca.pem --kind rvr --idevid pledge.pem "rvr.$fmt" >report.json ||
        { cat report.json; fail "$fmt: rvr"; }
    for c in prior-signed-voucher-request rvr-serial-number rvr-idevid-issuer rvr-nonce; do
        [[ ,$(checks report.json pass), == *,$c,* ]] || fail "$fmt: rvr check $c did not pass"
    done
    "$tool" inspect "rvr.$fmt" >inspect.json
    /usr/bin/python3 - "$fmt" <<'PY' || fail "$fmt: rvr content"
import json, sys
d = json.load(open("inspect.json"))
rvr = d["payload"]["ietf-voucher-request:voucher"]
assert rvr["serial-number"] == "SN-0001" and rvr["nonce"] == "AAECAwQFBgcI", rvr
assert rvr["idevid-issuer"].startswith("BBgwFoAU"), rvr["idevid-issuer"]  # the whole AKI extnValue
pvr = d["prior-signed-voucher-request-decoded"]
assert pvr["format"] == sys.argv[1] and "proximity-registrar-cert" in pvr["payload"]["ietf-voucher-request:voucher"], pvr
PY
    echo "ok: $fmt request: PVR -> RVR -> verify --kind rvr"
done

# unsigned request JSON piped to sign gives the same kind of artifact
"$tool" request --serial-number SN-0001 --nonce AAECAwQFBgcI | "$tool" sign --format jws --key pledge.key --cert pledge.pem >pvr2.jws
"$tool" verify --anchor ca.pem --kind pvr pvr2.jws >/dev/null || fail "piped request -> sign"
echo "ok: request | sign"
echo "all voucher round trips passed"
