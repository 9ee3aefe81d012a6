// The registrar's EST service (RFC 7030) over the shared HTTPS server. Each handler is a pure
// function of the request, so tests call them without sockets. The enrolment itself
// (authentication, the CA, the audit log) is transport-neutral: the EST-coaps front end
// (registrar_coaps.hpp) calls the same `enroll`.
//
// Extension point: a registrar is one HttpServer. `Registrar::add_routes` puts the EST routes on
// it; other roles (the BRSKI /.well-known/brski/* handlers) add theirs to the same server before
// `run()`, and can share this object's `authenticate` and `ca()` to enrol pledges.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/http_server.hpp"
#include "iotops/crypto/pkcs7.hpp"
#include "iotops/est/audit_log.hpp"
#include "iotops/est/ca.hpp"
#include "iotops/est/users.hpp"

namespace iotops::est {

inline constexpr const char* well_known = "/.well-known/est";

struct RegistrarConfig {
    std::vector<crypto::Certificate> client_anchors;  // TLS client certificates must chain to one
    Users users;                                       // HTTP basic auth; empty: none accepted
    std::vector<crypto::CsrAttr> csr_attrs;            // empty: csrattrs answers 204
    std::vector<std::string> labels;                   // accepted /.well-known/est/<label>/ segments
    std::string audit_log;                             // NDJSON, appended; empty: none
};

// Who a request comes from.
struct Identity {
    enum class Kind { certificate, password } kind;
    std::string name;  // the certificate subject or the user name
    std::optional<crypto::Certificate> certificate;
};

// The client side of an EST request, whatever carried it.
struct EstPeer {
    std::vector<crypto::Certificate> chain;  // TLS/DTLS client certificate, then its chain; not verified
    std::optional<std::pair<std::string, std::string>> basic;  // HTTP basic user and password
    std::string remote_address;
    std::string transport = "https";  // for the audit log: "https" or "coaps"
};

enum class EnrollOp { enroll, reenroll, serverkeygen };

// A refusal with the HTTP status number (the CoAP side maps it) and the reason the client sees.
struct EstRefusal {
    int status;
    std::string reason;
};

// What an enrolment gave: the certificate (with the generated key for serverkeygen), or the
// refusal. Every attempt is one audit log line.
struct Enrolment {
    int status = 200;
    std::string reason;  // why not, when status is not 200
    std::optional<crypto::Certificate> certificate;
    std::optional<crypto::PrivateKey> key;
    bool ok() const { return status == 200; }
};

// The DER PKCS#10 request as the transport carries it; throws EstRefusal for a wrong media type
// or encoding. Called only once the peer is authenticated.
using CsrSource = std::function<Bytes()>;

class Registrar {
public:
    Registrar(std::shared_ptr<const Ca> ca, RegistrarConfig config);

    // GET cacerts and csrattrs, POST simpleenroll, simplereenroll and serverkeygen, with and
    // without a label, on the server.
    void add_routes(crypto::HttpServer& server) const;

    crypto::ServerResponse cacerts(const crypto::ServerRequest& req) const;
    crypto::ServerResponse csrattrs(const crypto::ServerRequest& req) const;
    crypto::ServerResponse simpleenroll(const crypto::ServerRequest& req) const;
    crypto::ServerResponse simplereenroll(const crypto::ServerRequest& req) const;
    crypto::ServerResponse serverkeygen(const crypto::ServerRequest& req) const;
    // Routes by method and path as add_routes does (404/405 otherwise): what the tests call.
    crypto::ServerResponse dispatch(const crypto::ServerRequest& req) const;

    // A TLS client certificate that chains to a client anchor or to this CA, else HTTP basic
    // credentials that match a user; nullopt otherwise (with the reason in *why).
    std::optional<Identity> authenticate(const crypto::ServerRequest& req, std::string* why = nullptr) const;
    std::optional<Identity> authenticate(const EstPeer& peer, std::string* why = nullptr) const;

    // The transport-neutral enrolment: authenticates the peer (401), reads the CSR, checks
    // reenroll rules (403) and the CSR signature (400), issues from the CA and writes the audit line.
    Enrolment enroll(const EstPeer& peer, EnrollOp op, const CsrSource& csr_der) const;

    const Ca& ca() const { return *ca_; }
    const std::vector<crypto::CsrAttr>& csr_attrs() const { return config_.csr_attrs; }
    const std::vector<std::string>& labels() const { return config_.labels; }

private:
    crypto::ServerResponse enroll_http(const crypto::ServerRequest& req, EnrollOp op) const;
    void audit(const EstPeer& peer, const char* op, const std::optional<Identity>& who,
               const crypto::Certificate* issued, const std::string& subject, int status,
               const std::string& reason) const;
    bool label_ok(const crypto::ServerRequest& req) const;

    std::shared_ptr<const Ca> ca_;
    RegistrarConfig config_;
    AuditLog audit_log_;
};

// Base64 with a line break every 64 characters, as EST peers (and `openssl base64 -d`) expect.
std::string base64_lines(ByteView data);

}  // namespace iotops::est
