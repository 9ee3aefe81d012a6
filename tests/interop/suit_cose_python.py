"""SUIT envelopes made by iot-suit, checked independently with python3-cbor2 and python3-cryptography.

For each signature kind (ES256 with the spec's key, EdDSA, HMAC 256/256) the script re-derives the
manifest digest over the whole manifest bstr (header included), builds the COSE Sig_structure /
MAC_structure with the encoded SUIT_Digest as detached payload, and checks the block. A tampered
manifest and a tampered signature must fail. The other direction too: an envelope signed here with
cryptography verifies with iot-suit.
"""
import hashlib
import hmac
import os
import subprocess
import sys
import tempfile

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

SUIT = os.path.join(os.environ["IOTOPS_BIN"], "iot-suit")
VECTORS = os.environ["IOTOPS_VECTORS"]
SPEC = os.path.join(VECTORS, "suit", "manifest-spec")


def fail(why):
    print("FAIL: " + why)
    sys.exit(1)


def run(*args):
    p = subprocess.run([SUIT, *args], capture_output=True)
    if p.returncode != 0:
        fail(f"iot-suit {' '.join(args)}: exit {p.returncode}: {p.stderr.decode()}")
    return p.stdout


def item_bytes(envelope, key):
    """The encoded bstr item at an envelope key, header included, found by re-encoding (cbor2 keeps no spans)."""
    return cbor2.dumps(envelope[key])


def check(envelope_bytes, pub_keys, mac_key):
    """Raises on any failure; returns the number of blocks checked."""
    tag = cbor2.loads(envelope_bytes)
    if not isinstance(tag, cbor2.CBORTag) or tag.tag != 107:
        raise ValueError("not a tagged SUIT envelope")
    env = tag.value
    auth = cbor2.loads(env[2])
    digest_item = auth[0]
    alg, digest = cbor2.loads(digest_item)
    if alg != -16:
        raise ValueError("digest algorithm")
    manifest_item = item_bytes(env, 3)
    if hashlib.sha256(manifest_item).digest() != digest:
        raise ValueError("manifest digest does not cover the manifest bstr")
    checked = 0
    for block in auth[1:]:
        cose = cbor2.loads(block)
        protected, unprotected, payload, sig = cose.value
        if payload is not None:
            raise ValueError("payload not detached")
        alg_id = cbor2.loads(protected)[1]
        if cose.tag == 18:
            tbs = cbor2.dumps(["Signature1", protected, b"", digest_item])
            ok = False
            for key in pub_keys:
                try:
                    if alg_id in (-7, -9) and isinstance(key, ec.EllipticCurvePublicKey):
                        r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
                        key.verify(encode_dss_signature(r, s), tbs, ec.ECDSA(hashes.SHA256()))
                        ok = True
                    elif alg_id in (-8, -19) and isinstance(key, ed25519.Ed25519PublicKey):
                        key.verify(sig, tbs)
                        ok = True
                except InvalidSignature:
                    pass
            if not ok:
                raise ValueError(f"COSE_Sign1 alg {alg_id} does not verify")
        elif cose.tag == 17:
            if alg_id != 5:
                raise ValueError("MAC alg")
            tbm = cbor2.dumps(["MAC0", protected, b"", digest_item])
            if not hmac.compare_digest(hmac.new(mac_key, tbm, hashlib.sha256).digest(), sig):
                raise ValueError("COSE_Mac0 does not verify")
        else:
            raise ValueError(f"tag {cose.tag}")
        checked += 1
    return checked


def must_fail(envelope_bytes, pub_keys, mac_key, what):
    try:
        check(envelope_bytes, pub_keys, mac_key)
    except (ValueError, InvalidSignature, KeyError):
        return
    fail(what + " was accepted")


with tempfile.TemporaryDirectory() as tmp:
    ed = ed25519.Ed25519PrivateKey.generate()
    ed_path = os.path.join(tmp, "ed.pem")
    with open(ed_path, "wb") as f:
        f.write(ed.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    mac_key = os.urandom(32)
    mac_path = os.path.join(tmp, "mac.key")
    with open(mac_path, "wb") as f:
        f.write(mac_key)
    with open(os.path.join(SPEC, "public_key.pem"), "rb") as f:
        spec_pub = serialization.load_pem_public_key(f.read())
    keys = [spec_pub, ed.public_key()]

    for n in range(6):
        desc = os.path.join(VECTORS, "suit", "create", f"example{n}.yaml")
        out = os.path.join(tmp, f"e{n}.suit")
        run("create", desc, "--key", os.path.join(SPEC, "private_key.pem"), "--key", ed_path, "--mac-key", mac_path, "-o", out)
        data = open(out, "rb").read()
        try:
            if check(data, keys, mac_key) != 3:
                fail(f"example {n}: expected three blocks")
        except (ValueError, InvalidSignature) as e:
            fail(f"example {n}: {e}")
        # the manifest digest is the published one
        published = cbor2.loads(open(os.path.join(SPEC, f"example{n}.suit"), "rb").read()).value
        if cbor2.loads(cbor2.loads(published[2])[0]) != cbor2.loads(cbor2.loads(cbor2.loads(data).value[2])[0]):
            fail(f"example {n}: manifest digest differs from the published one")
    print("ok: iot-suit envelopes (ES256, EdDSA, HMAC) verify with cbor2 + cryptography; digests are the published ones")

    # ESP256 (RFC 9864, -9) with a kid and the signer's certificate in x5chain
    out = os.path.join(tmp, "esp.suit")
    cert = os.path.join(tmp, "spec.crt")
    subprocess.run(["openssl", "req", "-new", "-x509", "-key", os.path.join(SPEC, "private_key.pem"), "-subj", "/CN=suit",
                    "-days", "1", "-out", cert], check=True, capture_output=True)
    run("create", os.path.join(VECTORS, "suit", "create", "example4.yaml"), "--key", os.path.join(SPEC, "private_key.pem"),
        "--alg", "ESP256", "--kid", "spec-key", "--cert", cert, "-o", out)
    data = open(out, "rb").read()
    if check(data, keys, mac_key) != 1:
        fail("ESP256: expected one block")
    block = cbor2.loads(cbor2.loads(cbor2.loads(data).value[2])[1])
    protected = cbor2.loads(block.value[0])
    if protected.get(1) != -9 or protected.get(4) != b"spec-key" or 33 not in protected:
        fail(f"ESP256 protected header: {protected}")
    print("ok: ESP256 with kid and x5chain verifies")

    data = bytearray(open(os.path.join(tmp, "e1.suit"), "rb").read())
    i = data.find(b"http://example.com/file.bin")
    t = bytearray(data)
    t[i] ^= 0x20
    must_fail(bytes(t), keys, mac_key, "a tampered manifest")
    env = cbor2.loads(bytes(data)).value
    auth = cbor2.loads(env[2])
    for idx in (1, 2, 3):
        blocks = list(auth)
        cose = cbor2.loads(blocks[idx])
        p, u, pl, sig = cose.value
        sig = bytes([sig[0] ^ 1]) + sig[1:]
        blocks[idx] = cbor2.dumps(cbor2.CBORTag(cose.tag, [p, u, pl, sig]))
        env2 = dict(env)
        env2[2] = cbor2.dumps(blocks)
        must_fail(cbor2.dumps(cbor2.CBORTag(107, env2)), keys, mac_key, f"a tampered block {idx}")
    # the digest of the bare manifest content (not the bstr) must not pass either
    bare = dict(env)
    bare[2] = cbor2.dumps([cbor2.dumps([-16, hashlib.sha256(env[3]).digest()])] + list(auth[1:]))
    must_fail(cbor2.dumps(cbor2.CBORTag(107, bare)), keys, mac_key, "a digest of the bare manifest")
    print("ok: tampered manifest, tampered signatures and a bare-content digest fail")

    # the other direction: sign here, verify with iot-suit
    unsigned = run("create", os.path.join(VECTORS, "suit", "create", "example5.yaml"))
    env = cbor2.loads(unsigned).value
    digest_item = cbor2.loads(env[2])[0]
    protected = cbor2.dumps({1: -8})
    sig = ed.sign(cbor2.dumps(["Signature1", protected, b"", digest_item]))
    env[2] = cbor2.dumps([digest_item, cbor2.dumps(cbor2.CBORTag(18, [protected, {}, None, sig]))])
    py_signed = os.path.join(tmp, "py.suit")
    with open(py_signed, "wb") as f:
        f.write(cbor2.dumps(cbor2.CBORTag(107, env)))
    pub_path = os.path.join(tmp, "ed.pub")
    with open(pub_path, "wb") as f:
        f.write(ed.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    run("verify", "--key", pub_path, py_signed)
    print("ok: an envelope signed with cryptography verifies with iot-suit")
