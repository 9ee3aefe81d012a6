// COSE_Sign1 (RFC 9052 section 4.2): one signer, signature over the Sig_structure.
#include <string>

#include "crypto/cose_structure.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/cose.hpp"

namespace iotops::crypto::cose {

Sign1 Sign1::parse(ByteView data) {
    detail::Message m = detail::parse_message(data, tag_sign1, "cose_sign1");
    Sign1 s;
    s.tagged_ = m.tagged;
    s.protected_bytes_ = std::move(m.protected_bytes);
    s.protected_ = std::move(m.protected_header);
    s.unprotected_ = std::move(m.unprotected_header);
    s.payload_ = std::move(m.payload);
    s.signature_ = std::move(m.last);
    return s;
}

Sign1 Sign1::sign(const crypto::PrivateKey& key, Algorithm alg, ByteView payload, const Options& options) {
    Signer signer(key, alg);
    return sign(signer, payload, options);
}

Sign1 Sign1::sign(Signer& signer, ByteView payload, const Options& options) {
    Sign1 s;
    detail::prepare_headers(options, signer.algorithm(), s.protected_, s.unprotected_);
    detail::canonicalize(s.unprotected_);
    s.protected_bytes_ = detail::encode_protected(s.protected_);
    if (!options.detached) s.payload_ = Bytes(payload.begin(), payload.end());
    s.signature_ = signer.sign(s.to_be_signed(payload, options.external_aad));
    return s;
}

Bytes Sign1::encode(Form form) const {
    return detail::encode_message(protected_bytes_, unprotected_, payload_, signature_, tag_sign1, form);
}

const cbor::Value* Sign1::header(std::int64_t label) const { return detail::find_header(protected_, unprotected_, label); }

std::optional<std::int64_t> Sign1::algorithm_id() const {
    if (auto a = protected_.alg()) return a;
    return unprotected_.alg();
}

Bytes Sign1::to_be_signed(ByteView payload, ByteView external_aad) const {
    return detail::build_to_be_signed("Signature1", protected_bytes_, external_aad, payload);
}

Verdict Sign1::check(Verifier& verifier, ByteView payload, ByteView external_aad) const {
    std::string reason;
    auto alg = detail::supported_algorithm(protected_, unprotected_, reason);
    if (!alg) return {false, reason};
    if (!is_signature_algorithm(*alg))
        return {false, std::string(algorithm_name(*alg)) + " is not a signature algorithm"};
    if (auto crit = detail::unknown_critical(protected_)) return {false, "critical header " + *crit + " not understood"};
    return verifier.verify(*alg, to_be_signed(payload, external_aad), signature_);
}

Verdict Sign1::verify(Verifier& verifier, ByteView external_aad) const {
    if (!payload_) throw Error(ErrorKind::usage, "cose_sign1: the payload is detached; supply it to verify");
    return check(verifier, *payload_, external_aad);
}

Verdict Sign1::verify(const crypto::PublicKey& key, ByteView external_aad) const {
    Verifier verifier(key);
    return verify(verifier, external_aad);
}

Verdict Sign1::verify_detached(Verifier& verifier, ByteView payload, ByteView external_aad) const {
    if (payload_) throw Error(ErrorKind::usage, "cose_sign1: the message carries its own payload");
    return check(verifier, payload, external_aad);
}

Verdict Sign1::verify_detached(const crypto::PublicKey& key, ByteView payload, ByteView external_aad) const {
    Verifier verifier(key);
    return verify_detached(verifier, payload, external_aad);
}

Verdict Sign1::verify(const crypto::Certificate& signer, ByteView external_aad) const {
    return verify(signer.public_key(), external_aad);
}

Verdict Sign1::verify_detached(const crypto::Certificate& signer, ByteView payload, ByteView external_aad) const {
    return verify_detached(signer.public_key(), payload, external_aad);
}

}  // namespace iotops::crypto::cose
