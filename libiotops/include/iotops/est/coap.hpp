// CoAP over DTLS (RFC 7252, RFC 9147/6347) for EST-coaps (RFC 9148) and cBRSKI: a server whose
// resources are plain functions from a request to a response, and a client with the same server
// verification choices as crypto::HttpClient (pinned anchors or provisional). Block-wise transfer
// (RFC 7959) in both directions is done underneath, so handlers and callers see whole bodies.
// (libcoap and its OpenSSL use stay inside the est area's .cpp files.)
#pragma once
#include <cstdint>
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

namespace iotops::est {

// CoAP Content-Format numbers (IANA "CoAP Content-Formats"; RFC 9148 section 8.2; cBRSKI IANA section).
namespace coap_format {
inline constexpr unsigned text_plain = 0;
inline constexpr unsigned link_format = 40;     // application/link-format (RFC 6690)
inline constexpr unsigned json = 50;            // application/json
inline constexpr unsigned cbor = 60;            // application/cbor
inline constexpr unsigned multipart_core = 62;  // application/multipart-core (RFC 8710)
inline constexpr unsigned pkcs7_server_generated_key = 280;  // application/pkcs7-mime; smime-type=server-generated-key
inline constexpr unsigned pkcs7_certs_only = 281;            // application/pkcs7-mime; smime-type=certs-only
inline constexpr unsigned pkcs8 = 284;                       // application/pkcs8
inline constexpr unsigned csrattrs = 285;                    // application/csrattrs
inline constexpr unsigned pkcs10 = 286;                      // application/pkcs10
inline constexpr unsigned pkix_cert = 287;                   // application/pkix-cert
inline constexpr unsigned voucher_cose = 836;                // application/voucher+cose
}  // namespace coap_format

// Method codes (0.01..0.04) and the response codes EST-coaps uses, as class*32+detail.
enum class CoapMethod : unsigned { get = 1, post = 2, put = 3, del = 4 };
std::string_view method_name(CoapMethod m);

namespace coap_code {
inline constexpr unsigned created = 65;        // 2.01
inline constexpr unsigned deleted = 66;        // 2.02
inline constexpr unsigned changed = 68;        // 2.04
inline constexpr unsigned content = 69;        // 2.05
inline constexpr unsigned bad_request = 128;   // 4.00
inline constexpr unsigned unauthorized = 129;  // 4.01
inline constexpr unsigned bad_option = 130;    // 4.02
inline constexpr unsigned forbidden = 131;     // 4.03
inline constexpr unsigned not_found = 132;     // 4.04
inline constexpr unsigned method_not_allowed = 133;  // 4.05
inline constexpr unsigned not_acceptable = 134;      // 4.06
inline constexpr unsigned request_entity_too_large = 141;  // 4.13
inline constexpr unsigned unsupported_content_format = 143;  // 4.15
inline constexpr unsigned internal_server_error = 160;  // 5.00
inline constexpr unsigned bad_gateway = 162;            // 5.02
inline constexpr unsigned service_unavailable = 163;    // 5.03
}  // namespace coap_code

// "2.05" for 69.
std::string code_string(unsigned code);

struct CoapRequest {
    CoapMethod method = CoapMethod::get;
    std::string path;   // the Uri-Path options joined with '/', with a leading '/'
    std::string query;  // the Uri-Query options joined with '&'; empty when none
    std::optional<unsigned> content_format;
    std::optional<unsigned> accept;
    Bytes payload;  // the whole body (Block1 reassembled)
    // The DTLS client certificate and the chain sent with it, leaf first. NOT verified: each
    // handler decides which anchors it trusts. Empty over plain CoAP or without a certificate.
    std::vector<crypto::Certificate> peer_chain;
    std::string remote_address;
};

struct CoapResponse {
    unsigned code = coap_code::content;
    std::optional<unsigned> content_format;  // with a payload and none: application/octet-stream (42)
    Bytes payload;  // sent block-wise (Block2) when larger than one message

    // A text/plain diagnostic answer with a reason (RFC 7252 section 5.5.2).
    static CoapResponse text(unsigned code, std::string_view message);
};

using CoapHandler = std::function<CoapResponse(const CoapRequest&)>;

// A resource and what /.well-known/core says about it (RFC 6690; RFC 9148 section 4.1).
struct CoapResource {
    std::string path;                  // "/.well-known/est/crts"
    std::vector<CoapMethod> methods;   // the methods answered; others get 4.05
    std::vector<std::string> rt;       // resource types, e.g. "ace.est.crts"
    std::vector<unsigned> ct;          // content-formats offered
    std::string interface;             // "if" attribute; empty: none
    CoapHandler handler;
};

struct CoapServerOptions {
    std::vector<crypto::Certificate> certificates;  // the server certificate, then its chain; empty: plain CoAP
    std::optional<crypto::PrivateKey> key;          // the server certificate's key
    // Ask every DTLS client for a certificate, accept any (or none): handlers see it in peer_chain.
    bool request_client_certificate = true;
};

// A handler that throws iotops::Error is answered with the code its kind maps to and the message.
class CoapServer {
public:
    explicit CoapServer(CoapServerOptions options);
    ~CoapServer();
    CoapServer(const CoapServer&) = delete;
    CoapServer& operator=(const CoapServer&) = delete;

    void add(CoapResource resource);  // before run()
    // Binds host:port (0: a free port) over UDP and returns the port. Error(io) when it cannot.
    int bind(const std::string& host, int port);
    std::string origin() const;  // "coaps://host:port" (or coap://)
    // Serves until stop() is called or the process gets SIGINT or SIGTERM.
    void run();
    void stop();  // from any thread

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

// The CoAP response code a handler's iotops::Error of this kind is answered with.
unsigned coap_code_for(ErrorKind kind);

struct CoapExchange;

struct CoapClientOptions {
    std::vector<crypto::Certificate> pinned_anchors;  // the server chain must end at one of these
    bool provisional = false;  // accept any server certificate; server_chain says which
    std::optional<crypto::PrivateKey> client_key;     // DTLS client authentication, with:
    std::vector<crypto::Certificate> client_certificates;  // the client certificate, then its chain
    int timeout_ms = 30000;  // for the handshake, and for each request with all its blocks
    // Constrained-pledge limits (cBRSKI DTLS section): ask for max_fragment_length (512 or 1024;
    // 0: do not ask) and keep the path MTU at this many bytes, which also bounds the block size.
    unsigned max_fragment_length = 0;
    unsigned mtu = 0;  // 0: libcoap's default (1152)
    // Called with every request and the response it got (transcripts, --verbose); not for
    // requests that got none.
    std::function<void(const CoapExchange&)> on_exchange;
};

struct CoapClientResponse {
    unsigned code = 0;
    std::optional<unsigned> content_format;
    Bytes payload;  // the whole body (Block2 reassembled)
    std::vector<crypto::Certificate> server_chain;  // leaf first, as the server sent it (coaps)

    bool success() const { return code / 32 == 2; }
};

// One request and its response, as CoapClientOptions::on_exchange sees it.
struct CoapExchange {
    std::string uri;  // the server, coaps://host:port
    CoapMethod method = CoapMethod::get;
    std::string path;  // with ?query when there is one
    std::optional<unsigned> content_format;
    std::optional<unsigned> accept;
    Bytes payload;
    const CoapClientResponse* response = nullptr;
};

// One link of a CoRE link-format document (RFC 6690): the target and its attributes in order.
struct CoapLink {
    std::string target;  // the URI-reference between < and >
    std::vector<std::pair<std::string, std::string>> attributes;  // value unquoted; "" when absent

    std::optional<std::string> attribute(std::string_view name) const;  // the first
    std::vector<std::string> resource_types() const;  // every rt, split at spaces
    std::vector<unsigned> content_formats() const;    // every ct, split at spaces
};

// Parses application/link-format. Error(malformed) with the byte offset on bad input.
std::vector<CoapLink> parse_link_format(std::string_view text);

// Requests to one server ("coaps://host:port", "coaps://[::1]:5684", or coap://) over one DTLS
// session, set up on construction. Error(usage) for another URI; Error(unreachable) when the server
// does not answer, the handshake fails or the server certificate is refused (with the reason).
// Any response code is returned.
class CoapClient {
public:
    CoapClient(const std::string& uri, CoapClientOptions options);
    ~CoapClient();
    CoapClient(const CoapClient&) = delete;
    CoapClient& operator=(const CoapClient&) = delete;

    CoapClientResponse request(CoapMethod method, const std::string& path, ByteView payload = {},
                               std::optional<unsigned> content_format = std::nullopt,
                               std::optional<unsigned> accept = std::nullopt);
    CoapClientResponse get(const std::string& path, std::optional<unsigned> accept = std::nullopt) {
        return request(CoapMethod::get, path, {}, std::nullopt, accept);
    }
    // GET /.well-known/core (with `query`, e.g. "rt=ace.est*"), parsed.
    std::vector<CoapLink> discover(const std::string& query = {});
    const std::vector<crypto::Certificate>& server_chain() const;
    const std::string& uri() const;
    // The max_fragment_length the DTLS session agreed (RFC 6066), 0 when none was asked or agreed.
    unsigned max_fragment_length() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace iotops::est
