// A plain HTTP(S) GET for fetching payloads: one request, the whole body in memory.
// HTTPS verifies the server against the system trust store, or against ca_file when given.
#pragma once
#include <string>

#include "iotops/core/bytes.hpp"

namespace iotops::crypto {

struct HttpGetOptions {
    std::string ca_file;              // PEM bundle; empty: the system store
    int timeout_seconds = 30;
    std::size_t max_size = 256u << 20;  // bytes
};

// The body of a 200 response. Error(unreachable) when the server cannot be reached or TLS fails,
// Error(protocol) for any other status, Error(usage) for a URL that is not http:// or https://.
Bytes http_get(const std::string& url, const HttpGetOptions& options = {});

}  // namespace iotops::crypto
