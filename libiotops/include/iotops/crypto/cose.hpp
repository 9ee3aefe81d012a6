// COSE (RFC 9052 structures, RFC 9053 / RFC 9864 algorithms): COSE_Sign1 and COSE_Mac0.
//
// Parsing keeps the protected header exactly as received (the signature covers those bytes, not a
// re-encoding). Malformed structures throw Error(malformed); a signature or tag that does not check out
// is a Verdict with ok == false, never an exception.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "iotops/codec/cbor.hpp"
#include "iotops/core/bytes.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/key.hpp"

namespace iotops::crypto::cose {

// CBOR tags of the tagged forms.
inline constexpr std::uint64_t tag_sign1 = 18;
inline constexpr std::uint64_t tag_mac0 = 17;

// Header labels (RFC 9052 section 3.1, RFC 9360).
namespace label {
inline constexpr std::int64_t alg = 1;
inline constexpr std::int64_t crit = 2;
inline constexpr std::int64_t content_type = 3;
inline constexpr std::int64_t kid = 4;
inline constexpr std::int64_t x5bag = 32;
inline constexpr std::int64_t x5chain = 33;
}  // namespace label

// The algorithms iotops signs and verifies with, by COSE id. Each is bound to one key type:
// ES256/ESP256 need P-256, ES384 P-384, EdDSA/Ed25519 Ed25519; HMAC 256/256 a secret of >= 32 bytes.
enum class Algorithm : std::int64_t {
    es256 = -7,
    esp256 = -9,   // ECDSA P-256 with SHA-256, fully specified (RFC 9864)
    es384 = -35,
    eddsa = -8,
    ed25519 = -19,  // fully specified (RFC 9864)
    hmac256 = 5,    // HMAC 256/256
};

std::string_view algorithm_name(Algorithm alg);  // "ES256", "ESP256", "ES384", "EdDSA", "Ed25519", "HMAC256"
// Accepts the names above (case-insensitive, also "HMAC 256/256") or a decimal id; throws Error(usage).
Algorithm parse_algorithm(std::string_view name_or_id);
// nullopt for ids iotops does not implement.
std::optional<Algorithm> algorithm_from_id(std::int64_t id);
bool is_signature_algorithm(Algorithm alg);
// The key type a signature algorithm needs (throws Error(usage) for HMAC).
crypto::KeyType required_key_type(Algorithm alg);
// The default signature algorithm for a key: P-256 -> ES256, P-384 -> ES384, Ed25519 -> EdDSA.
Algorithm default_algorithm(crypto::KeyType type);

// Content type (label 3): a CoAP content-format number or a media type string.
using ContentType = std::variant<std::uint64_t, std::string>;

// One header bucket: a CBOR map whose labels are integers or text strings.
class HeaderMap {
public:
    HeaderMap();
    // Throws Error(malformed) unless `map` is a map with int/text labels and no duplicates.
    explicit HeaderMap(cbor::Value map);

    const cbor::Value& value() const { return map_; }
    bool empty() const;
    bool contains(std::int64_t label) const { return find(label) != nullptr; }
    const cbor::Value* find(std::int64_t label) const;
    void set(std::int64_t label, cbor::Value v);  // replaces an existing entry
    void remove(std::int64_t label);

    // Typed readers: nullopt when absent; Error(malformed) when present with the wrong shape.
    // (Parsing already checks the shapes of alg, kid, content type and crit; certificates are read on demand.)
    std::optional<std::int64_t> alg() const;
    std::optional<Bytes> kid() const;
    std::optional<ContentType> content_type() const;
    // x5bag / x5chain (COSE_X509: one bstr or an array of bstr), parsed as DER certificates.
    std::optional<std::vector<crypto::Certificate>> x5bag() const;
    std::optional<std::vector<crypto::Certificate>> x5chain() const;

    void set_alg(Algorithm alg);
    void set_kid(ByteView kid);
    void set_content_type(const ContentType& type);
    void set_x5bag(const std::vector<crypto::Certificate>& certs);    // one cert: bstr; more: array
    void set_x5chain(const std::vector<crypto::Certificate>& certs);  // leaf first

private:
    cbor::Value map_;
};

// The outcome of checking a signature or MAC. `reason` says why when not ok.
struct Verdict {
    bool ok = false;
    std::string reason;
    explicit operator bool() const { return ok; }
};

enum class Form { tagged, untagged };

// What to put around the payload when signing or MACing.
struct Options {
    HeaderMap protected_header;    // alg is filled in; add kid, content type, x5chain here
    HeaderMap unprotected_header;  // e.g. x5bag, which a forwarder may strip
    Bytes external_aad;
    bool detached = false;  // the payload is covered but encoded as nil; the verifier supplies it
};

// Reusable signing state for one key and algorithm: checks the pair once and keeps the prepared
// OpenSSL context, so signing a stream of messages costs only the cryptography. Not thread-safe:
// use one per thread (it can be moved, not copied).
class Signer {
public:
    Signer(const crypto::PrivateKey& key, Algorithm alg);  // Error(usage) when key and alg do not fit
    Signer(const crypto::PrivateKey& key);                 // default_algorithm(key.type())
    ~Signer();
    Signer(Signer&&) noexcept;
    Signer& operator=(Signer&&) noexcept;
    Signer(const Signer&) = delete;
    Signer& operator=(const Signer&) = delete;

    Algorithm algorithm() const;
    const crypto::PrivateKey& key() const;
    Bytes sign(ByteView to_be_signed);  // raw r||s for ECDSA

    struct State;

private:
    std::unique_ptr<State> state_;
};

// Reusable verifying state for one public key (see Signer).
class Verifier {
public:
    explicit Verifier(const crypto::PublicKey& key);
    ~Verifier();
    Verifier(Verifier&&) noexcept;
    Verifier& operator=(Verifier&&) noexcept;
    Verifier(const Verifier&) = delete;
    Verifier& operator=(const Verifier&) = delete;

    const crypto::PublicKey& key() const;
    // Verdict not ok when alg does not fit the key or the signature is wrong.
    Verdict verify(Algorithm alg, ByteView to_be_signed, ByteView signature);

    struct State;

private:
    std::unique_ptr<State> state_;
};

// COSE_Sign1 = [protected: bstr, unprotected: map, payload: bstr / nil, signature: bstr].
class Sign1 {
public:
    // Tagged (18) or untagged. Error(malformed) for anything else, saying where and why.
    static Sign1 parse(ByteView data);
    static Sign1 sign(const crypto::PrivateKey& key, Algorithm alg, ByteView payload, const Options& options = {});
    static Sign1 sign(Signer& signer, ByteView payload, const Options& options = {});

    Bytes encode(Form form = Form::tagged) const;

    bool tagged() const { return tagged_; }  // as parsed
    const Bytes& protected_bytes() const { return protected_bytes_; }  // the bstr's content as received
    const HeaderMap& protected_header() const { return protected_; }
    const HeaderMap& unprotected_header() const { return unprotected_; }
    HeaderMap& unprotected_header() { return unprotected_; }  // not covered by the signature
    bool detached() const { return !payload_; }
    const std::optional<Bytes>& payload() const { return payload_; }
    const Bytes& signature() const { return signature_; }

    // A header looked up in the protected bucket, then the unprotected one.
    const cbor::Value* header(std::int64_t label) const;
    // The alg header's id (protected, else unprotected); nullopt when absent; Error(malformed) when it
    // is a text string (iotops implements integer ids only).
    std::optional<std::int64_t> algorithm_id() const;

    // Sig_structure ["Signature1", protected, external_aad, payload] as bytes.
    Bytes to_be_signed(ByteView payload, ByteView external_aad = {}) const;

    // Attached payload: Error(usage) if the payload is detached.
    Verdict verify(const crypto::PublicKey& key, ByteView external_aad = {}) const;
    Verdict verify(Verifier& verifier, ByteView external_aad = {}) const;
    // Detached payload supplied by the caller: Error(usage) if the message carries its own payload.
    Verdict verify_detached(const crypto::PublicKey& key, ByteView payload, ByteView external_aad = {}) const;
    Verdict verify_detached(Verifier& verifier, ByteView payload, ByteView external_aad = {}) const;
    // With the certificate's public key (the chain is the caller's business: crypto::verify_chain).
    Verdict verify(const crypto::Certificate& signer, ByteView external_aad = {}) const;
    Verdict verify_detached(const crypto::Certificate& signer, ByteView payload, ByteView external_aad = {}) const;

private:
    Verdict check(Verifier& verifier, ByteView payload, ByteView external_aad) const;

    bool tagged_ = true;
    Bytes protected_bytes_;
    HeaderMap protected_;
    HeaderMap unprotected_;
    std::optional<Bytes> payload_;
    Bytes signature_;
};

// COSE_Mac0 = [protected, unprotected, payload, tag] with HMAC 256/256.
class Mac0 {
public:
    static Mac0 parse(ByteView data);  // tagged (17) or untagged
    // key: the shared secret (at least 32 bytes).
    static Mac0 create(ByteView key, ByteView payload, const Options& options = {});

    Bytes encode(Form form = Form::tagged) const;

    bool tagged() const { return tagged_; }
    const Bytes& protected_bytes() const { return protected_bytes_; }
    const HeaderMap& protected_header() const { return protected_; }
    const HeaderMap& unprotected_header() const { return unprotected_; }
    HeaderMap& unprotected_header() { return unprotected_; }
    bool detached() const { return !payload_; }
    const std::optional<Bytes>& payload() const { return payload_; }
    const Bytes& tag() const { return tag_; }
    const cbor::Value* header(std::int64_t label) const;
    std::optional<std::int64_t> algorithm_id() const;

    // MAC_structure ["MAC0", protected, external_aad, payload] as bytes.
    Bytes to_be_maced(ByteView payload, ByteView external_aad = {}) const;

    Verdict verify(ByteView key, ByteView external_aad = {}) const;
    Verdict verify_detached(ByteView key, ByteView payload, ByteView external_aad = {}) const;

private:
    Verdict check(ByteView key, ByteView payload, ByteView external_aad) const;

    bool tagged_ = true;
    Bytes protected_bytes_;
    HeaderMap protected_;
    HeaderMap unprotected_;
    std::optional<Bytes> payload_;
    Bytes tag_;
};

}  // namespace iotops::crypto::cose
