#!/usr/bin/python3
"""Writes and signs SUIT envelopes for the apply tests, independently of iot-suit (cbor2 + cryptography).

Modes follow the manifest draft's templates:
  file        one image fetched from a URI (--uri), checked with image-match, invoked
  integrated  the image travels in the envelope as "#firmware"
  ab          A/B slots: try-each picks slot 0 (--image, --uri) or slot 1 (--image-b, --uri-b)
  swap        the image (--uri) is fetched into component 1, checked, then swapped with component 0
  encrypted   the ciphertext (--uri) is fetched into component 1 and copied with
              suit-parameter-encryption-info (--encryption-info) into component 0
"""
import argparse, hashlib
import cbor2
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

def enc(v):
    return cbor2.dumps(v, canonical=True)

def uuid(s):
    return bytes.fromhex(s.replace("-", ""))

def digest(data):
    return enc([-16, hashlib.sha256(data).digest()])

def seq(*cmds):
    out = []
    for c in cmds:
        out += list(c)
    return enc(out)

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", required=True, choices=["file", "integrated", "ab", "encrypted", "swap"])
    p.add_argument("--key", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seq", type=int, default=1)
    p.add_argument("--vendor", required=True)
    p.add_argument("--class", dest="cls", required=True)
    p.add_argument("--device-id")
    p.add_argument("--image", required=True, help="plaintext image: its digest goes in the manifest")
    p.add_argument("--uri")
    p.add_argument("--image-b")
    p.add_argument("--uri-b")
    p.add_argument("--encryption-info")
    p.add_argument("--no-invoke", action="store_true")
    p.add_argument("--nest", type=int, default=0, help="wrap install in this many run-sequence levels")
    a = p.parse_args()

    image = open(a.image, "rb").read()
    ident = {1: uuid(a.vendor), 2: uuid(a.cls)}
    checks = [(20, ident), (1, 15), (2, 15)]
    if a.device_id:
        checks += [(20, {24: uuid(a.device_id)}), (24, 15)]
    image_params = {3: digest(image), 14: len(image)}
    components = [[b"\x00"]]
    envelope_extra = {}

    if a.mode in ("file", "integrated"):
        shared = seq(*checks, (20, image_params))
        uri = a.uri if a.mode == "file" else "#firmware"
        if a.mode == "integrated":
            envelope_extra["#firmware"] = image
        install = seq((20, {21: uri}), (21, 2), (3, 15))
    elif a.mode == "ab":
        image_b = open(a.image_b, "rb").read()
        pick = lambda slot, params: seq((20, {5: slot}), (5, 15), (20, params))
        shared = seq(*checks, (15, [pick(0, image_params), pick(1, {3: digest(image_b), 14: len(image_b)})]))
        install = seq((15, [pick(0, {21: a.uri}), pick(1, {21: a.uri_b})]), (21, 2), (3, 15))
    elif a.mode == "swap":
        components = [[b"\x00"], [b"\x01"]]
        shared = seq((12, 0), *checks)
        install = seq((12, 1), (20, {21: a.uri, **image_params}), (21, 2), (3, 15),
                      (12, 0), (20, {22: 1}), (31, 2), (20, image_params), (3, 15))
    else:
        info = open(a.encryption_info, "rb").read()
        components = [[b"\x00"], [b"\x01"]]
        shared = seq((12, 0), *checks, (20, image_params))
        install = seq((12, 1), (20, {21: a.uri}), (21, 2),
                      (12, 0), (20, {19: info, 22: 1}), (22, 2), (3, 15))
    for _ in range(a.nest):
        install = seq((32, install))
    validate = seq((12, 0), (20, image_params), (3, 15)) if a.mode in ("encrypted", "swap") else seq((3, 15))
    manifest = {1: 1, 2: a.seq, 3: enc({2: components, 4: shared}), 7: validate, 20: install}
    if not a.no_invoke:
        manifest[9] = seq((12, 0), (23, 2)) if a.mode in ("encrypted", "swap") else seq((23, 2))
    manifest_bstr = enc(enc(manifest))
    suit_digest = enc([-16, hashlib.sha256(manifest_bstr).digest()])

    key = serialization.load_pem_private_key(open(a.key, "rb").read(), None)
    protected = enc({1: -7})
    to_sign = enc(["Signature1", protected, b"", suit_digest])
    r, s = decode_dss_signature(key.sign(to_sign, ec.ECDSA(hashes.SHA256())))
    sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    sign1 = enc(cbor2.CBORTag(18, [protected, {}, None, sig]))
    envelope = {2: enc([suit_digest, sign1]), 3: enc(manifest)}
    envelope.update(envelope_extra)
    # the authentication wrapper goes first (manifest draft), then the manifest, then payloads
    out = b"\xd8\x6b" + bytes([0xa0 + len(envelope)])
    for k in [2, 3] + sorted(envelope_extra):
        out += cbor2.dumps(k) + cbor2.dumps(envelope[k])
    open(a.out, "wb").write(out)

if __name__ == "__main__":
    main()
