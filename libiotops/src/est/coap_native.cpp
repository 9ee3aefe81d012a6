// libcoap start-up and logging, and the peer certificates of a DTLS session. libcoap with its
// OpenSSL backend hands out the SSL* of a session (coap_session_get_tls); it stays in this file.
#include "est/coap_native.hpp"

#include <netdb.h>
#include <openssl/ssl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <mutex>

#include "crypto/native.hpp"
#include "iotops/core/error.hpp"

namespace iotops::est::coapn {

namespace {

thread_local std::string last_log;

void log_handler(coap_log_t level, const char* message) {
    if (level > LOG_WARNING) return;
    std::string m = message ? message : "";
    // libcoap prefixes a time stamp and the level: keep what follows the level tag.
    for (const char* tag : {"WARN ", "ERR ", "CRIT ", "ALRT ", "EMRG "}) {
        auto at = m.find(tag);
        if (at != std::string::npos) {
            m = m.substr(at + std::strlen(tag));
            break;
        }
    }
    // "** 127.0.0.1:5 <-> 127.0.0.1:6 DTLS: why": the addresses are in the caller's message already.
    if (auto dtls = m.find(" DTLS: "); !m.empty() && m.front() == '*' && dtls != std::string::npos) m = m.substr(dtls + 7);
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    if (!m.empty()) last_log = m;
}

}  // namespace

void ensure_started() {
    static std::once_flag once;
    std::call_once(once, [] {
        coap_startup();
        coap_set_log_handler(log_handler);
        coap_set_log_level(LOG_WARNING);
        coap_dtls_set_log_level(LOG_WARNING);
        if (!coap_dtls_is_supported()) throw Error(ErrorKind::internal, "libcoap was built without DTLS");
    });
}

std::string take_last_log() {
    std::string m = std::move(last_log);
    last_log.clear();
    return m;
}

std::vector<crypto::Certificate> peer_chain(const coap_session_t* session) {
    std::vector<crypto::Certificate> out;
    coap_tls_library_t library = COAP_TLS_LIBRARY_NOTLS;
    void* tls = coap_session_get_tls(session, &library);
    if (!tls || library != COAP_TLS_LIBRARY_OPENSSL) return out;
    SSL* ssl = static_cast<SSL*>(tls);
    X509* leaf = SSL_get0_peer_certificate(ssl);
    if (!leaf) return out;
    out.push_back(crypto::copy_certificate(leaf));
    // A client's view of the chain starts with the leaf; a server's does not.
    STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
    for (int i = 0; chain && i < sk_X509_num(chain); ++i) {
        X509* c = sk_X509_value(chain, i);
        if (X509_cmp(c, leaf) == 0) continue;
        out.push_back(crypto::copy_certificate(c));
    }
    return out;
}

int tls_setup(void* tls, coap_dtls_pki_t* pki) {
    SSL* ssl = static_cast<SSL*>(tls);
    auto* setup = static_cast<TlsSetup*>(pki->cn_call_back_arg);
    if (!setup) return 1;
    for (const auto& c : setup->extra_chain)
        if (SSL_add1_chain_cert(ssl, crypto::native(c)) != 1) return 0;
    if (setup->request_any_client_certificate)
        SSL_set_verify(ssl, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE, [](int, X509_STORE_CTX*) { return 1; });
    return 1;
}

namespace {

uint8_t mfl_mode(unsigned length) {
    switch (length) {
        case 512: return TLSEXT_max_fragment_length_512;
        case 1024: return TLSEXT_max_fragment_length_1024;
        case 2048: return TLSEXT_max_fragment_length_2048;
        case 4096: return TLSEXT_max_fragment_length_4096;
        default: return 0;
    }
}

}  // namespace

bool prime_client_context(coap_context_t* ctx, coap_dtls_pki_t* pki, const crypto::Certificate& leaf,
                          const crypto::PrivateKey& key, TlsSetup& setup) {
    // A DTLS session towards a local socket of our own that nobody reads: it only makes libcoap
    // create the context's SSL_CTX, which the real session then shares.
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) return false;
    sockaddr_in sink{};
    sink.sin_family = AF_INET;
    sink.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof sink;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&sink), sizeof sink) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&sink), &length) != 0) {
        close(fd);
        return false;
    }
    coap_address_t to;
    coap_address_init(&to);
    std::memcpy(&to.addr, &sink, sizeof sink);
    to.size = sizeof sink;
    coap_session_t* primer = coap_new_client_session_pki(ctx, nullptr, &to, COAP_PROTO_DTLS, pki);
    bool ok = false;
    if (primer) {
        coap_tls_library_t library = COAP_TLS_LIBRARY_NOTLS;
        auto* ssl = static_cast<SSL*>(coap_session_get_tls(primer, &library));
        SSL_CTX* sctx = ssl && library == COAP_TLS_LIBRARY_OPENSSL ? SSL_get_SSL_CTX(ssl) : nullptr;
        if (sctx) {
            // The chain goes with the certificate slot: set both here; libcoap sets the same
            // certificate and key on each SSL, which keeps the chain.
            ok = SSL_CTX_use_certificate(sctx, crypto::native(leaf)) == 1 &&
                 SSL_CTX_use_PrivateKey(sctx, crypto::native(key)) == 1 && SSL_CTX_clear_chain_certs(sctx) == 1;
            for (const auto& c : setup.extra_chain) ok = ok && SSL_CTX_add1_chain_cert(sctx, crypto::native(c)) == 1;
            if (ok && setup.max_fragment_length) {
                uint8_t mode = mfl_mode(setup.max_fragment_length);
                setup.max_fragment_length_set = mode && SSL_CTX_set_tlsext_max_fragment_length(sctx, mode) == 1;
                ok = setup.max_fragment_length_set;
            }
        }
        coap_session_release(primer);
    }
    close(fd);
    return ok;
}

unsigned negotiated_max_fragment_length(const coap_session_t* session) {
    coap_tls_library_t library = COAP_TLS_LIBRARY_NOTLS;
    auto* ssl = static_cast<SSL*>(coap_session_get_tls(session, &library));
    if (!ssl || library != COAP_TLS_LIBRARY_OPENSSL || !SSL_get_session(ssl)) return 0;
    uint8_t mode = SSL_SESSION_get_max_fragment_length(SSL_get_session(ssl));
    return mode >= 1 && mode <= 4 ? 256u << mode : 0;
}

coap_dtls_pki_t make_pki(const PkiBuffers& buffers, TlsSetup* setup) {
    coap_dtls_pki_t pki;
    std::memset(&pki, 0, sizeof pki);
    pki.version = COAP_DTLS_PKI_SETUP_VERSION;
    pki.verify_peer_cert = 0;  // the caller verifies: pinned anchors, provisional, or the handler
    pki.additional_tls_setup_call_back = tls_setup;
    pki.cn_call_back_arg = setup;
    pki.pki_key.key_type = COAP_PKI_KEY_PEM_BUF;
    if (!buffers.certificate.empty()) {
        pki.pki_key.key.pem_buf.public_cert = reinterpret_cast<const uint8_t*>(buffers.certificate.data());
        pki.pki_key.key.pem_buf.public_cert_len = buffers.certificate.size();
        pki.pki_key.key.pem_buf.private_key = reinterpret_cast<const uint8_t*>(buffers.key.data());
        pki.pki_key.key.pem_buf.private_key_len = buffers.key.size();
    }
    return pki;
}

coap_address_t resolve(const std::string& host, unsigned port, bool passive) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = passive ? AI_PASSIVE : 0;
    addrinfo* found = nullptr;
    std::string service = std::to_string(port);
    int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found);
    if (rc != 0 || !found)
        throw Error(ErrorKind::unreachable, "cannot resolve " + host + ": " + gai_strerror(rc));
    coap_address_t a;
    coap_address_init(&a);
    std::memcpy(&a.addr, found->ai_addr, found->ai_addrlen);
    a.size = found->ai_addrlen;
    freeaddrinfo(found);
    return a;
}

std::string address_string(const coap_address_t* address) {
    unsigned char buf[INET6_ADDRSTRLEN + 16];
    size_t n = coap_print_addr(address, buf, sizeof buf);
    return std::string(reinterpret_cast<char*>(buf), n);
}

}  // namespace iotops::est::coapn
