// Fuzz target: SUIT_Encryption_Info (COSE_Encrypt, tag 96) parsing and decryption with the draft's
// example keys must never crash; the only exception allowed out of the library is iotops::Error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "iotops/core/error.hpp"
#include "iotops/suit/encryption.hpp"

using namespace iotops;

namespace {

// The firmware-encryption draft's receiver key (kid-2) and KEK (kid-1): the seeds are its examples.
constexpr std::string_view receiver_key =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgYP5t1thdV0ClNJtv\n"
    "kSZ+6sW6gbjLU+4knktOsQLEdrOhRANCAARYhs1h3YdYYuWqqCDnoVJ0yWipvJYE\n"
    "jdys4y9Qw2Ubo57tgSXpMs1gwOrTZQ0KSFz3JtN40bAW7UKYspYeJY8b\n"
    "-----END PRIVATE KEY-----\n";

const suit::DecryptionKeys& keys() {
    static const suit::DecryptionKeys k = [] {
        suit::DecryptionKeys d;
        d.keks.push_back(Bytes(16, 'a'));
        d.private_keys.push_back(crypto::PrivateKey::load(as_bytes(receiver_key)));
        return d;
    }();
    return k;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ByteView input(data, size);
    static const Bytes ciphertext(46, 0x2f);
    try {
        (void)suit::EncryptionInfo::parse(input);
        (void)suit::decrypt_payload(input, ciphertext, keys());
    } catch (const Error&) {
    }
    return 0;
}
