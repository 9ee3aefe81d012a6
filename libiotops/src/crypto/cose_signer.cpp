// Signer and Verifier: one key and algorithm checked once, then used for many messages.
// ECDSA keeps an initialised EVP_PKEY_CTX: creating one per message costs about a third of a P-256
// signature in OpenSSL 3.0 (provider lookups). Ed25519 goes through PrivateKey::sign / PublicKey::verify.
#include <string>

#include "crypto/digest.hpp"
#include "crypto/key_detail.hpp"
#include "crypto/native.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/cose.hpp"

namespace iotops::crypto::cose {
namespace {

crypto::Hash hash_of(Algorithm alg) { return alg == Algorithm::es384 ? crypto::Hash::sha384 : crypto::Hash::sha256; }

// r||s for ECDSA, 64 bytes for Ed25519.
std::size_t signature_size(Algorithm alg) { return alg == Algorithm::es384 ? 96 : 64; }

std::string mismatch(Algorithm alg, crypto::KeyType type) {
    return std::string(algorithm_name(alg)) + " needs a " + std::string(crypto::key_type_name(required_key_type(alg))) +
           " key, the key is " + std::string(crypto::key_type_name(type));
}

using crypto::PkeyCtxPtr;

bool is_ecdsa(crypto::KeyType t) { return t == crypto::KeyType::p256 || t == crypto::KeyType::p384; }

crypto::MdCtxPtr new_digest_ctx() {
    crypto::MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx) crypto::throw_openssl(ErrorKind::internal, "cose: digest context");
    return ctx;
}

// The message digest for ECDSA, with the EVP_MD fetched once per process and the context kept by
// the Signer or Verifier (EVP_Digest would allocate and free one per message).
std::size_t hash_message(EVP_MD_CTX* ctx, crypto::Hash hash, ByteView message, unsigned char (&md)[EVP_MAX_MD_SIZE]) {
    unsigned int len = 0;
    if (EVP_DigestInit_ex2(ctx, crypto::evp_md(hash), nullptr) != 1 ||
        EVP_DigestUpdate(ctx, message.data(), message.size()) != 1 || EVP_DigestFinal_ex(ctx, md, &len) != 1)
        crypto::throw_openssl(ErrorKind::internal, "cose: digest");
    return len;
}

}  // namespace

struct Signer::State {
    crypto::PrivateKey key;
    Algorithm alg;
    crypto::Hash hash;
    PkeyCtxPtr ecdsa;  // sign-initialised, for P-256 and P-384
    crypto::MdCtxPtr digest;
};

Signer::Signer(const crypto::PrivateKey& key, Algorithm alg) {
    if (!is_signature_algorithm(alg))
        throw Error(ErrorKind::usage, "cose: " + std::string(algorithm_name(alg)) + " is not a signature algorithm");
    if (key.type() != required_key_type(alg)) throw Error(ErrorKind::usage, "cose: " + mismatch(alg, key.type()));
    state_ = std::make_unique<State>(State{key, alg, hash_of(alg), nullptr, nullptr});
    if (is_ecdsa(key.type())) {
        state_->digest = new_digest_ctx();
        state_->ecdsa.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, crypto::native(key), nullptr));
        if (!state_->ecdsa || EVP_PKEY_sign_init(state_->ecdsa.get()) != 1)
            crypto::throw_openssl(ErrorKind::internal, "cose: ecdsa sign init");
    }
}

Signer::Signer(const crypto::PrivateKey& key) : Signer(key, default_algorithm(key.type())) {}
Signer::~Signer() = default;
Signer::Signer(Signer&&) noexcept = default;
Signer& Signer::operator=(Signer&&) noexcept = default;

Algorithm Signer::algorithm() const { return state_->alg; }
const crypto::PrivateKey& Signer::key() const { return state_->key; }

Bytes Signer::sign(ByteView to_be_signed) {
    if (!state_->ecdsa) return state_->key.sign(to_be_signed, state_->hash);
    unsigned char md[EVP_MAX_MD_SIZE];
    std::size_t md_len = hash_message(state_->digest.get(), state_->hash, to_be_signed, md);
    unsigned char der[160];
    std::size_t der_len = sizeof der;
    if (EVP_PKEY_sign(state_->ecdsa.get(), der, &der_len, md, md_len) != 1)
        crypto::throw_openssl(ErrorKind::internal, "cose: ecdsa sign");
    return crypto::ecdsa_der_to_raw(ByteView(der, der_len), signature_size(state_->alg) / 2);
}

struct Verifier::State {
    crypto::PublicKey key;
    PkeyCtxPtr ecdsa;  // verify-initialised, for P-256 and P-384
    crypto::MdCtxPtr digest;
};

Verifier::Verifier(const crypto::PublicKey& key) : state_(std::make_unique<State>(State{key, nullptr, nullptr})) {
    if (is_ecdsa(key.type())) {
        state_->digest = new_digest_ctx();
        state_->ecdsa.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, crypto::native(key), nullptr));
        if (!state_->ecdsa || EVP_PKEY_verify_init(state_->ecdsa.get()) != 1)
            crypto::throw_openssl(ErrorKind::internal, "cose: ecdsa verify init");
    }
}
Verifier::~Verifier() = default;
Verifier::Verifier(Verifier&&) noexcept = default;
Verifier& Verifier::operator=(Verifier&&) noexcept = default;

const crypto::PublicKey& Verifier::key() const { return state_->key; }

Verdict Verifier::verify(Algorithm alg, ByteView to_be_signed, ByteView signature) {
    if (!is_signature_algorithm(alg))
        return {false, std::string(algorithm_name(alg)) + " is not a signature algorithm"};
    if (state_->key.type() != required_key_type(alg)) return {false, mismatch(alg, state_->key.type())};
    if (signature.size() != signature_size(alg))
        return {false, "signature is " + std::to_string(signature.size()) + " bytes, " +
                           std::string(algorithm_name(alg)) + " needs " + std::to_string(signature_size(alg))};
    bool ok = false;
    if (state_->ecdsa) {
        auto der = crypto::ecdsa_raw_to_der(signature, signature.size() / 2);
        if (der) {
            unsigned char md[EVP_MAX_MD_SIZE];
            std::size_t md_len = hash_message(state_->digest.get(), hash_of(alg), to_be_signed, md);
            ok = EVP_PKEY_verify(state_->ecdsa.get(), der->data(), der->size(), md, md_len) == 1;
            ERR_clear_error();
        }
    } else {
        ok = state_->key.verify(to_be_signed, signature, hash_of(alg));
    }
    if (!ok) return {false, "signature does not match"};
    return {true, {}};
}

}  // namespace iotops::crypto::cose
