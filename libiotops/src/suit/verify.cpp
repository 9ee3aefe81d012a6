// SUIT verification (draft-ietf-suit-manifest, "Authenticated Manifests" and severable members).
#include "iotops/suit/verify.hpp"

#include "iotops/codec/cbor.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/cose.hpp"
#include "iotops/suit/names.hpp"

namespace iotops::suit {
namespace {

std::string digest_name(std::int64_t alg) {
    auto n = name_of(Space::digest_algorithm, alg);
    return n ? std::string(*n) : "algorithm " + std::to_string(alg);
}

Check check_digest(const std::string& name, const Digest& expected, ByteView data, const std::string& what) {
    Check c{name, false, {}};
    auto actual = compute_digest(expected.algorithm, data);
    if (!actual) {
        c.message = "unsupported digest " + digest_name(expected.algorithm);
    } else if (*actual != expected.bytes) {
        c.message = digest_name(expected.algorithm) + " of " + what + " is " + hex_encode(*actual) + ", expected " +
                   hex_encode(expected.bytes);
    } else {
        c.ok = true;
        c.message = digest_name(expected.algorithm) + " of " + what + " matches";
    }
    return c;
}

std::string alg_label(std::optional<std::int64_t> id) {
    if (!id) return "no alg";
    auto n = name_of(Space::cose_algorithm, *id);
    return n ? std::string(*n) : "alg " + std::to_string(*id);
}

Check check_sign1(const std::string& name, const crypto::cose::Sign1& s, const Envelope& env, PreparedKeys& prepared) {
    Check c{name, false, {}};
    std::string alg = alg_label(s.algorithm_id());
    if (!s.detached()) {
        c.message = "COSE_Sign1 " + alg + ": payload is not detached (nil)";
        return c;
    }
    std::vector<crypto::cose::Verifier>& keys = prepared.verifiers;
    if (keys.empty()) {
        c.message = "COSE_Sign1 " + alg + ": no public key or certificate given";
        return c;
    }
    std::string last;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        crypto::cose::Verdict v = s.verify_detached(keys[i], env.digest_item);
        if (v.ok) {
            c.ok = true;
            c.message = "COSE_Sign1 " + alg + " verified with key " + std::to_string(i + 1) + " of " +
                       std::to_string(keys.size());
            return c;
        }
        last = v.reason;
    }
    c.message = "COSE_Sign1 " + alg + ": no given key verifies it (" + last + ")";
    return c;
}

Check check_mac0(const std::string& name, const crypto::cose::Mac0& m, const Envelope& env, const TrustAnchors& anchors) {
    Check c{name, false, {}};
    std::string alg = alg_label(m.algorithm_id());
    if (!m.detached()) {
        c.message = "COSE_Mac0 " + alg + ": payload is not detached (nil)";
        return c;
    }
    if (anchors.mac_keys.empty()) {
        c.message = "COSE_Mac0 " + alg + ": no MAC key given";
        return c;
    }
    std::string last;
    for (const auto& key : anchors.mac_keys) {
        crypto::cose::Verdict v = m.verify_detached(key, env.digest_item);
        if (v.ok) {
            c.ok = true;
            c.message = "COSE_Mac0 " + alg + " verified";
            return c;
        }
        last = v.reason;
    }
    c.message = "COSE_Mac0 " + alg + ": no given MAC key verifies it (" + last + ")";
    return c;
}

Check check_block(std::size_t index, const Bytes& block, const Envelope& env, const TrustAnchors& anchors,
                  PreparedKeys& prepared) {
    std::string name = "authentication-block[" + std::to_string(index) + "]";
    try {
        cbor::Value v = cbor::decode(block);
        if (!v.is_tag()) return Check{name, false, "not a tagged COSE structure (SUIT requires the tag)"};
        switch (v.tag_number()) {
            case crypto::cose::tag_sign1: return check_sign1(name, crypto::cose::Sign1::parse(block), env, prepared);
            case crypto::cose::tag_mac0: return check_mac0(name, crypto::cose::Mac0::parse(block), env, anchors);
            case 98: return Check{name, false, "COSE_Sign (multiple signers) is not supported"};
            case 97: return Check{name, false, "COSE_Mac is not supported"};
            default: return Check{name, false, "tag " + std::to_string(v.tag_number()) + " is not a COSE signature or MAC"};
        }
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::malformed) throw;
        return Check{name, false, std::string("unreadable COSE structure: ") + e.what()};
    }
}

}  // namespace

std::optional<Bytes> compute_digest(std::int64_t algorithm, ByteView data) {
    switch (algorithm) {
        case -16: return crypto::digest(crypto::Hash::sha256, data);
        case -43: return crypto::digest(crypto::Hash::sha384, data);
        case -44: return crypto::digest(crypto::Hash::sha512, data);
        default: return std::nullopt;
    }
}

nlohmann::json VerifyReport::to_json() const {
    nlohmann::json report = nlohmann::json::object();
    report["result"] = verdict(checks);
    report["checks"] = checks_to_json(checks);
    return report;
}

PreparedKeys::PreparedKeys(const TrustAnchors& anchors) {
    for (const auto& key : anchors.keys) verifiers.emplace_back(key);
    for (const auto& cert : anchors.certificates) verifiers.emplace_back(cert.public_key());
}

VerifyReport verify(const Envelope& env, const TrustAnchors& anchors) {
    PreparedKeys prepared(anchors);
    return verify(env, anchors, prepared);
}

VerifyReport verify(const Envelope& env, const TrustAnchors& anchors, PreparedKeys& prepared) {
    VerifyReport r;
    r.checks.push_back(check_digest("manifest-digest", env.digest, env.manifest.bstr, "the manifest bstr"));
    r.checks.push_back(Check{"authentication", !env.authentication_blocks.empty(),
                             std::to_string(env.authentication_blocks.size()) + " authentication block(s)"});
    for (std::size_t i = 0; i < env.authentication_blocks.size(); ++i)
        r.checks.push_back(check_block(i + 1, env.authentication_blocks[i], env, anchors, prepared));
    for (const auto& [id, bytes] : env.severable_members) {
        auto n = name_of(Space::envelope, id);
        std::string name = "severed-member:" + (n ? std::string(*n) : std::to_string(id));
        auto it = env.manifest.severed.find(id);
        if (it == env.manifest.severed.end()) {
            r.checks.push_back(Check{name, false, "the manifest holds no digest for this member"});
            continue;
        }
        r.checks.push_back(check_digest(name, it->second, bytes, "the envelope's bstr"));
    }
    return r;
}

}  // namespace iotops::suit
