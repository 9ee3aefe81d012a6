// JWS algorithm names and the key types and hashes they go with (RFC 7518 3.4, RFC 8037 3.1).
#include "iotops/core/error.hpp"
#include "iotops/crypto/jws.hpp"

namespace iotops::crypto {

std::string_view jws_alg_name(JwsAlg alg) {
    switch (alg) {
        case JwsAlg::es256: return "ES256";
        case JwsAlg::es384: return "ES384";
        case JwsAlg::eddsa: return "EdDSA";
    }
    return "?";
}

std::optional<JwsAlg> parse_jws_alg(std::string_view name) {
    // Names are case-sensitive (RFC 7515 4.1.1).
    if (name == "ES256") return JwsAlg::es256;
    if (name == "ES384") return JwsAlg::es384;
    if (name == "EdDSA") return JwsAlg::eddsa;
    return std::nullopt;
}

JwsAlg jws_alg_for_key(KeyType type) {
    switch (type) {
        case KeyType::p256: return JwsAlg::es256;
        case KeyType::p384: return JwsAlg::es384;
        case KeyType::ed25519: return JwsAlg::eddsa;
        case KeyType::other: break;
    }
    throw Error(ErrorKind::usage, "jws: sign: no jws algorithm for this key type", "use a P-256, P-384 or Ed25519 key");
}

KeyType jws_alg_key_type(JwsAlg alg) {
    switch (alg) {
        case JwsAlg::es256: return KeyType::p256;
        case JwsAlg::es384: return KeyType::p384;
        case JwsAlg::eddsa: return KeyType::ed25519;
    }
    return KeyType::other;
}

Hash jws_alg_hash(JwsAlg alg) {
    switch (alg) {
        case JwsAlg::es256: return Hash::sha256;
        case JwsAlg::es384: return Hash::sha384;
        case JwsAlg::eddsa: return Hash::sha512;
    }
    return Hash::sha256;
}

std::string_view jws_form_name(JwsForm form) {
    switch (form) {
        case JwsForm::general: return "general";
        case JwsForm::flattened: return "flattened";
        case JwsForm::compact: return "compact";
    }
    return "?";
}

std::string_view jws_signer_name(JwsSigner s) {
    switch (s) {
        case JwsSigner::none: return "none";
        case JwsSigner::key: return "key";
        case JwsSigner::certificate: return "certificate";
        case JwsSigner::x5c: return "x5c";
    }
    return "?";
}

}  // namespace iotops::crypto
