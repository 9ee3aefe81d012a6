// Signer and Verifier: one key and algorithm checked once, then used for many messages.
#include <string>

#include "iotops/core/error.hpp"
#include "iotops/crypto/cose.hpp"

namespace iotops::cose {
namespace {

crypto::Hash hash_of(Algorithm alg) { return alg == Algorithm::es384 ? crypto::Hash::sha384 : crypto::Hash::sha256; }

// r||s for ECDSA, 64 bytes for Ed25519.
std::size_t signature_size(Algorithm alg) { return alg == Algorithm::es384 ? 96 : 64; }

std::string mismatch(Algorithm alg, crypto::KeyType type) {
    return std::string(algorithm_name(alg)) + " needs a " + std::string(crypto::key_type_name(required_key_type(alg))) +
           " key, the key is " + std::string(crypto::key_type_name(type));
}

}  // namespace

struct Signer::State {
    crypto::PrivateKey key;
    Algorithm alg;
    crypto::Hash hash;
};

Signer::Signer(const crypto::PrivateKey& key, Algorithm alg) {
    if (!is_signature_algorithm(alg))
        throw Error(ErrorKind::usage, "cose: " + std::string(algorithm_name(alg)) + " is not a signature algorithm");
    if (key.type() != required_key_type(alg)) throw Error(ErrorKind::usage, "cose: " + mismatch(alg, key.type()));
    state_ = std::make_unique<State>(State{key, alg, hash_of(alg)});
}

Signer::Signer(const crypto::PrivateKey& key) : Signer(key, default_algorithm(key.type())) {}
Signer::~Signer() = default;
Signer::Signer(Signer&&) noexcept = default;
Signer& Signer::operator=(Signer&&) noexcept = default;

Algorithm Signer::algorithm() const { return state_->alg; }
const crypto::PrivateKey& Signer::key() const { return state_->key; }

Bytes Signer::sign(ByteView to_be_signed) { return state_->key.sign(to_be_signed, state_->hash); }

struct Verifier::State {
    crypto::PublicKey key;
};

Verifier::Verifier(const crypto::PublicKey& key) : state_(std::make_unique<State>(State{key})) {}
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
    if (!state_->key.verify(to_be_signed, signature, hash_of(alg))) return {false, "signature does not match"};
    return {true, {}};
}

}  // namespace iotops::cose
