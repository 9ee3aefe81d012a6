#!/usr/bin/env bash
# iot-suit encrypt against python3-cryptography: python decrypts what iot-suit encrypts, for
# A128KW and ECDH-ES+A128KW (COSE_KDF_Context of draft-ietf-suit-firmware-encryption) with
# A128CTR and A128GCM; and iot-suit (via apply) reads a SUIT_Encryption_Info python wrote.
set -euo pipefail
: "${IOTOPS_BIN:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
suit="$IOTOPS_BIN/iot-suit"
head -c 4099 /dev/urandom >fw.bin
head -c 16 /dev/urandom >kek.bin
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out dev.pem
openssl pkey -in dev.pem -pubout -out dev-pub.pem 2>/dev/null
cat >decrypt.py <<'PY'
import sys, cbor2
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap
info, ct, kek, dev, plain = sys.argv[1:6]
tag = cbor2.loads(open(info, "rb").read())
assert tag.tag == 96, "not a COSE_Encrypt"
prot_b, unprot, payload, recipients = tag.value
assert payload is None, "ciphertext not detached"
prot = cbor2.loads(prot_b) if prot_b else {}
alg = prot.get(1, unprot.get(1)); iv = unprot[5]
rp, ru, wrapped = recipients[0]
ralg = (cbor2.loads(rp) if rp else {}).get(1, ru.get(1))
if ralg == -3:
    assert rp == b"", "A128KW recipient protected header must be empty"
    cek = aes_key_unwrap(open(kek, "rb").read(), wrapped)
else:
    assert ralg == -29 and cbor2.loads(rp) == {1: -29}
    epk = ru[-1]; assert epk[1] == 2 and epk[-1] == 1
    priv = serialization.load_pem_private_key(open(dev, "rb").read(), None)
    pub = ec.EllipticCurvePublicNumbers(int.from_bytes(epk[-2], "big"), int.from_bytes(epk[-3], "big"), ec.SECP256R1()).public_key()
    ctx = cbor2.dumps([-3, [None, None, None], [None, None, None], [128, rp, b"SUIT Payload Encryption"]])
    cek = aes_key_unwrap(HKDF(hashes.SHA256(), 16, None, ctx).derive(priv.exchange(ec.ECDH(), pub)), wrapped)
c = open(ct, "rb").read()
if alg == 1:
    out = AESGCM(cek).decrypt(iv, c, cbor2.dumps(["Encrypt", prot_b, b""]))
else:
    assert alg == -65534 and prot_b == b"", "A128CTR needs an empty protected header"
    out = Cipher(algorithms.AES(cek), modes.CTR(iv)).decryptor().update(c)
assert out == open(plain, "rb").read(), "plaintext differs"
PY
for alg in A128GCM A128CTR; do
    "$suit" encrypt --kek kek.bin --kid kid-1 --alg $alg --encryption-info kw.info -o kw.ct fw.bin
    /usr/bin/python3 decrypt.py kw.info kw.ct kek.bin dev.pem fw.bin
    "$suit" encrypt --recipient dev-pub.pem --alg $alg --encryption-info es.info -o es.ct fw.bin
    /usr/bin/python3 decrypt.py es.info es.ct kek.bin dev.pem fw.bin
    echo "ok: python decrypts $alg with A128KW and ECDH-ES+A128KW"
done
# Both outputs or none: a failing second output leaves no first one behind
set +e; "$suit" encrypt --kek kek.bin --encryption-info /nonexistent/dir/x.info -o partial.ct fw.bin 2>err; rc=$?; set -e
[[ $rc -ne 0 && ! -e partial.ct ]] || { echo "FAIL: partial output left (rc $rc)"; exit 1; }
echo "ok: no partial output"
