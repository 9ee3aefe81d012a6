// The registrar's EST service (RFC 7030) over the shared HTTPS server. Each handler is a pure
// function of the request, so tests call them without sockets.
//
// Extension point: a registrar is one HttpServer. `Registrar::add_routes` puts the EST routes on
// it; other roles (the BRSKI /.well-known/brski/* handlers) add theirs to the same server before
// `run()`, and can share this object's `authenticate` and `ca()` to enrol pledges.
#pragma once
#include <memory>
#include <optional>
#include <string>
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

    const Ca& ca() const { return *ca_; }

private:
    enum class Op { enroll, reenroll, serverkeygen };
    crypto::ServerResponse enroll(const crypto::ServerRequest& req, Op op) const;
    void audit(const crypto::ServerRequest& req, const char* op, const std::optional<Identity>& who,
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
