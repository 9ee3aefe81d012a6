// Helpers shared by the key, certificate and signature code of the crypto area.
#pragma once
#include <openssl/evp.h>

#include <optional>

#include "iotops/core/bytes.hpp"
#include "iotops/crypto/key.hpp"

namespace iotops::crypto {

KeyType key_type_of(const EVP_PKEY* pkey);
// Bytes of r and of s in a raw ECDSA signature for this key (32 for P-256, 48 for P-384).
std::size_t ecdsa_width(const EVP_PKEY* pkey);

// Raw r||s <-> DER ECDSA-Sig-Value. raw_to_der returns nullopt for a wrong length.
std::optional<Bytes> ecdsa_raw_to_der(ByteView raw, std::size_t width);
// Throws Error(internal) when OpenSSL produced something that does not fit the width.
Bytes ecdsa_der_to_raw(ByteView der, std::size_t width);
// ECDSA (P-256 / P-384) over the hash of message, as a DER ECDSA-Sig-Value; reuses the key's contexts.
Bytes ecdsa_sign_der(const PrivateKey& key, ByteView message, Hash hash);

}  // namespace iotops::crypto
