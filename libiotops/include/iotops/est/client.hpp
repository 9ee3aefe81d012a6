// An EST client (RFC 7030): cacerts, csrattrs, simpleenroll, simplereenroll, serverkeygen over
// HTTPS, with a TLS client certificate or HTTP basic credentials, and 202 Retry-After handled.
#pragma once
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/http.hpp"
#include "iotops/crypto/key.hpp"
#include "iotops/crypto/pkcs7.hpp"

namespace iotops::est {

struct ClientConfig {
    std::string url;    // https://host:port, optionally with a path prefix replacing /.well-known/est
    std::string label;  // /.well-known/est/<label>/...
    crypto::HttpOptions http;  // server trust (ca_file, or provisional), client certificate, basic auth
    unsigned retry_max = 3;    // how many 202 answers to wait out before giving up
    std::chrono::seconds retry_wait_max{300};  // a longer Retry-After is cut to this
    std::function<void(std::chrono::seconds)> sleep;  // default: sleep the thread
};

struct CaCertsAnswer {
    std::vector<crypto::Certificate> certificates;  // as the server sent them
    std::vector<crypto::Certificate> server_chain;  // the TLS certificates the server showed
};

struct ServerKey {
    crypto::PrivateKey key;
    std::vector<crypto::Certificate> certificates;
};

class Client {
public:
    explicit Client(ClientConfig config);
    ~Client();

    CaCertsAnswer cacerts();
    // nullopt when the server has none to ask for (204, or 404 as RFC 7030 4.5.2 allows).
    std::optional<std::vector<crypto::CsrAttr>> csrattrs();
    std::vector<crypto::Certificate> simpleenroll(const crypto::Csr& csr);
    std::vector<crypto::Certificate> simplereenroll(const crypto::Csr& csr);
    ServerKey serverkeygen(const crypto::Csr& csr);

private:
    crypto::HttpResponse request(const std::string& op, const crypto::Csr* csr);
    std::string path(const std::string& op) const;

    ClientConfig config_;
    std::string prefix_;
    crypto::HttpClient http_;
};

// The reason a server gave with a refusal, safe to print: the first line of the body, printable
// ASCII, at most 200 bytes; "no reason given" when empty.
std::string refusal_reason(ByteView body);
inline std::string answer_reason(const crypto::HttpResponse& r) { return refusal_reason(r.body); }

// The certificates of an EST answer body: base64 (or, from lenient servers, binary DER) certs-only.
// Error(protocol) naming what is wrong.
std::vector<crypto::Certificate> decode_certs_only_body(ByteView body, const std::string& what);

}  // namespace iotops::est
