// What the CoAP server and client share over libcoap: one-time start-up, the last DTLS/CoAP
// complaint libcoap logged (for error reasons), the peer's certificates and address resolution.
// Only est's coap_*.cpp include this; libcoap types go no further.
#pragma once
#include <coap3/coap.h>

#include <string>
#include <vector>

#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/key.hpp"

namespace iotops::est::coapn {

// coap_startup() once per process, libcoap's logging captured instead of written to stderr.
void ensure_started();

// The most recent warning or error libcoap logged on this thread ("" when none), then clears it.
std::string take_last_log();

// The certificates the DTLS peer of `session` sent, leaf first; empty without DTLS or certificate.
std::vector<crypto::Certificate> peer_chain(const coap_session_t* session);

// What libcoap's PKI setup cannot say, applied to each new DTLS session by tls_setup() below.
// coap_dtls_pki_t.cn_call_back_arg carries a pointer to it (no CN callback is set).
struct TlsSetup {
    std::vector<crypto::Certificate> extra_chain;  // sent after our own certificate
    bool request_any_client_certificate = false;   // server: ask for one, accept any or none
    unsigned max_fragment_length = 0;              // client: 512/1024/2048/4096 in the ClientHello
    bool max_fragment_length_set = false;          // whether OpenSSL took it
};

// libcoap's additional_tls_setup_call_back: gets the session's SSL* before the handshake.
// libcoap 4.3.1 calls it for server sessions only.
int tls_setup(void* tls, coap_dtls_pki_t* setup);

// For clients, whose SSL* libcoap 4.3.1 shows only after the ClientHello went out: a throwaway
// session makes libcoap create the context's SSL_CTX, on which the certificate chain and
// max_fragment_length are set for the sessions that follow. False when that failed.
bool prime_client_context(coap_context_t* ctx, coap_dtls_pki_t* pki, const crypto::Certificate& leaf,
                          const crypto::PrivateKey& key, TlsSetup& setup);

// The max_fragment_length the DTLS session agreed (512..4096), 0 when none.
unsigned negotiated_max_fragment_length(const coap_session_t* session);

// The PEM buffers a coap_dtls_pki_t points at; they must live as long as the context.
struct PkiBuffers {
    std::string certificate;  // leaf only: libcoap reads one certificate from the buffer
    std::string key;          // PKCS#8 PEM, unencrypted
};
// A coap_dtls_pki_t that verifies nothing itself (the caller does) and calls tls_setup().
coap_dtls_pki_t make_pki(const PkiBuffers& buffers, TlsSetup* setup);

// Resolves host (IPv4, IPv6 without brackets, or a name) and port. Error(unreachable) when it cannot.
coap_address_t resolve(const std::string& host, unsigned port, bool passive);

// "address:port" of a libcoap address.
std::string address_string(const coap_address_t* address);

}  // namespace iotops::est::coapn
