"""JWS interop between libiotops (driver_jws) and python3-jwcrypto, both directions.

- libiotops signs general JSON JWS with ES256, ES384 and EdDSA; jwcrypto verifies them with a JWK made
  from the PEM key, and refuses a copy with one payload character changed (so does libiotops).
- x5c written by libiotops is standard base64 of the certificate DER.
- jwcrypto signs a general JSON JWS with three signatures (and a flattened one); libiotops verifies them.
- A registrar countersignature added by libiotops keeps the first signature valid for jwcrypto.
Run with /usr/bin/python3 (the Debian modules live there). Needs IOTOPS_BUILD.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from jwcrypto import jwk, jws
from jwcrypto.common import json_encode

BUILD = os.environ.get("IOTOPS_BUILD")
if not BUILD:
    sys.exit("jws_jwcrypto: IOTOPS_BUILD is not set")
DRIVER = os.path.join(BUILD, "drivers", "driver_jws")
ALGS = [("ES256", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]),
        ("ES384", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]),
        ("EdDSA", ["-algorithm", "ED25519"])]
PAYLOAD = b'{"ietf-voucher:voucher":{"assertion":"logged","serial-number":"kit-987654321"}}'
checks = 0


def ok(cond, what):
    global checks
    if not cond:
        sys.exit("jws_jwcrypto: FAILED: " + what)
    checks += 1
    print("ok:", what)


def run(*args, expect=0):
    p = subprocess.run(list(args), capture_output=True, text=True)
    if p.returncode != expect:
        sys.exit("jws_jwcrypto: FAILED: %s exited %d (wanted %d)\n%s%s" % (
            " ".join(args), p.returncode, expect, p.stdout, p.stderr))
    return p


def make_key(tmp, alg, genpkey_args):
    key = os.path.join(tmp, alg + ".key")
    cert = os.path.join(tmp, alg + ".crt")
    run("openssl", "genpkey", *genpkey_args, "-out", key)
    run("openssl", "req", "-x509", "-new", "-key", key, "-subj", "/CN=jws interop " + alg,
        "-days", "2", "-out", cert)
    return key, cert


def jwcrypto_verifies(text, key_pem):
    token = jws.JWS()
    token.deserialize(text)
    key = jwk.JWK.from_pem(key_pem)
    try:
        token.verify(key)
    except jws.InvalidJWSSignature:
        return None
    return token.payload


def b64url_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def tamper_payload(text):
    doc = json.loads(text)
    p = doc["payload"]
    i = len(p) // 2
    doc["payload"] = p[:i] + ("B" if p[i] != "B" else "C") + p[i + 1:]
    return json.dumps(doc)


def main():
    tmp = tempfile.mkdtemp()
    try:
        payload_file = os.path.join(tmp, "payload.json")
        with open(payload_file, "wb") as f:
            f.write(PAYLOAD)
        keys = {}
        for alg, genpkey_args in ALGS:
            key, cert = make_key(tmp, alg, genpkey_args)
            keys[alg] = (key, cert)
            out = os.path.join(tmp, alg + ".jws.json")
            run(DRIVER, "sign", "--alg", alg, "--key", key, "--cert", cert, "--typ", "voucher-jws+json",
                payload_file, out)
            text = open(out).read()
            key_pem = open(key, "rb").read()
            ok(jwcrypto_verifies(text, key_pem) == PAYLOAD, "jwcrypto verifies libiotops %s" % alg)

            doc = json.loads(text)
            ok("signatures" in doc and len(doc["signatures"]) == 1, "libiotops %s is general JSON" % alg)
            header = json.loads(b64url_decode(doc["signatures"][0]["protected"]))
            ok(header["alg"] == alg and header["typ"] == "voucher-jws+json", "%s protected alg and typ" % alg)
            x5c = header["x5c"][0]
            der = x509.load_pem_x509_certificate(open(cert, "rb").read()).public_bytes(
                serialization.Encoding.DER)
            ok("-" not in x5c and "_" not in x5c and base64.b64decode(x5c, validate=True) == der,
               "%s x5c is standard base64 of the certificate DER" % alg)

            bad = os.path.join(tmp, alg + ".bad.json")
            with open(bad, "w") as f:
                f.write(tamper_payload(text))
            ok(jwcrypto_verifies(open(bad).read(), key_pem) is None, "jwcrypto refuses tampered %s" % alg)
            run(DRIVER, "verify", "--cert", cert, out)
            run(DRIVER, "verify", "--cert", cert, bad, expect=1)
            run(DRIVER, "verify", "--anchor", cert, out)
            ok(True, "libiotops verifies its own %s and refuses the tampered copy" % alg)

        # Reverse: jwcrypto signs one payload three times (general JSON); libiotops checks each signature.
        token = jws.JWS(PAYLOAD)
        for alg, _ in ALGS:
            key = jwk.JWK.from_pem(open(keys[alg][0], "rb").read())
            cert_der = x509.load_pem_x509_certificate(open(keys[alg][1], "rb").read()).public_bytes(
                serialization.Encoding.DER)
            protected = {"alg": alg, "typ": "voucher-jws+json", "x5c": [base64.b64encode(cert_der).decode()]}
            token.add_signature(key, None, json_encode(protected), json_encode({"kid": "kid-" + alg}))
        general = os.path.join(tmp, "jwcrypto.general.json")
        with open(general, "w") as f:
            f.write(token.serialize())
        ok("signatures" in json.loads(open(general).read()), "jwcrypto wrote general JSON")
        certs = [a for alg, _ in ALGS for a in ("--cert", keys[alg][1])]
        p = run(DRIVER, "verify", "--count", "3", *certs, general)
        lines = [json.loads(line) for line in p.stdout.splitlines()]
        ok([r["alg"] for r in lines[:3]] == ["ES256", "ES384", "EdDSA"]
           and all(r["signature"] == "valid" for r in lines[:3]) and lines[3]["form"] == "general",
           "libiotops verifies all three jwcrypto signatures")
        anchors = [a for alg, _ in ALGS for a in ("--anchor", keys[alg][1])]
        run(DRIVER, "verify", *anchors, general)
        ok(True, "libiotops chains each jwcrypto x5c leaf to its anchor")
        # One certificate only: the other two signatures are not trusted.
        run(DRIVER, "verify", "--cert", keys["ES256"][1], general, expect=1)
        ok(True, "libiotops does not trust signatures it has no key for")
        bad = os.path.join(tmp, "jwcrypto.bad.json")
        with open(bad, "w") as f:
            f.write(tamper_payload(open(general).read()))
        run(DRIVER, "verify", *certs, bad, expect=1)
        ok(True, "libiotops refuses the tampered jwcrypto JWS")

        flat_token = jws.JWS(PAYLOAD)
        flat_token.add_signature(jwk.JWK.from_pem(open(keys["ES384"][0], "rb").read()), None,
                                 json_encode({"alg": "ES384"}))
        flat = os.path.join(tmp, "jwcrypto.flat.json")
        with open(flat, "w") as f:
            f.write(flat_token.serialize())
        p = run(DRIVER, "verify", "--cert", keys["ES384"][1], flat)
        ok(json.loads(p.stdout.splitlines()[-1])["form"] == "flattened", "libiotops verifies jwcrypto flattened")
        compact = os.path.join(tmp, "jwcrypto.compact")
        with open(compact, "w") as f:
            f.write(flat_token.serialize(compact=True))
        p = run(DRIVER, "verify", "--cert", keys["ES384"][1], compact)
        ok(json.loads(p.stdout.splitlines()[-1])["form"] == "compact", "libiotops verifies jwcrypto compact")

        # Countersigning (PRM): libiotops adds an EdDSA signature to the ES256 JWS; both still verify.
        both = os.path.join(tmp, "countersigned.json")
        run(DRIVER, "countersign", "--key", keys["EdDSA"][0], os.path.join(tmp, "ES256.jws.json"), both)
        text = open(both).read()
        ok(len(json.loads(text)["signatures"]) == 2, "countersigned JWS has two signatures")
        for alg in ("ES256", "EdDSA"):
            # jwcrypto accepts when any signature verifies, so check each key against its own signature only.
            ok(jwcrypto_verifies(text, open(keys[alg][0], "rb").read()) == PAYLOAD,
               "jwcrypto verifies the countersigned JWS with the %s key" % alg)
        ok(jwcrypto_verifies(text, open(keys["ES384"][0], "rb").read()) is None,
           "jwcrypto refuses the countersigned JWS with an unrelated key")
        run(DRIVER, "verify", "--count", "2", "--cert", keys["ES256"][1], "--cert", keys["EdDSA"][1], both)
        ok(True, "libiotops verifies both signatures of the countersigned JWS")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("jws_jwcrypto: %d checks passed" % checks)


if __name__ == "__main__":
    main()
