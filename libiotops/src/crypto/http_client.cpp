#include <httplib.h>  // built with CPPHTTPLIB_OPENSSL_SUPPORT (pkg-config cpp-httplib)
#include <openssl/ssl.h>

#include "iotops/core/error.hpp"
#include "iotops/crypto/http.hpp"
#include "http_origin.hpp"
#include "native.hpp"

namespace iotops::crypto {

Origin parse_origin(const std::string& origin) {
    Origin o;
    std::string rest;
    if (origin.rfind("https://", 0) == 0) {
        o.https = true;
        rest = origin.substr(8);
    } else if (origin.rfind("http://", 0) == 0) {
        rest = origin.substr(7);
    } else {
        throw Error(ErrorKind::usage, origin + ": not an http:// or https:// URL");
    }
    std::string port;
    if (!rest.empty() && rest[0] == '[') {  // [v6]:port
        std::size_t close = rest.find(']');
        if (close == std::string::npos) throw Error(ErrorKind::usage, origin + ": unterminated IPv6 address");
        o.host = rest.substr(1, close - 1);
        if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
    } else {
        std::size_t colon = rest.rfind(':');
        o.host = rest.substr(0, colon);
        if (colon != std::string::npos) port = rest.substr(colon + 1);
    }
    if (o.host.empty()) throw Error(ErrorKind::usage, origin + ": no host");
    o.port = o.https ? 443 : 80;
    if (!port.empty()) {
        if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) == 0 ||
            std::stoi(port) > 65535)
            throw Error(ErrorKind::usage, origin + ": bad port");
        o.port = std::stoi(port);
    }
    return o;
}

struct HttpClient::Impl {
    std::string origin;
    HttpOptions options;
    std::unique_ptr<httplib::ClientImpl> client;
    // What the last TLS handshake showed and, when the server was refused, why.
    std::vector<Certificate> seen;
    std::string refusal;

    // Replaces OpenSSL's chain check: records the server's chain, then checks it as asked.
    static int check_server(X509_STORE_CTX* store_ctx, void* arg) {
        Impl& self = *static_cast<Impl*>(arg);
        self.seen.clear();
        self.refusal.clear();
        X509* leaf = X509_STORE_CTX_get0_cert(store_ctx);
        if (leaf) self.seen.push_back(copy_certificate(leaf));
        if (STACK_OF(X509)* rest = X509_STORE_CTX_get0_untrusted(store_ctx))
            for (int i = 0; i < sk_X509_num(rest); ++i) {
                X509* c = sk_X509_value(rest, i);
                if (X509_cmp(c, leaf) != 0) self.seen.push_back(copy_certificate(c));
            }
        const HttpOptions& o = self.options;
        if (o.provisional) return 1;
        if (o.pinned_anchors.empty()) return X509_verify_cert(store_ctx);  // host name: httplib checks it
        if (self.seen.empty()) {
            self.refusal = "the server sent no certificate";
            return 0;
        }
        for (const Certificate& a : o.pinned_anchors)
            if (a == self.seen.front()) return 1;
        ChainOptions chain;
        chain.trust_anchors = o.pinned_anchors;
        chain.intermediates.assign(self.seen.begin() + 1, self.seen.end());
        ChainResult r = verify_chain(self.seen.front(), chain);
        if (r.ok) return 1;
        self.refusal = "server certificate does not chain to the pinned certificate: " + r.error;
        X509_STORE_CTX_set_error(store_ctx, X509_V_ERR_CERT_UNTRUSTED);
        return 0;
    }

    // The answer, or the error: a body over max_size (a GET stopped reading it), no answer at all.
    HttpResponse finish(httplib::Result& res, std::string_view path, bool too_big, Bytes body) {
        if (too_big)
            throw Error(ErrorKind::protocol,
                        origin + std::string(path) + ": larger than " + std::to_string(options.max_size) + " bytes");
        if (!res) {
            std::string why = httplib::to_string(res.error());
            if (!refusal.empty()) why += " (" + refusal + ")";
            else if (auto* tls = dynamic_cast<httplib::SSLClient*>(client.get()); tls && tls->get_openssl_verify_result())
                why += std::string(" (certificate verification failed: ") +
                       X509_verify_cert_error_string(tls->get_openssl_verify_result()) + ")";
            throw Error(ErrorKind::unreachable, origin + std::string(path) + ": " + why);
        }
        HttpResponse out;
        out.status = res->status;
        out.content_type = res->get_header_value("Content-Type");
        out.headers.assign(res->headers.begin(), res->headers.end());
        out.peer_chain = seen;
        out.body = std::move(body);
        return out;
    }

    void report(const char* method, const std::string& path, const httplib::Headers& sent, ByteView body,
                const HttpResponse& r) const {
        if (!options.on_exchange) return;
        options.on_exchange(HttpExchange{method, origin + path, HttpHeaders(sent.begin(), sent.end()), body, r});
    }

    httplib::Headers headers_with(const HttpHeaders& extra) const {
        httplib::Headers h(options.headers.begin(), options.headers.end());
        h.insert(extra.begin(), extra.end());
        h.emplace("User-Agent", std::string("iotops/") + IOTOPS_VERSION);
        return h;
    }
};

HttpClient::HttpClient(const std::string& origin, HttpOptions options) : impl_(std::make_unique<Impl>()) {
    Impl& s = *impl_;
    s.origin = origin;
    s.options = std::move(options);
    Origin o = parse_origin(origin);
    if (o.https) {
        auto tls = std::make_unique<httplib::SSLClient>(o.host, o.port);
        SSL_CTX* ctx = tls->ssl_context();
        if (!ctx) throw Error(ErrorKind::internal, openssl_error("TLS client setup"));
        bool own_check = s.options.provisional || !s.options.pinned_anchors.empty();
        tls->enable_server_certificate_verification(!own_check);
        if (!own_check && !s.options.ca_file.empty()) tls->set_ca_cert_path(s.options.ca_file.c_str());
        if (own_check) SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
        SSL_CTX_set_cert_verify_callback(ctx, &Impl::check_server, &s);
        if (s.options.client_key) {
            if (s.options.client_certificates.empty())
                throw Error(ErrorKind::usage, "a TLS client key needs its certificate");
            bool ok = SSL_CTX_use_certificate(ctx, native(s.options.client_certificates.front())) == 1;
            for (std::size_t i = 1; ok && i < s.options.client_certificates.size(); ++i)
                ok = SSL_CTX_add1_chain_cert(ctx, native(s.options.client_certificates[i])) == 1;
            ok = ok && SSL_CTX_use_PrivateKey(ctx, native(*s.options.client_key)) == 1 && SSL_CTX_check_private_key(ctx) == 1;
            if (!ok) throw Error(ErrorKind::config, openssl_error("TLS client certificate (does the key match it?)"));
        }
        s.client = std::move(tls);
    } else {
        s.client = std::make_unique<httplib::ClientImpl>(o.host, o.port);
    }
    httplib::ClientImpl& c = *s.client;
    c.set_connection_timeout(s.options.timeout_seconds, 0);
    c.set_read_timeout(s.options.timeout_seconds, 0);
    c.set_write_timeout(s.options.timeout_seconds, 0);
    c.set_follow_location(s.options.follow_redirects);
    c.set_keep_alive(true);
    if (s.options.basic_auth) c.set_basic_auth(s.options.basic_auth->first.c_str(), s.options.basic_auth->second.c_str());
}

HttpClient::~HttpClient() = default;

const std::string& HttpClient::origin() const { return impl_->origin; }

HttpResponse HttpClient::get(const std::string& path, const HttpHeaders& extra_headers) {
    Impl& s = *impl_;
    Bytes body;
    bool too_big = false;
    auto receive = [&](const char* data, std::size_t n) {
        if (body.size() + n > s.options.max_size) {
            too_big = true;
            return false;
        }
        body.insert(body.end(), data, data + n);
        return true;
    };
    httplib::Headers sent = s.headers_with(extra_headers);
    httplib::Result res = s.client->Get(path, sent, receive);
    HttpResponse out = s.finish(res, path, too_big, std::move(body));
    s.report("GET", path, sent, {}, out);
    return out;
}

HttpResponse HttpClient::post(const std::string& path, const std::string& content_type, ByteView body,
                              const HttpHeaders& extra_headers) {
    Impl& s = *impl_;
    httplib::Headers sent = s.headers_with(extra_headers);
    httplib::Result res =
        s.client->Post(path, sent, reinterpret_cast<const char*>(body.data()), body.size(), content_type);
    // A POST answer (OCSP, EST, BRSKI) is read whole and then bounded.
    bool too_big = res && res->body.size() > s.options.max_size;
    HttpResponse out = s.finish(res, path, too_big, res && !too_big ? Bytes(res->body.begin(), res->body.end()) : Bytes{});
    sent.emplace("Content-Type", content_type);
    s.report("POST", path, sent, body, out);
    return out;
}

std::pair<std::string, std::string> split_url(const std::string& url) {
    std::size_t scheme = url.find("://");
    if (scheme == std::string::npos) throw Error(ErrorKind::usage, url + ": not an http:// or https:// URL");
    std::size_t path_start = url.find('/', scheme + 3);
    std::string origin = url.substr(0, path_start);
    parse_origin(origin);
    return {origin, path_start == std::string::npos ? "/" : url.substr(path_start)};
}

HttpResponse http_request(const std::string& url, const HttpOptions& options, const std::string& content_type,
                          ByteView body) {
    auto [origin, path] = split_url(url);
    HttpClient client(origin, options);
    return content_type.empty() ? client.get(path) : client.post(path, content_type, body);
}

Bytes http_fetch(const std::string& url, const HttpOptions& options, const std::string& content_type, ByteView body) {
    HttpResponse r = http_request(url, options, content_type, body);
    if (r.status != 200) throw Error(ErrorKind::protocol, url + ": HTTP status " + std::to_string(r.status));
    return std::move(r.body);
}

}  // namespace iotops::crypto
