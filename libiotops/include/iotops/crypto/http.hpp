// One HTTP(S) request with the whole body in memory: MUD files, CRLs, OCSP, firmware payloads.
// HTTPS verifies the server against the system trust store, or against ca_file when given.
// (cpp-httplib brings its own OpenSSL use, which is why the client lives in crypto.)
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "iotops/core/bytes.hpp"

namespace iotops::crypto {

struct HttpOptions {
    std::string ca_file;                 // PEM bundle; empty: the system store
    int timeout_seconds = 30;            // to connect, and between reads
    std::size_t max_size = 256u << 20;   // a larger body is refused, Error(protocol)
    bool follow_redirects = false;
    std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"Accept", "application/mud+json"}
};

struct HttpResponse {
    int status = 0;
    Bytes body;
    std::string content_type;
};

// GET, or POST of `body` when content_type is not empty. Error(usage) for a URL that is not
// http:// or https://, Error(unreachable) when the server cannot be reached or TLS fails. Any
// status is returned as it is.
HttpResponse http_request(const std::string& url, const HttpOptions& options = {}, const std::string& content_type = {},
                          ByteView body = {});

// The body of a 200 answer to a GET (or POST); Error(protocol) "<url>: HTTP status N" otherwise.
Bytes http_fetch(const std::string& url, const HttpOptions& options = {}, const std::string& content_type = {},
                 ByteView body = {});

}  // namespace iotops::crypto
