// Fuzz private and public key loading (PEM/DER, PKCS#8, encrypted, SEC1) and raw EC points.
#include <cstddef>
#include <cstdint>

#include "iotops/core/error.hpp"
#include "iotops/crypto/key.hpp"

using namespace iotops;
using namespace iotops::crypto;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ByteView in(data, size);
    try {
        PrivateKey k = PrivateKey::load(in, std::string("fuzz"));
        (void)k.public_key().spki_der();
    } catch (const Error&) {
    }
    try {
        PublicKey p = PublicKey::load(in);
        if (p.type() != KeyType::other) (void)p.raw();
        (void)p.verify(in, in);
    } catch (const Error&) {
    }
    for (KeyType t : {KeyType::p256, KeyType::p384, KeyType::ed25519}) {
        try {
            (void)PublicKey::from_raw(t, in).spki_der();
        } catch (const Error&) {
        }
    }
    return 0;
}
