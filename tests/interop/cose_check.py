#!/usr/bin/python3
"""Independent COSE checker for the interop tests: cbor2 + cryptography only, no libiotops.

  cose_check.py verify PUB.pem FILE [--payload P]   exit 0 valid, 1 invalid
  cose_check.py sign-es256 KEY.pem PAYLOAD OUT       writes a tagged COSE_Sign1
  cose_check.py mac-verify KEYHEX FILE               exit 0 valid, 1 invalid
  cose_check.py tamper FILE OUT payload|signature|protected

With no arguments (as CTest runs it) it checks itself against the published cBRSKI and SUIT vectors,
so that a checker that accepts everything cannot pass unnoticed.
"""
import hashlib
import hmac
import sys

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, utils

# COSE alg id -> (curve, hash) for ECDSA; None for EdDSA.
ECDSA = {-7: (ec.SECP256R1, hashes.SHA256), -9: (ec.SECP256R1, hashes.SHA256), -35: (ec.SECP384R1, hashes.SHA384)}
EDDSA = {-8, -19}


def load_message(path, tag):
    item = cbor2.loads(open(path, "rb").read())
    if isinstance(item, cbor2.CBORTag):
        if item.tag != tag:
            raise SystemExit(f"expected tag {tag}, got {item.tag}")
        item = item.value
    if not isinstance(item, list) or len(item) != 4:
        raise SystemExit("not a 4-element COSE message")
    return item


def load_public(path):
    data = open(path, "rb").read()
    if b"CERTIFICATE" in data:
        from cryptography import x509
        return x509.load_pem_x509_certificate(data).public_key()
    return serialization.load_pem_public_key(data)


def verify(pub_path, path, payload_path=None):
    protected, unprotected, payload, signature = load_message(path, 18)
    if payload is None:
        payload = open(payload_path, "rb").read()
    headers = cbor2.loads(protected) if protected else {}
    alg = headers.get(1)
    # Sig_structure built here from the protected bstr exactly as received.
    tbs = cbor2.dumps(["Signature1", protected, b"", payload])
    key = load_public(pub_path)
    try:
        if alg in ECDSA:
            curve, digest = ECDSA[alg]
            if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, curve):
                print(f"invalid: alg {alg} does not fit the key")
                return 1
            n = (key.curve.key_size + 7) // 8
            if len(signature) != 2 * n:
                print("invalid: signature length")
                return 1
            r = int.from_bytes(signature[:n], "big")
            s = int.from_bytes(signature[n:], "big")
            key.verify(utils.encode_dss_signature(r, s), tbs, ec.ECDSA(digest()))
        elif alg in EDDSA:
            if not isinstance(key, ed25519.Ed25519PublicKey):
                print(f"invalid: alg {alg} does not fit the key")
                return 1
            key.verify(signature, tbs)
        else:
            print(f"invalid: unsupported alg {alg}")
            return 1
    except InvalidSignature:
        print("invalid: signature does not match")
        return 1
    print(f"valid (alg {alg})")
    return 0


def sign_es256(key_path, payload_path, out_path):
    key = serialization.load_pem_private_key(open(key_path, "rb").read(), password=None)
    payload = open(payload_path, "rb").read()
    protected = cbor2.dumps({1: -7, 4: b"python"})
    tbs = cbor2.dumps(["Signature1", protected, b"", payload])
    r, s = utils.decode_dss_signature(key.sign(tbs, ec.ECDSA(hashes.SHA256())))
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    msg = cbor2.CBORTag(18, [protected, {}, payload, signature])
    open(out_path, "wb").write(cbor2.dumps(msg))
    return 0


def mac_verify(key_hex, path):
    protected, unprotected, payload, tag = load_message(path, 17)
    headers = cbor2.loads(protected) if protected else {}
    if headers.get(1) != 5:
        print("invalid: alg is not HMAC 256/256")
        return 1
    mac_structure = cbor2.dumps(["MAC0", protected, b"", payload])
    expected = hmac.new(bytes.fromhex(key_hex), mac_structure, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, tag):
        print("invalid: tag does not match")
        return 1
    print("valid")
    return 0


def tamper(path, out_path, part):
    item = cbor2.loads(open(path, "rb").read())
    tagged = isinstance(item, cbor2.CBORTag)
    body = list(item.value if tagged else item)
    index = {"protected": 0, "payload": 2, "signature": 3}[part]
    data = bytearray(body[index])
    if part == "protected":
        # Keep it a valid map but claim another header: add a kid.
        headers = cbor2.loads(bytes(data))
        headers[4] = b"tampered"
        data = bytearray(cbor2.dumps(headers))
    else:
        data[len(data) // 2] ^= 0x01
    body[index] = bytes(data)
    out = cbor2.CBORTag(item.tag, body) if tagged else body
    open(out_path, "wb").write(cbor2.dumps(out))
    return 0


def self_test():
    import os
    import tempfile
    vectors = os.environ.get("IOTOPS_VECTORS") or os.path.join(os.path.dirname(__file__), "..", "vectors")
    cose_dir = os.path.join(vectors, "voucher", "cose")
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, signer, wrong in [("pvr", "pledge", "registrar"), ("rvr", "registrar", "pledge"),
                                    ("voucher", "masa_ca", "pledge")]:
            binary = os.path.join(tmp, name + ".cose")
            open(binary, "wb").write(bytes.fromhex("".join(open(os.path.join(cose_dir, name + ".hex")).read().split())))
            cases = [(binary, signer, 0), (binary, wrong, 1)]
            for part in ("payload", "signature", "protected"):
                bad = os.path.join(tmp, f"{name}-{part}.cose")
                tamper(binary, bad, part)
                cases.append((bad, signer, 1))
            for path, cert, want in cases:
                got = verify(os.path.join(cose_dir, cert + ".pem"), path)
                ok = got == want
                failures += not ok
                print(f"{'ok  ' if ok else 'FAIL'} {os.path.basename(path)} with {cert}.pem -> {got} (want {want})")
        # SUIT: detached payload = the encoded SUIT_Digest.
        suit_dir = os.path.join(vectors, "suit", "manifest-spec")
        for n in range(6):
            env = cbor2.loads(open(os.path.join(suit_dir, f"example{n}.suit"), "rb").read())
            auth = cbor2.loads(env.value[2])
            payload = os.path.join(tmp, "digest")
            open(payload, "wb").write(auth[0])
            block = os.path.join(tmp, "block")
            open(block, "wb").write(auth[1])
            got = verify(os.path.join(suit_dir, "public_key.pem"), block, payload)
            failures += got != 0
            print(f"{'ok  ' if got == 0 else 'FAIL'} suit example{n} -> {got} (want 0)")
    return 1 if failures else 0


def main(argv):
    if not argv:
        return self_test()
    if len(argv) >= 3 and argv[0] == "verify":
        payload = argv[argv.index("--payload") + 1] if "--payload" in argv else None
        return verify(argv[1], argv[2], payload)
    if len(argv) == 4 and argv[0] == "sign-es256":
        return sign_es256(argv[1], argv[2], argv[3])
    if len(argv) == 3 and argv[0] == "mac-verify":
        return mac_verify(argv[1], argv[2])
    if len(argv) == 4 and argv[0] == "tamper":
        return tamper(argv[1], argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
