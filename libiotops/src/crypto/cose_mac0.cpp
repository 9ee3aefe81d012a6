// COSE_Mac0 (RFC 9052 section 6.2) with HMAC 256/256 (RFC 9053 section 3.1).
#include <string>

#include "crypto/cose_hmac.hpp"
#include "crypto/cose_structure.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/cose.hpp"

namespace iotops::crypto::cose {
namespace {

// A shorter secret than the hash output weakens HMAC (RFC 2104 section 3).
constexpr std::size_t min_key_size = 32;

}  // namespace

Mac0 Mac0::parse(ByteView data) {
    detail::Message m = detail::parse_message(data, tag_mac0, "cose_mac0");
    Mac0 s;
    s.tagged_ = m.tagged;
    s.protected_bytes_ = std::move(m.protected_bytes);
    s.protected_ = std::move(m.protected_header);
    s.unprotected_ = std::move(m.unprotected_header);
    s.payload_ = std::move(m.payload);
    s.tag_ = std::move(m.last);
    return s;
}

Mac0 Mac0::create(ByteView key, ByteView payload, const Options& options) {
    if (key.size() < min_key_size)
        throw Error(ErrorKind::usage, "cose_mac0: HMAC 256/256 needs a key of at least 32 bytes, got " +
                                          std::to_string(key.size()));
    Mac0 s;
    detail::prepare_headers(options, Algorithm::hmac256, s.protected_, s.unprotected_);
    detail::canonicalize(s.unprotected_);
    s.protected_bytes_ = detail::encode_protected(s.protected_);
    if (!options.detached) s.payload_ = Bytes(payload.begin(), payload.end());
    s.tag_ = crypto::hmac_sha256(key, s.to_be_maced(payload, options.external_aad));
    return s;
}

Bytes Mac0::encode(Form form) const {
    return detail::encode_message(protected_bytes_, unprotected_, payload_, tag_, tag_mac0, form);
}

const cbor::Value* Mac0::header(std::int64_t label) const { return detail::find_header(protected_, unprotected_, label); }

std::optional<std::int64_t> Mac0::algorithm_id() const {
    if (auto a = protected_.alg()) return a;
    return unprotected_.alg();
}

Bytes Mac0::to_be_maced(ByteView payload, ByteView external_aad) const {
    return detail::build_to_be_signed("MAC0", protected_bytes_, external_aad, payload);
}

Verdict Mac0::check(ByteView key, ByteView payload, ByteView external_aad) const {
    std::string reason;
    auto alg = detail::supported_algorithm(protected_, unprotected_, reason);
    if (!alg) return {false, reason};
    if (*alg != Algorithm::hmac256) return {false, std::string(algorithm_name(*alg)) + " is not a MAC algorithm"};
    if (auto crit = detail::unknown_critical(protected_)) return {false, "critical header " + *crit + " not understood"};
    if (key.size() < min_key_size) return {false, "HMAC 256/256 key is shorter than 32 bytes"};
    if (!crypto::equal_constant_time(crypto::hmac_sha256(key, to_be_maced(payload, external_aad)), tag_))
        return {false, "tag does not match"};
    return {true, {}};
}

Verdict Mac0::verify(ByteView key, ByteView external_aad) const {
    if (!payload_) throw Error(ErrorKind::usage, "cose_mac0: the payload is detached; supply it to verify");
    return check(key, *payload_, external_aad);
}

Verdict Mac0::verify_detached(ByteView key, ByteView payload, ByteView external_aad) const {
    if (payload_) throw Error(ErrorKind::usage, "cose_mac0: the message carries its own payload");
    return check(key, payload, external_aad);
}

}  // namespace iotops::crypto::cose
