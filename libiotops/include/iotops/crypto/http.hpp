// HTTP(S) requests with the whole body in memory: MUD files, CRLs, OCSP, firmware payloads, EST and
// BRSKI exchanges. HTTPS verifies the server against the system trust store or ca_file (with the
// host name), against pinned anchors (no host name: BRSKI's pinned-domain-cert), or not at all
// (BRSKI's provisional TLS, which only records what the server showed).
// (cpp-httplib brings its own OpenSSL use, which is why the client lives in crypto.)
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "iotops/core/bytes.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/http_server.hpp"
#include "iotops/crypto/key.hpp"

namespace iotops::crypto {

struct HttpResponse;

// One answered request, as a hook sees it (a --verbose transcript records them).
struct HttpExchange {
    std::string method;  // "GET", "POST"
    std::string url;
    HttpHeaders request_headers;  // as sent, Content-Type included
    ByteView request_body;
    const HttpResponse& response;
};

struct HttpOptions {
    std::string ca_file;                 // PEM bundle; empty: the system store
    std::vector<Certificate> pinned_anchors;  // when set: the server chain must end at one of these
    bool provisional = false;            // accept any server certificate; peer_chain says which
    int timeout_seconds = 30;            // to connect, and between reads
    std::size_t max_size = 256u << 20;   // a larger body is refused, Error(protocol)
    bool follow_redirects = false;
    HttpHeaders headers;                 // e.g. {"Accept", "application/mud+json"}
    std::optional<PrivateKey> client_key;      // TLS client authentication, with:
    std::vector<Certificate> client_certificates;  // the client certificate, then its chain
    std::optional<std::pair<std::string, std::string>> basic_auth;  // user, password
    std::function<void(const HttpExchange&)> on_exchange;  // called after every answered request
};

struct HttpResponse {
    int status = 0;
    Bytes body;
    std::string content_type;
    HttpHeaders headers;
    std::vector<Certificate> peer_chain;  // the server's certificates, leaf first (HTTPS)

    std::optional<std::string> header(std::string_view name) const { return find_header(headers, name); }
};

// Requests to one origin ("https://host:port") over one kept-alive connection where possible.
// Error(usage) for an origin that is not http:// or https://; Error(unreachable) when the server
// cannot be reached or TLS fails (with the reason a certificate was refused). Any status is returned.
class HttpClient {
public:
    HttpClient(const std::string& origin, HttpOptions options);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    HttpResponse get(const std::string& path, const HttpHeaders& extra_headers = {});
    HttpResponse post(const std::string& path, const std::string& content_type, ByteView body,
                      const HttpHeaders& extra_headers = {});
    const std::string& origin() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

// One TLS handshake with an https:// origin, presenting the client certificate of `options` when
// set, and the certificates the server showed, leaf first. Nothing is verified: this is how a
// BRSKI pledge learns the registrar's certificate before it can trust it (provisional TLS).
std::vector<Certificate> tls_server_chain(const std::string& origin, const HttpOptions& options);

// Splits "https://host:port/path?q" into origin and path ("/" when none). Error(usage) otherwise.
std::pair<std::string, std::string> split_url(const std::string& url);

// GET, or POST of `body` when content_type is not empty, to a whole URL.
HttpResponse http_request(const std::string& url, const HttpOptions& options = {}, const std::string& content_type = {},
                          ByteView body = {});

// The body of a 200 answer to a GET (or POST); Error(protocol) "<url>: HTTP status N" otherwise.
Bytes http_fetch(const std::string& url, const HttpOptions& options = {}, const std::string& content_type = {},
                 ByteView body = {});

}  // namespace iotops::crypto
