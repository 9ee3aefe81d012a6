// An EST-coaps client (RFC 9148, with the cBRSKI extensions): crts, att, sen, sren and skg over
// one DTLS session, at the default /.well-known/est paths or at those /.well-known/core
// advertises. Answers in the wrong content-format are protocol errors; refusals carry the
// server's diagnostic payload.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/pkcs7.hpp"
#include "iotops/est/client.hpp"
#include "iotops/est/coap.hpp"

namespace iotops::est {

// How discovery (GET /.well-known/core?rt=ace.est*) is used.
enum class EstDiscovery {
    fallback,  // default paths; on 4.04 ask /.well-known/core once and retry at an advertised path
    first,     // ask before the first request and use what is advertised (defaults for the rest)
    never,
};

struct CoapsClientConfig {
    std::string url;    // coaps://host:port
    std::string label;  // /.well-known/est/<label>/...
    CoapClientOptions coap;  // server trust (pinned or provisional), client certificate, limits
    EstDiscovery discovery = EstDiscovery::fallback;
};

// The reason in a CoAP error answer's diagnostic payload, as refusal_reason reads it.
inline std::string coap_reason(const CoapClientResponse& r) { return refusal_reason(r.payload); }

class CoapsClient {
public:
    // Connects (the DTLS handshake): Error(unreachable) when that fails.
    explicit CoapsClient(CoapsClientConfig config);
    // Over a session already set up (a pledge's, once its registrar is trusted); config's url and
    // coap options are not used. The session must outlive this client.
    CoapsClient(CoapClient& session, CoapsClientConfig config);
    ~CoapsClient();

    // accept: none (the server's default, PKCS#7 certs-only), 281, 62 (multipart-core of 287
    // parts) or 287 (the issuing CA alone).
    CaCertsAnswer crts(std::optional<unsigned> accept = std::nullopt);
    // nullopt when the server has none (4.04, or 2.05 with an empty payload).
    std::optional<std::vector<crypto::CsrAttr>> att();
    // accept: none or 281 (certs-only, issued certificate first), or 287 (the certificate alone).
    std::vector<crypto::Certificate> sen(const crypto::Csr& csr, std::optional<unsigned> accept = std::nullopt);
    std::vector<crypto::Certificate> sren(const crypto::Csr& csr, std::optional<unsigned> accept = std::nullopt);
    ServerKey skg(const crypto::Csr& csr);

    // The path a short name (crts, sen...) is requested at, and how it was found.
    std::string path(const std::string& op) const;
    // Every path discovery found, by short name; empty when none was asked for.
    const std::map<std::string, std::string>& discovered() const { return discovered_; }
    // The code of the last answer (for transcripts); 0 before the first.
    unsigned last_code() const { return last_code_; }
    CoapClient& coap() { return *coap_; }

private:
    CoapClientResponse call(const std::string& op, CoapMethod method, const crypto::Csr* csr,
                            std::optional<unsigned> accept);
    void discover();

    CoapsClientConfig config_;
    std::unique_ptr<CoapClient> owned_;
    CoapClient* coap_;
    bool discovered_once_ = false;
    std::map<std::string, std::string> discovered_;
    unsigned last_code_ = 0;
};

}  // namespace iotops::est
