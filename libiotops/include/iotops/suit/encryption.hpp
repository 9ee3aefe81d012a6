// Payload encryption for SUIT (draft-ietf-suit-firmware-encryption): SUIT_Encryption_Info is a
// COSE_Encrypt (tag 96) with detached ciphertext and one recipient per key-encryption key.
// Content key distribution: A128KW (-3) or ECDH-ES+A128KW (-29, P-256, COSE_KDF_Context with
// "SUIT Payload Encryption"); content encryption: A128CTR (-65534) or A128GCM (1).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "iotops/core/bytes.hpp"
#include "iotops/crypto/key.hpp"

namespace iotops::suit {

inline constexpr std::uint64_t tag_cose_encrypt = 96;
inline constexpr std::int64_t alg_a128kw = -3;
inline constexpr std::int64_t alg_ecdh_es_a128kw = -29;
inline constexpr std::int64_t alg_a128ctr = -65534;
inline constexpr std::int64_t alg_a128gcm = 1;

struct EncryptRecipient {
    std::optional<Bytes> kek;                   // A128KW: a 16-byte shared key-encryption key
    std::optional<crypto::PublicKey> public_key;  // ECDH-ES+A128KW: the device's P-256 public key
    Bytes kid;                                  // optional key identifier (header 4)
};

struct EncryptedPayload {
    Bytes ciphertext;       // detached; for A128GCM the 16-byte tag is appended
    Bytes encryption_info;  // encoded #6.96(COSE_Encrypt): the content of suit-parameter-encryption-info
};

// Encrypts with a fresh random CEK and IV; one COSE_recipient per entry. Error(usage) for an
// unsupported algorithm or a recipient without a key.
EncryptedPayload encrypt_payload(ByteView plaintext, std::int64_t content_alg, const std::vector<EncryptRecipient>& to);

struct EncryptionRecipientInfo {
    Bytes protected_bstr;  // the recipient's protected header bytes (may be empty)
    std::int64_t alg = 0;
    Bytes kid;
    std::optional<crypto::PublicKey> ephemeral;  // ECDH-ES: header -1
    Bytes encrypted_cek;
};

struct EncryptionInfo {
    Bytes protected_bstr;
    std::int64_t content_alg = 0;
    Bytes iv;
    std::vector<EncryptionRecipientInfo> recipients;

    // Error(malformed) for anything that is not a SUIT_Encryption_Info this implementation can read.
    static EncryptionInfo parse(ByteView encoded);
};

// What a device holds to decrypt: shared KEKs and ECDH private keys.
struct DecryptionKeys {
    std::vector<Bytes> keks;
    std::vector<crypto::PrivateKey> private_keys;
    bool empty() const { return keks.empty() && private_keys.empty(); }
};

// Tries every recipient with every matching key. Error(negative) when no key opens the CEK or the
// GCM tag fails; Error(malformed) for a broken structure.
Bytes decrypt_payload(ByteView encryption_info, ByteView ciphertext, const DecryptionKeys& keys);

std::string algorithm_name(std::int64_t alg);  // "A128KW", "ECDH-ES+A128KW", "A128CTR", "A128GCM" or the number

}  // namespace iotops::suit
