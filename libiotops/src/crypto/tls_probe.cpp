// A TLS handshake without a request: what the server shows before anything is sent to it.
#include <fcntl.h>
#include <netdb.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "iotops/core/error.hpp"
#include "iotops/crypto/http.hpp"
#include "http_origin.hpp"
#include "native.hpp"

namespace iotops::crypto {

namespace {

using SslCtxPtr = std::unique_ptr<SSL_CTX, Deleter<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, Deleter<SSL_free>>;

// A connected TCP socket, or Error(unreachable): a refusal at once, silence after `timeout` seconds.
int connect_tcp(const std::string& host, int port, int timeout, const std::string& origin) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0)
        throw Error(ErrorKind::unreachable, origin + ": " + gai_strerror(rc));
    std::unique_ptr<addrinfo, Deleter<freeaddrinfo>> list(found);
    std::string why = "no address";
    for (addrinfo* a = found; a; a = a->ai_next) {
        int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
        if (fd < 0) continue;
        int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            pollfd p{fd, POLLOUT, 0};
            rc = ::poll(&p, 1, timeout * 1000);
            int err = 0;
            socklen_t len = sizeof err;
            if (rc == 1 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) rc = 0;
            else errno = rc == 0 ? ETIMEDOUT : err;
            if (rc != 0) rc = -1;
        }
        if (rc == 0) {
            ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
            // A server that accepts and then says nothing must not hold the pledge forever.
            timeval tv{timeout, 0};
            ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
            return fd;
        }
        why = std::strerror(errno);
        ::close(fd);
    }
    throw Error(ErrorKind::unreachable, origin + ": cannot connect: " + why);
}

}  // namespace

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
    int fd = connect_tcp(host, port, options.timeout_seconds, origin);
    SslPtr ssl(SSL_new(ctx.get()));
    if (!ssl || SSL_set_fd(ssl.get(), fd) != 1) {
        ::close(fd);
        throw_openssl(ErrorKind::internal, "TLS client setup");
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    if (!host.empty() && std::isalpha(static_cast<unsigned char>(host[0]))) SSL_set_tlsext_host_name(ssl.get(), host.c_str());
    if (SSL_connect(ssl.get()) != 1) throw Error(ErrorKind::unreachable, origin + ": " + openssl_error("TLS handshake"));
    std::vector<Certificate> chain;
    // On a client the peer's chain starts with its leaf.
    if (STACK_OF(X509)* certs = SSL_get_peer_cert_chain(ssl.get()))
        for (int i = 0; i < sk_X509_num(certs); ++i) chain.push_back(copy_certificate(sk_X509_value(certs, i)));
    if (chain.empty()) throw Error(ErrorKind::protocol, origin + ": the server showed no certificate");
    return chain;
}

}  // namespace iotops::crypto
