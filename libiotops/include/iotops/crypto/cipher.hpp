// Symmetric ciphers and key agreement for payload encryption (COSE, RFC 9052/9053/9459):
// AES key wrap (RFC 3394), AES-CTR, AES-GCM, ECDH and HKDF-SHA-256.
#pragma once
#include "iotops/core/bytes.hpp"
#include "iotops/crypto/key.hpp"

namespace iotops::crypto {

// Cryptographically strong random bytes.
Bytes random_bytes(std::size_t n);

// AES key wrap with the default IV (RFC 3394); the KEK is 16, 24 or 32 bytes, the key a multiple of 8.
Bytes aes_key_wrap(ByteView kek, ByteView key);
// Error(negative) when the integrity check fails (wrong KEK or damaged data).
Bytes aes_key_unwrap(ByteView kek, ByteView wrapped);

// AES-CTR with a 16-byte initial counter block; the same call encrypts and decrypts.
Bytes aes_ctr(ByteView key, ByteView iv, ByteView data);

// AES-GCM with a 128-bit tag appended to the ciphertext.
Bytes aes_gcm_encrypt(ByteView key, ByteView iv, ByteView aad, ByteView plaintext);
// Error(negative) when the tag does not verify.
Bytes aes_gcm_decrypt(ByteView key, ByteView iv, ByteView aad, ByteView ciphertext_and_tag);

// Raw ECDH shared secret (the x coordinate) between a private and a public key on the same curve.
Bytes ecdh(const PrivateKey& own, const PublicKey& peer);

// HKDF with SHA-256 (RFC 5869), empty salt allowed.
Bytes hkdf_sha256(ByteView secret, ByteView salt, ByteView info, std::size_t length);

}  // namespace iotops::crypto
