// JWS (RFC 7515): parse any serialization, sign and countersign in the General JSON Serialization,
// verify each signature with a key, a certificate or the x5c chain to trust anchors.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "iotops/core/bytes.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/key.hpp"

namespace iotops::crypto {

// The algorithms libiotops signs and verifies with. "none" is never accepted.
enum class JwsAlg { es256, es384, eddsa };

std::string_view jws_alg_name(JwsAlg alg);                 // "ES256", "ES384", "EdDSA"
std::optional<JwsAlg> parse_jws_alg(std::string_view name);  // nullopt when unsupported
JwsAlg jws_alg_for_key(KeyType type);                      // P-256 -> ES256, ...; Error(usage) for others
KeyType jws_alg_key_type(JwsAlg alg);                      // the only key type an alg may be used with
Hash jws_alg_hash(JwsAlg alg);                             // EdDSA: sha512 (unused by Ed25519)

// Which serialization a JWS arrived in (RFC 7515 sections 7.1, 7.2.1, 7.2.2).
enum class JwsForm { general, flattened, compact };
std::string_view jws_form_name(JwsForm form);  // "general", "flattened", "compact"

// The typ of voucher artifacts (draft-ietf-anima-jws-voucher).
inline constexpr const char* jws_typ_voucher = "voucher-jws+json";

struct JwsSignature {
    std::string protected_b64;        // exactly as received or written; empty when there is no protected header
    nlohmann::json protected_header;  // decoded protected header (an object)
    nlohmann::json header;            // unprotected header (an object, empty when absent)
    std::string signature_b64;        // exactly as received or written
    Bytes signature;                  // decoded; raw r||s for ECDSA
    std::string alg;                  // as the header gives it (never "none")
    std::vector<Certificate> x5c;     // decoded x5c, leaf first; empty when absent

    std::optional<std::string> typ() const;
    std::optional<std::string> kid() const;
    // A header parameter from the protected or the unprotected header (they are disjoint).
    const nlohmann::json* parameter(std::string_view name) const;
};

struct JwsSignOptions {
    std::optional<std::string> typ;   // e.g. jws_typ_voucher
    std::vector<Certificate> x5c;     // leaf first; written as standard base64 DER (RFC 7515 4.1.6)
    std::optional<std::string> kid;
    nlohmann::json extra_protected = nlohmann::json::object();  // more protected parameters; not alg or crit
    nlohmann::json header = nlohmann::json::object();           // unprotected header of this signature
};

class Jws {
public:
    std::string payload_b64;  // exactly as received or written
    Bytes payload;
    std::vector<JwsSignature> signatures;
    JwsForm form = JwsForm::general;

    // Parses the general or flattened JSON form or the compact form (surrounding whitespace allowed).
    // Throws Error(malformed) with a one-line reason (and byte offset where there is one); also for
    // alg "none", a missing alg, a crit naming anything, overlapping protected and unprotected
    // parameters, and x5c entries that are not base64 DER certificates.
    static Jws parse(std::string_view text);
    static Jws parse(ByteView text) { return parse(std::string_view(reinterpret_cast<const char*>(text.data()), text.size())); }

    // A new JWS over payload with one signature.
    static Jws sign(ByteView payload, const PrivateKey& key, const JwsSignOptions& options = {});
    // Adds one more signature over the same payload (e.g. a registrar countersigning a voucher).
    // Existing protected headers, payload and signatures are kept byte for byte.
    void add_signature(const PrivateKey& key, const JwsSignOptions& options = {});

    // ASCII(BASE64URL(protected) || '.' || BASE64URL(payload)) of one signature, from the received strings.
    std::string signing_input(std::size_t index) const;

    // General JWS JSON Serialization.
    nlohmann::json to_json() const;
    std::string serialize(bool pretty = false) const;
    // Compact Serialization; Error(usage) unless there is exactly one signature without unprotected header.
    std::string serialize_compact() const;

    // A readable decoding for inspect: form, payload (as JSON when it is JSON, else "payload-base64url"),
    // and per signature the decoded headers, alg and x5c certificate summaries.
    nlohmann::json describe() const;
};

// Where the key that checked a signature came from.
enum class JwsSigner { none, key, certificate, x5c };
std::string_view jws_signer_name(JwsSigner s);  // "none", "key", "certificate", "x5c"

struct JwsVerifyOptions {
    // Keys and certificates to try. A signature is checked with the first one whose type fits its alg
    // and that verifies it. With none given, or none verifying and use_x5c_fallback, the x5c leaf is used.
    std::vector<PublicKey> keys;
    std::vector<Certificate> certificates;
    bool use_x5c_fallback = true;
    // When set, the signer certificate (the given certificate or the x5c leaf) must chain to these
    // anchors at chain->at; the rest of x5c is added to chain->intermediates.
    std::optional<ChainOptions> chain;
};

struct JwsSignatureResult {
    std::size_t index = 0;
    std::string alg;
    bool signature_valid = false;
    JwsSigner signer = JwsSigner::none;             // where the key that was checked came from
    std::optional<Certificate> signer_certificate;  // the certificate whose key verified, if any
    std::optional<bool> chain_valid;                 // nullopt when no chain was asked for or possible
    std::vector<Certificate> chain;                  // leaf first, anchor last, when chain_valid
    std::string reason;                              // why it failed; empty when everything checked passed

    // The signature is valid and its key is trusted: given explicitly, or its chain verified.
    bool trusted() const;
    nlohmann::json to_json() const;  // {"index","alg","signature":"valid|invalid","signer",...}
};

// Checks one signature with one key: alg must fit the key type. A bad signature is a result, not an error.
JwsSignatureResult verify_jws_signature(const Jws& jws, std::size_t index, const PublicKey& key);
// Checks every signature as JwsVerifyOptions says, one result per signature in order.
std::vector<JwsSignatureResult> verify_jws(const Jws& jws, const JwsVerifyOptions& options);
// True when there is at least one signature and every result is trusted().
bool all_trusted(const std::vector<JwsSignatureResult>& results);

}  // namespace iotops::crypto
