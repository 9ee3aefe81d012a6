// Verifying JWS signatures (RFC 7515 5.2) with given keys or certificates, or the x5c leaf and its chain.
#include <string>

#include "iotops/core/error.hpp"
#include "iotops/crypto/jws.hpp"

namespace iotops::crypto {
namespace {

std::size_t signature_size(JwsAlg alg) {
    switch (alg) {
        case JwsAlg::es256: return 64;  // r||s, 32 bytes each (RFC 7518 3.4)
        case JwsAlg::es384: return 96;
        case JwsAlg::eddsa: return 64;  // RFC 8032
    }
    return 0;
}

// One attempt with one key; the certificate, when there is one, is where the key came from.
JwsSignatureResult attempt(const Jws& jws, std::size_t index, const PublicKey& key, JwsSigner signer,
                           const Certificate* cert) {
    JwsSignatureResult r = verify_jws_signature(jws, index, key);
    r.signer = signer;
    if (cert) r.signer_certificate = *cert;
    return r;
}

bool fits(const Jws& jws, std::size_t index, KeyType type) {
    auto alg = parse_jws_alg(jws.signatures[index].alg);
    return alg && jws_alg_key_type(*alg) == type;
}

JwsSignatureResult verify_one(const Jws& jws, std::size_t index, const JwsVerifyOptions& options) {
    const JwsSignature& sig = jws.signatures[index];
    std::optional<JwsSignatureResult> failed;  // the last fitting attempt that did not verify
    for (const auto& key : options.keys) {
        if (!fits(jws, index, key.type())) continue;
        auto r = attempt(jws, index, key, JwsSigner::key, nullptr);
        if (r.signature_valid) return r;
        failed = r;
    }
    std::optional<JwsSignatureResult> found;
    for (const auto& cert : options.certificates) {
        std::optional<PublicKey> key;
        try {
            key = cert.public_key();
        } catch (const Error&) {
            continue;  // a certificate whose key cannot be read cannot have made any signature
        }
        if (!fits(jws, index, key->type())) continue;
        auto r = attempt(jws, index, *key, JwsSigner::certificate, &cert);
        if (r.signature_valid) {
            found = std::move(r);
            break;
        }
        failed = r;
    }
    bool explicit_given = !options.keys.empty() || !options.certificates.empty();
    if (!found && !sig.x5c.empty() && (!explicit_given || options.use_x5c_fallback)) {
        try {
            found = attempt(jws, index, sig.x5c.front().public_key(), JwsSigner::x5c, &sig.x5c.front());
        } catch (const Error& e) {
            // Only a Jws built by hand gets here: parse already read every x5c key.
            JwsSignatureResult r;
            r.index = index;
            r.alg = sig.alg;
            r.signer = JwsSigner::x5c;
            r.reason = std::string("x5c leaf: ") + e.what();
            return r;
        }
    }
    if (!found && failed) return *failed;
    if (!found) {
        JwsSignatureResult r;
        r.index = index;
        r.alg = sig.alg;
        if (!explicit_given) {
            r.reason = "no key to check with: give a key or certificate, or sign with x5c";
        } else if (!parse_jws_alg(sig.alg)) {
            r.reason = "unsupported alg \"" + sig.alg + "\"";
        } else {
            r.reason = "no given key or certificate fits alg " + sig.alg;
        }
        return r;
    }
    if (options.chain && found->signer_certificate) {
        ChainOptions chain = *options.chain;
        // The rest of x5c may hold intermediates; the anchors alone decide trust.
        for (std::size_t i = 1; i < sig.x5c.size(); ++i) chain.intermediates.push_back(sig.x5c[i]);
        ChainResult cr;
        try {
            cr = verify_chain(*found->signer_certificate, chain);
        } catch (const Error& e) {
            cr.ok = false;
            cr.error = e.what();
        }
        found->chain_valid = cr.ok;
        if (cr.ok) {
            found->chain = std::move(cr.chain);
        } else if (found->reason.empty()) {
            found->reason = "certificate chain: " + (cr.error.empty() ? std::string("does not verify") : cr.error);
        }
    }
    return *found;
}

}  // namespace

JwsSignatureResult verify_jws_signature(const Jws& jws, std::size_t index, const PublicKey& key) {
    if (index >= jws.signatures.size()) throw Error(ErrorKind::usage, "jws: no signature " + std::to_string(index));
    const JwsSignature& sig = jws.signatures[index];
    JwsSignatureResult r;
    r.index = index;
    r.alg = sig.alg;
    r.signer = JwsSigner::key;
    auto alg = parse_jws_alg(sig.alg);
    if (!alg) {
        r.reason = "unsupported alg \"" + sig.alg + "\"";
        return r;
    }
    if (key.type() != jws_alg_key_type(*alg)) {
        r.reason = "alg " + sig.alg + " needs a " + std::string(key_type_name(jws_alg_key_type(*alg))) + " key, not " +
                   std::string(key_type_name(key.type()));
        return r;
    }
    if (sig.signature.size() != signature_size(*alg)) {
        r.reason = "signature is " + std::to_string(sig.signature.size()) + " bytes, " + sig.alg + " needs " +
                   std::to_string(signature_size(*alg));
        return r;
    }
    std::string input = jws.signing_input(index);
    try {
        r.signature_valid = key.verify(as_bytes(input), sig.signature, jws_alg_hash(*alg));
    } catch (const Error& e) {
        r.reason = std::string("signature check failed: ") + e.what();
        return r;
    }
    if (!r.signature_valid) r.reason = "signature does not verify";
    return r;
}

std::vector<JwsSignatureResult> verify_jws(const Jws& jws, const JwsVerifyOptions& options) {
    std::vector<JwsSignatureResult> out;
    out.reserve(jws.signatures.size());
    for (std::size_t i = 0; i < jws.signatures.size(); ++i) out.push_back(verify_one(jws, i, options));
    return out;
}

bool JwsSignatureResult::trusted() const {
    if (!signature_valid || chain_valid == false) return false;
    return signer == JwsSigner::key || signer == JwsSigner::certificate || chain_valid == true;
}

bool all_trusted(const std::vector<JwsSignatureResult>& results) {
    if (results.empty()) return false;
    for (const auto& r : results)
        if (!r.trusted()) return false;
    return true;
}

nlohmann::json JwsSignatureResult::to_json() const {
    nlohmann::json out = {
        {"index", index},
        {"alg", alg},
        {"signature", signature_valid ? "valid" : "invalid"},
        {"signer", std::string(jws_signer_name(signer))},
        {"chain", chain_valid ? (*chain_valid ? "valid" : "invalid") : "unchecked"},
        {"trusted", trusted()},
    };
    if (signer_certificate) out["subject"] = signer_certificate->subject();
    if (!reason.empty()) out["reason"] = reason;
    return out;
}

}  // namespace iotops::crypto
