// MUD file signatures (RFC 8520 section 13): detached CMS SignedData in DER over the exact bytes
// of the file, always binary mode. The signer's certificate must allow digitalSignature and,
// when the device certificate names a MUD signer (id-pe-mudsigner), must be that signer.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "iotops/core/bytes.hpp"
#include "iotops/core/check.hpp"
#include "iotops/core/time.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/key.hpp"

namespace iotops::mud {

inline constexpr const char* ct_mud = "1.2.840.113549.1.9.16.1.41";  // id-ct-mudtype

struct SignOptions {
    bool mud_content_type = false;  // eContentType id-ct-mudtype instead of id-data
    std::vector<crypto::Certificate> chain;  // intermediates to include
    std::optional<Time> signing_time;
};

// Throws Error(usage) when the certificate does not belong to the key or lacks digitalSignature.
Bytes sign(ByteView mud_bytes, const crypto::PrivateKey& key, const crypto::Certificate& cert,
           const SignOptions& options = {});

struct SignatureVerifyOptions {
    std::vector<crypto::Certificate> trust_anchors;
    std::vector<crypto::Certificate> intermediates;
    std::optional<Time> at;
    std::optional<crypto::Certificate> device_certificate;  // its MUD signer extension binds the signer
};

struct SignatureReport {
    std::vector<Check> checks;
    std::string signer;        // RFC 2253 subject of the first signer, when known
    std::string content_type;  // dotted OID
    bool ok() const { return all_ok(checks); }
};

// Throws Error(malformed) when the signature is not CMS at all.
SignatureReport verify_signature(ByteView signature, ByteView mud_bytes, const SignatureVerifyOptions& options);

// Where the signature of a MUD file lives: mud-signature resolved against mud-url (RFC 3986), else
// the MUD URL with a trailing ".json" replaced by ".p7s", else with ".p7s" appended.
std::string signature_url(const std::string& mud_url, const std::optional<std::string>& mud_signature);

}  // namespace iotops::mud
