#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>

#include <openssl/core_names.h>

#include "crypto/key_detail.hpp"
#include "crypto/native.hpp"

namespace iotops::crypto {

std::string_view key_type_name(KeyType t) {
    switch (t) {
        case KeyType::p256: return "P-256";
        case KeyType::p384: return "P-384";
        case KeyType::ed25519: return "Ed25519";
        case KeyType::other: return "other";
    }
    return "other";
}

KeyType parse_key_type(std::string_view name) {
    std::string n(name);
    std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
    if (n == "p-256" || n == "p256" || n == "prime256v1" || n == "secp256r1" || n == "es256") return KeyType::p256;
    if (n == "p-384" || n == "p384" || n == "secp384r1" || n == "es384") return KeyType::p384;
    if (n == "ed25519") return KeyType::ed25519;
    throw Error(ErrorKind::usage, "unknown key type '" + std::string(name) + "'",
                "use P-256, P-384 or Ed25519");
}

KeyType key_type_of(const EVP_PKEY* pkey) {
    switch (EVP_PKEY_get_base_id(pkey)) {
        case EVP_PKEY_ED25519: return KeyType::ed25519;
        case EVP_PKEY_EC: {
            char group[64] = {};
            size_t len = 0;
            if (EVP_PKEY_get_group_name(pkey, group, sizeof group, &len) != 1) return KeyType::other;
            if (std::strcmp(group, "prime256v1") == 0 || std::strcmp(group, "P-256") == 0) return KeyType::p256;
            if (std::strcmp(group, "secp384r1") == 0 || std::strcmp(group, "P-384") == 0) return KeyType::p384;
            return KeyType::other;
        }
        default: return KeyType::other;
    }
}

std::size_t ecdsa_width(const EVP_PKEY* pkey) {
    return static_cast<std::size_t>((EVP_PKEY_get_bits(pkey) + 7) / 8);
}

}  // namespace iotops::crypto
