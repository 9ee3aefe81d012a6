// Verifying a SUIT envelope: the manifest digest, every authentication block and every severed member.
// Each check is a named result; only a structure that cannot be read at all throws Error(malformed).
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "iotops/core/check.hpp"
#include "iotops/core/bytes.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/cose.hpp"
#include "iotops/crypto/key.hpp"
#include "iotops/suit/envelope.hpp"

namespace iotops::suit {

struct TrustAnchors {
    std::vector<crypto::PublicKey> keys;            // for COSE_Sign1 blocks
    std::vector<crypto::Certificate> certificates;  // their public keys are used (no chain building here)
    std::vector<Bytes> mac_keys;                    // shared secrets for COSE_Mac0 (HMAC 256/256)
    bool empty() const { return keys.empty() && certificates.empty() && mac_keys.empty(); }
};

struct VerifyReport {
    std::vector<Check> checks;
    bool ok() const { return all_ok(checks); }  // every check holds
    // {"result": "valid"|"invalid", "checks": [{"check","result","message"}...]}, as every tool reports
    nlohmann::json to_json() const;
};

// Digest of data with a SUIT_Digest algorithm; nullopt for algorithms iotops does not implement.
std::optional<Bytes> compute_digest(std::int64_t algorithm, ByteView data);

// Checks, in order:
//  manifest-digest          the authentication wrapper's digest over the whole manifest bstr
//  authentication           there is at least one authentication block
//  authentication-block[i]  COSE_Sign1 (tag 18) or COSE_Mac0 (tag 17), detached, over the encoded
//                           SUIT_Digest, verified by one of the trust anchors
//  severed-member:<name>    each severed member carried in the envelope against its digest in the manifest
// A COSE block that does not parse is a failed check (it is the signature that is broken), not an exception.
VerifyReport verify(const Envelope& envelope, const TrustAnchors& anchors);

// The anchors' public keys with their OpenSSL verify contexts set up once (keys, then the
// certificates' keys). Not thread-safe: one per thread when verifying a stream.
struct PreparedKeys {
    explicit PreparedKeys(const TrustAnchors& anchors);
    std::vector<crypto::cose::Verifier> verifiers;
};
// The same checks with prepared keys (made from the same anchors).
VerifyReport verify(const Envelope& envelope, const TrustAnchors& anchors, PreparedKeys& prepared);

}  // namespace iotops::suit
