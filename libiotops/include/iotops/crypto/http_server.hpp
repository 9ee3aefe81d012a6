// An HTTP or HTTPS server for the tools that serve (registrar, MASA, OCSP responder). Handlers are
// plain functions from a request to a response, so protocol logic is testable without sockets.
// (cpp-httplib and its OpenSSL use stay inside crypto, which is why the server lives here.)
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "iotops/core/bytes.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/key.hpp"

namespace iotops::crypto {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// The value of the first header called `name` (case-insensitive).
std::optional<std::string> find_header(const HttpHeaders& headers, std::string_view name);

struct ServerRequest {
    std::string method;  // "GET", "POST"
    std::string path;    // without the query
    std::string query;   // after '?', undecoded; empty when none
    std::string content_type;
    HttpHeaders headers;
    Bytes body;
    // The TLS client certificate and the chain the client sent with it, leaf first. NOT verified:
    // each handler decides which anchors it trusts. Empty over plain HTTP or without a certificate.
    std::vector<Certificate> peer_chain;
    std::string remote_address;

    std::optional<std::string> header(std::string_view name) const { return find_header(headers, name); }
    // The user and password of an HTTP Basic Authorization header.
    std::optional<std::pair<std::string, std::string>> basic_auth() const;
};

struct ServerResponse {
    int status = 200;
    std::string content_type;
    Bytes body;
    HttpHeaders headers;

    // A text/plain answer: the reason a request was refused.
    static ServerResponse text(int status, std::string_view message);
};

using ServerHandler = std::function<ServerResponse(const ServerRequest&)>;

struct ServerOptions {
    std::vector<Certificate> certificates;  // the server certificate, then its chain; empty: plain HTTP
    std::optional<PrivateKey> key;          // the server certificate's key
    bool request_client_certificate = false;  // ask for a client certificate, accept any (or none)
    unsigned threads = 16;
    std::size_t max_body = 1u << 20;  // a larger request body is answered 413
    int timeout_seconds = 30;         // between reads and writes of one connection
};

class HttpServer {
public:
    explicit HttpServer(ServerOptions options);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Routes a method and a path (ECMAScript regex over the whole path) to a handler. A handler
    // that throws iotops::Error answers with the status its kind maps to and the message as text.
    void handle(const std::string& method, const std::string& path_regex, ServerHandler handler);

    // Binds host:port (0: a free port) and returns the port. Error(io) when it cannot.
    int bind(const std::string& host, int port);
    // "http://host:port" or "https://host:port" once bound.
    std::string origin() const;
    // Serves until stop() is called or the process gets SIGINT or SIGTERM.
    void run();
    void stop();

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

// "http://host:port" or "https://host:port", an IPv6 host in brackets: a server's origin.
std::string http_origin(bool tls, const std::string& host, int port);

// The HTTP status a handler's iotops::Error of this exit-code kind is answered with.
int http_status_for(ErrorKind kind);

// handler's answer to request; an exception it throws becomes a text answer: an iotops::Error
// with the status its kind maps to, anything else 500.
ServerResponse answer_safely(const ServerHandler& handler, const ServerRequest& request);

}  // namespace iotops::crypto
