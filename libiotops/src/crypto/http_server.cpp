#include "iotops/crypto/http_server.hpp"

#include <httplib.h>  // built with CPPHTTPLIB_OPENSSL_SUPPORT (pkg-config cpp-httplib)
#include <openssl/ssl.h>


#include "iotops/core/encoding.hpp"
#include "iotops/core/signals.hpp"
#include "native.hpp"

namespace iotops::crypto {

namespace {

// The server accepts any client certificate at the TLS layer: which anchors count is the
// handler's decision (a registrar trusts manufacturers for IDevIDs and itself for LDevIDs).
int accept_any_client(int, X509_STORE_CTX*) { return 1; }

bool setup_tls(SSL_CTX& ctx, const ServerOptions& o) {
    SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    if (SSL_CTX_use_certificate(&ctx, native(o.certificates.front())) != 1) return false;
    for (std::size_t i = 1; i < o.certificates.size(); ++i)
        if (SSL_CTX_add1_chain_cert(&ctx, native(o.certificates[i])) != 1) return false;
    if (SSL_CTX_use_PrivateKey(&ctx, native(*o.key)) != 1 || SSL_CTX_check_private_key(&ctx) != 1) return false;
    if (o.request_client_certificate) {
        SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, accept_any_client);
        static const unsigned char context[] = "iotops";
        SSL_CTX_set_session_id_context(&ctx, context, sizeof context - 1);
    }
    return true;
}

std::vector<Certificate> peer_chain_of(const SSL* ssl) {
    std::vector<Certificate> chain;
    if (!ssl) return chain;
    X509* leaf = SSL_get0_peer_certificate(ssl);
    if (!leaf) return chain;
    chain.push_back(copy_certificate(leaf));
    // On a server the peer's chain does not hold its leaf.
    if (STACK_OF(X509)* rest = SSL_get_peer_cert_chain(ssl))
        for (int i = 0; i < sk_X509_num(rest); ++i) {
            X509* c = sk_X509_value(rest, i);
            if (X509_cmp(c, leaf) != 0) chain.push_back(copy_certificate(c));
        }
    return chain;
}

ServerRequest to_request(const httplib::Request& req) {
    ServerRequest r;
    r.method = req.method;
    r.path = req.path;
    std::size_t q = req.target.find('?');
    if (q != std::string::npos) r.query = req.target.substr(q + 1);
    r.content_type = req.get_header_value("Content-Type");
    r.headers.assign(req.headers.begin(), req.headers.end());
    r.body.assign(req.body.begin(), req.body.end());
    r.peer_chain = peer_chain_of(req.ssl);
    r.remote_address = req.remote_addr;
    return r;
}

void to_response(const ServerResponse& s, httplib::Response& res) {
    res.status = s.status;
    for (const auto& [k, v] : s.headers) res.set_header(k, v);
    res.set_content(std::string(s.body.begin(), s.body.end()), s.content_type.empty() ? "text/plain" : s.content_type);
}

}  // namespace

std::optional<std::string> find_header(const HttpHeaders& headers, std::string_view name) {
    for (const auto& [k, v] : headers)
        if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
            }))
            return v;
    return std::nullopt;
}

std::optional<std::pair<std::string, std::string>> ServerRequest::basic_auth() const {
    auto h = header("Authorization");
    if (!h || h->size() < 6 || !std::equal(h->begin(), h->begin() + 6, "Basic ", [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        }))
        return std::nullopt;
    Bytes decoded;
    try {
        decoded = base64_decode(std::string_view(*h).substr(6));
    } catch (const Error&) {
        return std::nullopt;
    }
    std::string text(decoded.begin(), decoded.end());
    std::size_t colon = text.find(':');
    if (colon == std::string::npos) return std::nullopt;
    return std::make_pair(text.substr(0, colon), text.substr(colon + 1));
}

ServerResponse ServerResponse::text(int status, std::string_view message) {
    ServerResponse r;
    r.status = status;
    r.content_type = "text/plain; charset=utf-8";
    r.body.assign(message.begin(), message.end());
    if (r.body.empty() || r.body.back() != '\n') r.body.push_back('\n');
    return r;
}

int http_status_for(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::malformed:
        case ErrorKind::usage: return 400;
        case ErrorKind::negative:
        case ErrorKind::permission: return 403;
        case ErrorKind::missing: return 404;
        case ErrorKind::unreachable: return 502;
        case ErrorKind::protocol: return 502;
        default: return 500;
    }
}

std::string http_origin(bool tls, const std::string& host, int port) {
    std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return (tls ? "https://" : "http://") + h + ":" + std::to_string(port);
}

ServerResponse answer_safely(const ServerHandler& handler, const ServerRequest& request) {
    try {
        return handler(request);
    } catch (const Error& e) {
        return ServerResponse::text(http_status_for(e.kind()), e.what());
    } catch (const std::exception& e) {
        return ServerResponse::text(500, std::string("internal error: ") + e.what());
    }
}

struct HttpServer::Impl {
    ServerOptions options;
    std::unique_ptr<httplib::Server> server;
    std::string host;
    int port = -1;
};

HttpServer::HttpServer(ServerOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    const ServerOptions& o = impl_->options;
    if (o.certificates.empty()) {
        impl_->server = std::make_unique<httplib::Server>();
    } else {
        if (!o.key) throw Error(ErrorKind::usage, "a TLS server needs the key of its certificate");
        auto tls = std::make_unique<httplib::SSLServer>([&o](SSL_CTX& ctx) { return setup_tls(ctx, o); });
        if (!tls->is_valid())
            throw Error(ErrorKind::config, openssl_error("TLS server setup (does the key match the certificate?)"));
        impl_->server = std::move(tls);
    }
    httplib::Server& s = *impl_->server;
    unsigned threads = std::max(1u, o.threads);
    s.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    s.set_keep_alive_max_count(10000);
    s.set_tcp_nodelay(true);  // headers and body go out in two writes: no Nagle delay between them
    s.set_payload_max_length(o.max_body);
    s.set_read_timeout(o.timeout_seconds, 0);
    s.set_write_timeout(o.timeout_seconds, 0);
}

HttpServer::~HttpServer() = default;

void HttpServer::handle(const std::string& method, const std::string& path_regex, ServerHandler handler) {
    auto adapter = [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
        to_response(answer_safely(handler, to_request(req)), res);
    };
    httplib::Server& s = *impl_->server;
    if (method == "GET") s.Get(path_regex, adapter);
    else if (method == "POST") s.Post(path_regex, adapter);
    else if (method == "PUT") s.Put(path_regex, adapter);
    else if (method == "DELETE") s.Delete(path_regex, adapter);
    else throw Error(ErrorKind::internal, "HttpServer: unsupported method " + method);
}

int HttpServer::bind(const std::string& host, int port) {
    httplib::Server& s = *impl_->server;
    int bound = port == 0 ? s.bind_to_any_port(host) : (s.bind_to_port(host, port) ? port : -1);
    if (bound < 0) throw Error(ErrorKind::io, "cannot listen on " + host + ":" + std::to_string(port));
    impl_->host = host;
    impl_->port = bound;
    return bound;
}

std::string HttpServer::origin() const {
    return http_origin(!impl_->options.certificates.empty(), impl_->host, impl_->port);
}

void HttpServer::run() {
    if (impl_->port < 0) throw Error(ErrorKind::internal, "HttpServer::run before bind");
    serve_until_signal([this] { impl_->server->listen_after_bind(); }, [this] { impl_->server->stop(); });
}

void HttpServer::stop() { impl_->server->stop(); }

}  // namespace iotops::crypto
