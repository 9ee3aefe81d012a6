// A TLS handshake without a request: what the server shows before anything is sent to it.
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "iotops/core/error.hpp"
#include "iotops/crypto/http.hpp"
#include "http_origin.hpp"
#include "native.hpp"

namespace iotops::crypto {

namespace {
using SslCtxPtr = std::unique_ptr<SSL_CTX, Deleter<SSL_CTX_free>>;
}

std::vector<Certificate> tls_server_chain(const std::string& origin, const HttpOptions& options) {
    Origin o = parse_origin(origin);
    if (!o.https) throw Error(ErrorKind::usage, origin + ": not an https:// origin");
    const std::string& host = o.host;
    int port = o.port;
    SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) throw_openssl(ErrorKind::internal, "TLS client setup");
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    if (options.client_key && !options.client_certificates.empty()) {
        bool ok = SSL_CTX_use_certificate(ctx.get(), native(options.client_certificates.front())) == 1;
        for (std::size_t i = 1; ok && i < options.client_certificates.size(); ++i)
            ok = SSL_CTX_add1_chain_cert(ctx.get(), native(options.client_certificates[i])) == 1;
        ok = ok && SSL_CTX_use_PrivateKey(ctx.get(), native(*options.client_key)) == 1;
        if (!ok) throw Error(ErrorKind::config, openssl_error("TLS client certificate (does the key match it?)"));
    }
    std::string target = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
    BioPtr bio(BIO_new_ssl_connect(ctx.get()));
    if (!bio) throw_openssl(ErrorKind::internal, "TLS client setup");
    BIO_set_conn_hostname(bio.get(), target.c_str());
    SSL* ssl = nullptr;
    BIO_get_ssl(bio.get(), &ssl);
    if (!host.empty() && std::isalpha(static_cast<unsigned char>(host[0]))) SSL_set_tlsext_host_name(ssl, host.c_str());
    auto fail = [&](std::string_view what) -> std::vector<Certificate> {
        throw Error(ErrorKind::unreachable, origin + ": " + openssl_error(what));
    };
    if (BIO_do_connect_retry(bio.get(), options.timeout_seconds, 0) <= 0) return fail("connect");
    int fd = -1;
    BIO_get_fd(bio.get(), &fd);
    if (fd >= 0) {  // a server that accepts and then says nothing must not hold the pledge forever
        timeval tv{options.timeout_seconds, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
    if (BIO_do_handshake(bio.get()) <= 0) return fail("TLS handshake");
    std::vector<Certificate> chain;
    // On a client the peer's chain starts with its leaf.
    if (STACK_OF(X509)* certs = SSL_get_peer_cert_chain(ssl))
        for (int i = 0; i < sk_X509_num(certs); ++i) chain.push_back(copy_certificate(sk_X509_value(certs, i)));
    if (chain.empty()) throw Error(ErrorKind::protocol, origin + ": the server showed no certificate");
    return chain;
}

}  // namespace iotops::crypto
