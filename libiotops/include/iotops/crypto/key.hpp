// Keys: generation, loading (PEM, DER, PKCS#8, encrypted), raw signatures.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "iotops/core/bytes.hpp"

namespace iotops::crypto {

enum class KeyType { p256, p384, ed25519, other };  // other: e.g. RSA, usable only inside chains and CMS
enum class Hash { sha256, sha384, sha512 };

std::string_view key_type_name(KeyType t);  // "P-256", "P-384", "Ed25519", "other"
KeyType parse_key_type(std::string_view name);  // accepts P-256/p256/prime256v1/secp256r1, P-384/..., Ed25519
Bytes digest(Hash h, ByteView data);
std::size_t digest_size(Hash h);

class PublicKey {
public:
    // SubjectPublicKeyInfo in PEM or DER.
    static PublicKey load(ByteView pem_or_der);
    static PublicKey load_file(const std::string& path);
    // EC points (uncompressed 04||x||y or compressed) or a raw Ed25519 key.
    static PublicKey from_raw(KeyType type, ByteView raw);

    KeyType type() const;
    Bytes spki_der() const;
    std::string spki_pem() const;
    Bytes raw() const;  // uncompressed point for EC, 32 bytes for Ed25519
    // ECDSA signatures are raw r||s of the curve's width; Ed25519 ignores the hash.
    bool verify(ByteView message, ByteView signature, Hash hash = Hash::sha256) const;
    // ECDSA signature in DER (as X.509 and CMS carry it).
    bool verify_der(ByteView message, ByteView der_signature, Hash hash) const;
    bool operator==(const PublicKey& other) const;

    struct Impl;
    explicit PublicKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
    const Impl& impl() const { return *impl_; }

private:
    std::shared_ptr<const Impl> impl_;
};

class PrivateKey {
public:
    static PrivateKey generate(KeyType type);
    // PEM (PKCS#8, encrypted PKCS#8, SEC1 "EC PRIVATE KEY") or DER (PKCS#8 or SEC1).
    // The passphrase is needed only for encrypted keys; a wrong one throws Error(permission).
    static PrivateKey load(ByteView pem_or_der, std::optional<std::string> passphrase = std::nullopt);
    static PrivateKey load_file(const std::string& path, std::optional<std::string> passphrase = std::nullopt);

    KeyType type() const;
    PublicKey public_key() const;
    Bytes pkcs8_der() const;
    // PKCS#8 PEM; encrypted with AES-256-CBC when a passphrase is given.
    std::string pkcs8_pem(std::optional<std::string> passphrase = std::nullopt) const;
    // ECDSA returns raw r||s of the curve's width (COSE and JWS form); Ed25519 ignores the hash.
    Bytes sign(ByteView message, Hash hash = Hash::sha256) const;

    struct Impl;
    explicit PrivateKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
    const Impl& impl() const { return *impl_; }

private:
    std::shared_ptr<const Impl> impl_;
};

// Writes a private key as PKCS#8 PEM with mode 0600, atomically.
void write_private_key_file(const std::string& path, const PrivateKey& key,
                            std::optional<std::string> passphrase = std::nullopt);

}  // namespace iotops::crypto
