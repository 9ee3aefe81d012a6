"""Ed25519 CMS SignedData (RFC 8419) made by libiotops, checked independently with python3-cryptography.

OpenSSL 3.0's CMS layer cannot verify EdDSA, so this test walks the DER itself: the signature must verify
over the signed attributes re-tagged as SET (RFC 5652 5.4), messageDigest must be SHA-512 of the content,
contentType must equal eContentType, and the digest algorithm must be SHA-512 (RFC 8419 3.1).
"""
import datetime
import hashlib
import os
import subprocess
import sys
import tempfile

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.x509.oid import NameOID

DRIVER = os.path.join(os.environ["IOTOPS_BUILD"], "drivers", "driver_cms")
OID_SHA512 = bytes.fromhex("0609608648016503040203")
OID_MESSAGE_DIGEST = bytes.fromhex("06092a864886f70d010904")
OID_CONTENT_TYPE = bytes.fromhex("06092a864886f70d010903")
OID_VOUCHER = bytes.fromhex("060b2a864886f70d0109100128")  # 1.2.840.113549.1.9.16.1.40


def fail(why):
    print("FAIL: " + why)
    sys.exit(1)


class Bad(Exception):
    pass


def tlv(b, i):
    """(tag, content start, content length, end) of the DER item at i."""
    tag, first = b[i], b[i + 1]
    if first & 0x80:
        n = first & 0x7F
        length, start = int.from_bytes(b[i + 2:i + 2 + n], "big"), i + 2 + n
    else:
        length, start = first, i + 2
    return tag, start, length, start + length


def children(b, i):
    _, start, _, end = tlv(b, i)
    out, j = [], start
    while j < end:
        out.append(j)
        j = tlv(b, j)[3]
    return out


def raw(b, i):
    return b[i:tlv(b, i)[3]]


def content_of(b, i):
    _, start, _, end = tlv(b, i)
    return b[start:end]


def make_certs(tmp):
    ca_key, key = ed25519.Ed25519PrivateKey.generate(), ed25519.Ed25519PrivateKey.generate()
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cms ed25519 ca")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, None))
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cms ed25519 signer")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=1))
            .sign(ca_key, None))
    files = {}
    for name, data in {
        "ca.pem": ca.public_bytes(serialization.Encoding.PEM),
        "signer.pem": cert.public_bytes(serialization.Encoding.PEM),
        "signer.key": key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()),
    }.items():
        files[name] = os.path.join(tmp, name)
        with open(files[name], "wb") as f:
            f.write(data)
    return files, key.public_key()


def check_signer(der, content, public_key, econtent_type_oid):
    """Checks the first SignerInfo over the eContent, or over `content` when detached."""
    signed_data = children(der, children(der, 0)[1])[0]
    sd = children(der, signed_data)
    encap = children(der, sd[2])
    if raw(der, encap[0]) != econtent_type_oid:
        raise Bad("eContentType is not the one asked for")
    if len(encap) > 1:
        content = content_of(der, children(der, encap[1])[0])
    signer_infos = sd[-1]
    signer = children(der, children(der, signer_infos)[0])
    if raw(der, signer[2])[2:2 + len(OID_SHA512)] != OID_SHA512:
        raise Bad("digestAlgorithm is not SHA-512 (RFC 8419 3.1)")
    attrs_at = signer[3]
    if der[attrs_at] != 0xA0:
        raise Bad("no signed attributes")
    signed_attrs = bytearray(raw(der, attrs_at))
    signed_attrs[0] = 0x31  # [0] IMPLICIT -> SET OF, as the signature covers it
    found = {}
    for attr in children(der, attrs_at):
        oid_at, values_at = children(der, attr)
        found[raw(der, oid_at)] = children(der, values_at)[0]
    if content_of(der, found[OID_MESSAGE_DIGEST]) != hashlib.sha512(content).digest():
        raise Bad("messageDigest is not SHA-512 of the content")
    if raw(der, found[OID_CONTENT_TYPE]) != econtent_type_oid:
        raise Bad("contentType attribute differs from eContentType")
    signature = content_of(der, signer[5])
    try:
        public_key.verify(signature, bytes(signed_attrs))
    except InvalidSignature:
        raise Bad("Ed25519 signature over the signed attributes does not verify")
    return content


def run(*args):
    return subprocess.run([DRIVER, *args], capture_output=True)


def main():
    content = b'{"ietf-voucher:voucher":{"serial-number":"ED25519-MARKER"}}\r\n'
    with tempfile.TemporaryDirectory() as tmp:
        files, public_key = make_certs(tmp)
        src = os.path.join(tmp, "content.bin")
        with open(src, "wb") as f:
            f.write(content)

        out = os.path.join(tmp, "voucher.der")
        r = run("sign", "--key", files["signer.key"], "--cert", files["signer.pem"],
                "--econtent-type", "1.2.840.113549.1.9.16.1.40", src, out)
        if r.returncode != 0:
            fail("driver sign: " + r.stderr.decode())
        der = open(out, "rb").read()
        try:
            if check_signer(der, b"", public_key, OID_VOUCHER) != content:
                fail("eContent differs from the content signed")
        except Bad as e:
            fail(str(e))
        print("ok: attached Ed25519 cms: signature over signed attributes verifies with python3-cryptography, "
              "messageDigest is SHA-512 of the content, contentType matches")

        tampered = bytearray(der)
        tampered[der.find(b"MARKER")] ^= 1
        bad = os.path.join(tmp, "bad.der")
        open(bad, "wb").write(tampered)
        try:
            check_signer(bytes(tampered), content, public_key, OID_VOUCHER)
            fail("python accepted tampered content")
        except Bad:
            pass
        r = run("verify", "--anchor", files["ca.pem"], bad)
        if r.returncode != 1:
            fail("libiotops did not reject tampered Ed25519 cms: " + r.stderr.decode())
        r = run("verify", "--anchor", files["ca.pem"], out)
        if r.returncode != 0 or r.stdout != content:
            fail("libiotops rejects its own Ed25519 cms: " + r.stderr.decode())
        print("ok: libiotops verifies its Ed25519 cms and rejects a tampered copy")

        det = os.path.join(tmp, "detached.der")
        r = run("sign", "--detached", "--key", files["signer.key"], "--cert", files["signer.pem"], src, det)
        if r.returncode != 0:
            fail("driver sign --detached: " + r.stderr.decode())
        der = open(det, "rb").read()
        if b"MARKER" in der:
            fail("detached cms carries the content")
        try:
            check_signer(der, content, public_key, bytes.fromhex("06092a864886f70d010701"))
        except Bad as e:
            fail(str(e))
        print("ok: detached Ed25519 id-data cms verifies with python3-cryptography")
    print("cms_ed25519: all checks passed")


if __name__ == "__main__":
    main()
