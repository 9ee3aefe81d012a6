// Signing, countersigning and writing JWS (RFC 7515 sections 5.1, 7.1, 7.2.1).
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/jws.hpp"

namespace iotops::crypto {
namespace {

using nlohmann::json;

json protected_header_for(JwsAlg alg, const JwsSignOptions& options) {
    if (!options.extra_protected.is_object() && !options.extra_protected.is_null())
        throw Error(ErrorKind::usage, "jws: sign: extra protected parameters must be a json object");
    json header = options.extra_protected.is_null() ? json::object() : options.extra_protected;
    for (const char* reserved : {"alg", "crit", "typ", "kid", "x5c"})
        if (header.contains(reserved))
            throw Error(ErrorKind::usage, std::string("jws: sign: \"") + reserved + "\" is set by the signer, not as an extra parameter");
    header["alg"] = std::string(jws_alg_name(alg));
    if (options.typ) header["typ"] = *options.typ;
    if (options.kid) header["kid"] = *options.kid;
    if (!options.x5c.empty()) {
        // Standard base64 of the DER, not base64url (RFC 7515 4.1.6).
        json chain = json::array();
        for (const auto& cert : options.x5c) chain.push_back(base64_encode(cert.der()));
        header["x5c"] = std::move(chain);
    }
    return header;
}

}  // namespace

Jws Jws::sign(ByteView payload, const PrivateKey& key, const JwsSignOptions& options) {
    Jws jws;
    jws.payload.assign(payload.begin(), payload.end());
    jws.payload_b64 = base64url_encode(payload);
    jws.add_signature(key, options);
    return jws;
}

void Jws::add_signature(const PrivateKey& key, const JwsSignOptions& options) {
    JwsAlg alg = jws_alg_for_key(key.type());
    JwsSignature sig;
    sig.protected_header = protected_header_for(alg, options);
    sig.header = options.header.is_null() ? json::object() : options.header;
    if (!sig.header.is_object()) throw Error(ErrorKind::usage, "jws: sign: the unprotected header must be a json object");
    for (const auto& item : sig.header.items())
        if (sig.protected_header.contains(item.key()) || item.key() == "crit")
            throw Error(ErrorKind::usage, "jws: sign: unprotected parameter \"" + item.key() + "\" clashes with the protected header");
    std::string header_text;
    try {
        header_text = sig.protected_header.dump();
    } catch (const json::exception& e) {
        throw Error(ErrorKind::usage, std::string("jws: sign: protected header: ") + e.what());
    }
    sig.protected_b64 = base64url_encode(as_bytes(header_text));
    sig.alg = std::string(jws_alg_name(alg));
    sig.x5c = options.x5c;
    // Existing signatures are untouched: the new one signs the payload exactly as already encoded.
    sig.signature = key.sign(as_bytes(sig.protected_b64 + "." + payload_b64), jws_alg_hash(alg));
    sig.signature_b64 = base64url_encode(sig.signature);
    signatures.push_back(std::move(sig));
    form = JwsForm::general;
}

nlohmann::json Jws::to_json() const {
    json sigs = json::array();
    for (const auto& sig : signatures) {
        json entry = json::object();
        if (!sig.protected_b64.empty()) entry["protected"] = sig.protected_b64;
        if (sig.header.is_object() && !sig.header.empty()) entry["header"] = sig.header;
        entry["signature"] = sig.signature_b64;
        sigs.push_back(std::move(entry));
    }
    return json{{"payload", payload_b64}, {"signatures", std::move(sigs)}};
}

std::string Jws::serialize(bool pretty) const { return to_json().dump(pretty ? 2 : -1); }

std::string Jws::serialize_compact() const {
    if (signatures.size() != 1)
        throw Error(ErrorKind::usage, "jws: compact form needs exactly one signature, this jws has " + std::to_string(signatures.size()));
    const auto& sig = signatures.front();
    if (sig.header.is_object() && !sig.header.empty())
        throw Error(ErrorKind::usage, "jws: compact form cannot carry an unprotected header");
    if (sig.protected_b64.empty()) throw Error(ErrorKind::usage, "jws: compact form needs a protected header");
    return sig.protected_b64 + "." + payload_b64 + "." + sig.signature_b64;
}

}  // namespace iotops::crypto
