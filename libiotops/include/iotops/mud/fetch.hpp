// Fetching a MUD file and its signature over HTTPS (RFC 8520 sections 1.6 and 13), verifying both
// before anything uses them, with a cache directory that honours cache-validity.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "iotops/core/bytes.hpp"
#include "iotops/core/check.hpp"
#include "iotops/mud/signature.hpp"
#include "iotops/mud/validate.hpp"

namespace iotops::mud {

struct FetchOptions {
    std::string tls_ca_file;                  // trust anchors for the HTTPS server
    SignatureVerifyOptions signature;         // trust anchors for the MUD signer, --at, device certificate
    ValidateOptions validate;
    std::string cache_dir;                    // empty: no cache
    int timeout_seconds = 10;
};

struct Fetched {
    Bytes mud;                 // the verified MUD file, exact bytes
    std::string signature_url;
    bool from_cache = false;
    SignatureReport report;    // the signature checks
};

// Throws Error(unreachable) when a server cannot be reached, Error(protocol) for an HTTP status
// other than 200, Error(malformed) for a file that does not validate, Error(negative) when the
// signature does not verify or the file names another MUD URL.
Fetched fetch(const std::string& mud_url, const FetchOptions& options);

}  // namespace iotops::mud
