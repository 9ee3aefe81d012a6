// CMS SignedData (RFC 5652): sign, inspect without verifying, verify. Always binary mode (no MIME
// canonicalisation): the bytes signed are the bytes given. RFC 8995 vouchers, RFC 8520 MUD signatures.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "iotops/core/bytes.hpp"
#include "iotops/core/time.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/key.hpp"

namespace iotops::crypto::cms {

struct SignOptions {
    std::string econtent_type = oid::id_data;  // any other type makes OpenSSL emit SignedData v3
    bool detached = false;                     // leave the content out (eContent absent)
    std::vector<Certificate> extra_certificates;  // added after the signer's certificate (e.g. intermediates)
    bool include_signer_certificate = true;
    bool signer_key_id = false;        // identify the signer by subjectKeyIdentifier, not issuer+serial
    bool smime_capabilities = false;   // add the SMIMECapabilities signed attribute
    std::optional<Time> signing_time;  // none: now
    // none: SHA-256, SHA-384 for P-384 keys; Ed25519 always uses SHA-512 (RFC 8419).
    std::optional<Hash> hash;
};

// Signs content; returns a DER ContentInfo. Signed attributes (contentType, messageDigest, signingTime)
// are always present.
Bytes sign(ByteView content, const PrivateKey& key, const Certificate& certificate, const SignOptions& options = {});

// PEM armour ("-----BEGIN CMS-----") around DER.
std::string to_pem(ByteView der);
// DER from DER, PEM ("CMS" or "PKCS7" label) or bare base64. Throws Error(malformed).
Bytes to_der(ByteView der_pem_or_base64);

struct Algorithm {
    std::string oid;   // dotted
    std::string name;  // OpenSSL's long name, e.g. "sha256", "ecdsa-with-SHA256"; the OID when unknown
};

struct SignerInfo {
    // Exactly one of (issuer, serial_hex) or subject_key_id is set.
    std::optional<std::string> issuer;      // RFC 2253
    std::optional<std::string> serial_hex;  // upper-case hex, as Certificate::serial_hex
    std::optional<Bytes> subject_key_id;
    Algorithm digest_algorithm;
    Algorithm signature_algorithm;
    bool has_signed_attributes = false;
    std::optional<Time> signing_time;
};

// What a SignedData says about itself, before any verification.
struct SignedData {
    std::string econtent_type;  // dotted OID
    int version = 0;            // SignedData version (1 for id-data with issuer+serial, 3 otherwise)
    bool detached = false;
    std::optional<Bytes> content;  // eContent when attached
    std::vector<Certificate> certificates;
    std::vector<SignerInfo> signers;
};

// Parses DER, PEM or base64 without verifying. Throws Error(malformed) with one line saying why.
SignedData parse(ByteView cms);

struct VerifyOptions {
    std::vector<Certificate> trust_anchors;
    std::vector<Certificate> intermediates;  // besides the certificates the CMS carries
    std::optional<Time> at;                  // none: now
    std::optional<std::string> required_eku;  // none: any purpose (as `openssl cms -verify -purpose any`)
    // RFC 8366bis requires signed attributes; turning this off accepts a signature directly over the
    // content (some RFC 8520 MUD signers).
    bool require_signed_attributes = true;
};

struct VerifyResult {
    bool signature_valid = false;  // every signer's signature over its content / signed attributes
    std::string signature_error;   // why not, when not
    bool chain_valid = false;      // every signer certificate chains to a trust anchor at the time
    std::string chain_error;       // OpenSSL's reason, e.g. "certificate has expired"
    std::string econtent_type;     // dotted OID
    Bytes content;                 // the content (attached, or the detached one given); trust it only when ok()
    std::vector<Certificate> signers;  // signer certificates, one per SignerInfo when found
    std::vector<Certificate> chain;    // first signer's chain, leaf first, when chain_valid

    bool ok() const { return signature_valid && chain_valid; }
};

// Verifies in binary mode. A bad signature or chain is a result, not an exception. Throws
// Error(malformed) for input that does not parse, Error(usage) when a detached signature comes without
// its content or an attached one with extra content.
VerifyResult verify(ByteView cms, const VerifyOptions& options,
                    std::optional<ByteView> detached_content = std::nullopt);

}  // namespace iotops::crypto::cms
