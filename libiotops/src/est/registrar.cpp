// EST server handlers (RFC 7030 sections 4.1 to 4.5), authentication and the audit log.
#include "iotops/est/registrar.hpp"

#include <strings.h>

#include <regex>

#include <nlohmann/json.hpp>

#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/time.hpp"
#include "iotops/crypto/cipher.hpp"
#include "iotops/est/multipart.hpp"

namespace iotops::est {

using crypto::ServerRequest;
using crypto::ServerResponse;

namespace {

constexpr const char* certs_only_type = "application/pkcs7-mime; smime-type=certs-only";

const std::regex& est_path() {
    static const std::regex re(R"(^/\.well-known/est(?:/([^/]+))?/([a-z]+)$)");
    return re;
}

bool media_type_is(const std::string& content_type, std::string_view want) {
    std::string_view ct(content_type);
    ct = ct.substr(0, ct.find(';'));
    while (!ct.empty() && ct.back() == ' ') ct.remove_suffix(1);
    return ct.size() == want.size() && strncasecmp(ct.data(), want.data(), want.size()) == 0;
}

ServerResponse base64_answer(const std::string& content_type, ByteView der) {
    ServerResponse r;
    r.content_type = content_type;
    std::string text = base64_lines(der);
    r.body = Bytes(text.begin(), text.end());
    r.headers.emplace_back("Content-Transfer-Encoding", "base64");
    return r;
}

// The CSR of an HTTP request: application/pkcs10, base64 (RFC 8951) or binary DER.
Bytes read_csr(const ServerRequest& req) {
    if (!media_type_is(req.content_type, "application/pkcs10"))
        throw EstRefusal{415, "the request must be application/pkcs10, not '" + req.content_type + "'"};
    if (req.body.empty()) throw EstRefusal{400, "empty request body: expected a base64 PKCS#10 CSR"};
    if (req.body[0] == 0x30) return req.body;  // binary DER, which some clients send although RFC 8951 says base64
    try {
        return base64_decode(to_string(req.body));
    } catch (const Error& e) {
        throw EstRefusal{400, std::string("the body is not base64: ") + e.what()};
    }
}

EstPeer peer_of(const ServerRequest& req) {
    EstPeer p;
    p.chain = req.peer_chain;
    p.basic = req.basic_auth();
    p.remote_address = req.remote_address;
    return p;
}

const char* op_name(EnrollOp op) {
    return op == EnrollOp::enroll ? "simpleenroll" : op == EnrollOp::reenroll ? "simplereenroll" : "serverkeygen";
}

}  // namespace

std::string base64_lines(ByteView data) {
    std::string b = base64_encode(data), out;
    out.reserve(b.size() + b.size() / 64 + 2);
    for (std::size_t i = 0; i < b.size(); i += 64) {
        out.append(b, i, 64);
        out += '\n';
    }
    return out;
}

Registrar::Registrar(std::shared_ptr<const Ca> ca, RegistrarConfig config)
    : ca_(std::move(ca)), config_(std::move(config)), audit_log_(config_.audit_log) {}

void Registrar::add_routes(crypto::HttpServer& server) const {
    auto h = [this](const ServerRequest& req) { return dispatch(req); };
    server.handle("GET", R"(/\.well-known/est/.*)", h);
    server.handle("POST", R"(/\.well-known/est/.*)", h);
}

bool Registrar::label_ok(const ServerRequest& req) const {
    std::smatch m;
    if (!std::regex_match(req.path, m, est_path())) return false;
    if (!m[1].matched) return true;
    return std::find(config_.labels.begin(), config_.labels.end(), m[1].str()) != config_.labels.end();
}

ServerResponse Registrar::dispatch(const ServerRequest& req) const {
    std::smatch m;
    if (!std::regex_match(req.path, m, est_path())) return ServerResponse::text(404, "not an EST path");
    if (!label_ok(req)) return ServerResponse::text(404, "unknown EST label '" + m[1].str() + "'");
    const std::string op = m[2];
    bool get = req.method == "GET" || req.method == "HEAD";
    if (op == "cacerts" || op == "csrattrs") {
        if (!get) return ServerResponse::text(405, op + " takes GET");
        return op == "cacerts" ? cacerts(req) : csrattrs(req);
    }
    if (op == "simpleenroll" || op == "simplereenroll" || op == "serverkeygen") {
        if (req.method != "POST") return ServerResponse::text(405, op + " takes POST");
        return op == "simpleenroll" ? simpleenroll(req) : op == "simplereenroll" ? simplereenroll(req) : serverkeygen(req);
    }
    if (op == "fullcmc") return ServerResponse::text(501, "fullcmc is not implemented");
    return ServerResponse::text(404, "unknown EST operation '" + op + "'");
}

ServerResponse Registrar::cacerts(const ServerRequest&) const {
    ServerResponse r = base64_answer("application/pkcs7-mime", crypto::certs_only(ca_->certificates()));
    return r;
}

ServerResponse Registrar::csrattrs(const ServerRequest&) const {
    if (config_.csr_attrs.empty()) {
        ServerResponse r;
        r.status = 204;
        return r;
    }
    return base64_answer("application/csrattrs", crypto::encode_csr_attrs(config_.csr_attrs));
}

ServerResponse Registrar::simpleenroll(const ServerRequest& req) const { return enroll_http(req, EnrollOp::enroll); }
ServerResponse Registrar::simplereenroll(const ServerRequest& req) const { return enroll_http(req, EnrollOp::reenroll); }
ServerResponse Registrar::serverkeygen(const ServerRequest& req) const { return enroll_http(req, EnrollOp::serverkeygen); }

std::optional<Identity> Registrar::authenticate(const ServerRequest& req, std::string* why) const {
    return authenticate(peer_of(req), why);
}

std::optional<Identity> Registrar::authenticate(const EstPeer& peer, std::string* why) const {
    std::string reason = peer.transport == "https" ? "no client certificate and no HTTP basic credentials"
                                                   : "no client certificate";
    if (!peer.chain.empty()) {
        const crypto::Certificate& leaf = peer.chain.front();
        crypto::ChainOptions opts;
        opts.intermediates.assign(peer.chain.begin() + 1, peer.chain.end());
        opts.trust_anchors = config_.client_anchors;
        if (!opts.trust_anchors.empty() && crypto::verify_chain(leaf, opts).ok)
            return Identity{Identity::Kind::certificate, leaf.subject(), leaf};
        // A certificate this CA issued (an LDevID renewing itself) counts while it is valid.
        if (ca_->issued_and_valid(leaf)) return Identity{Identity::Kind::certificate, leaf.subject(), leaf};
        reason = "the client certificate '" + leaf.subject() + "' is not trusted";
    }
    if (const auto& basic = peer.basic) {
        if (config_.users.check(basic->first, basic->second))
            return Identity{Identity::Kind::password, basic->first, std::nullopt};
        reason = "wrong user name or password";
    }
    if (why) *why = reason;
    return std::nullopt;
}

Enrolment Registrar::enroll(const EstPeer& peer, EnrollOp op, const CsrSource& csr_der) const {
    std::optional<Identity> who;
    std::string subject;
    Enrolment out;
    auto refused = [&](int status, const std::string& reason, const std::string& logged) {
        audit(peer, op_name(op), who, nullptr, subject, status, logged);
        out.status = status;
        out.reason = reason;
        return out;
    };
    try {
        std::string why;
        who = authenticate(peer, &why);
        if (!who) throw EstRefusal{401, why};
        if (op == EnrollOp::reenroll && (!who->certificate || !ca_->issued_and_valid(*who->certificate)))
            throw EstRefusal{403, "simplereenroll needs a TLS client certificate this CA issued and has not revoked"};
        Bytes der = csr_der();
        crypto::Csr csr = [&] {
            try {
                return crypto::Csr::load(der);
            } catch (const Error& e) {
                throw EstRefusal{400, std::string("malformed CSR: ") + e.what()};
            }
        }();
        subject = csr.subject();
        if (!csr.verify_signature()) throw EstRefusal{400, "the CSR signature does not verify"};
        // RFC 7030 4.2.2: the subject of a renewal is the subject of the certificate renewed.
        if (op == EnrollOp::reenroll && csr.subject_name() != who->certificate->subject_name())
            throw EstRefusal{403, "the CSR subject '" + subject + "' differs from the certificate being renewed ('" +
                                      who->certificate->subject() + "')"};
        if (op == EnrollOp::serverkeygen) out.key = crypto::PrivateKey::generate(crypto::KeyType::p256);
        out.certificate = out.key ? ca_->issue_for(csr.subject_name(), out.key->public_key()) : ca_->issue(csr);
        audit(peer, op_name(op), who, &*out.certificate, subject, 200, "");
        return out;
    } catch (const EstRefusal& f) {
        return refused(f.status, f.reason, f.reason);
    } catch (const Error& e) {
        int status = e.kind() == ErrorKind::malformed ? 400 : e.kind() == ErrorKind::negative ? 403 : 500;
        return refused(status, status == 500 ? "internal error" : e.what(), e.what());
    }
}

ServerResponse Registrar::enroll_http(const ServerRequest& req, EnrollOp op) const {
    Enrolment e = enroll(peer_of(req), op, [&] { return read_csr(req); });
    if (!e.ok()) {
        ServerResponse r = ServerResponse::text(e.status, e.reason);
        if (e.status == 401) r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"EST\"");
        return r;
    }
    if (!e.key) return base64_answer(certs_only_type, crypto::certs_only({*e.certificate}));

    std::string boundary = "est-" + hex_encode(crypto::random_bytes(12));
    std::string k64 = base64_lines(e.key->pkcs8_der()), c64 = base64_lines(crypto::certs_only({*e.certificate}));
    std::vector<MimePart> parts{
        {{{"Content-Type", "application/pkcs8"}, {"Content-Transfer-Encoding", "base64"}}, Bytes(k64.begin(), k64.end())},
        {{{"Content-Type", certs_only_type}, {"Content-Transfer-Encoding", "base64"}}, Bytes(c64.begin(), c64.end())}};
    ServerResponse r;
    r.content_type = "multipart/mixed; boundary=" + boundary;
    r.body = build_multipart(boundary, parts);
    return r;
}

void Registrar::audit(const EstPeer& peer, const char* op, const std::optional<Identity>& who,
                      const crypto::Certificate* issued, const std::string& subject, int status,
                      const std::string& reason) const {
    if (!audit_log_.enabled()) return;
    nlohmann::json j{{"operation", op}, {"remote", peer.remote_address}, {"transport", peer.transport},
                     {"auth", !who ? "none" : who->kind == Identity::Kind::certificate ? "certificate" : "password"},
                     {"who", who ? who->name : ""}, {"subject", subject}, {"status", status},
                     {"result", issued ? "issued" : "refused"}};
    if (issued) j["serial"] = issued->serial_hex();
    if (!reason.empty()) j["reason"] = reason;
    audit_log_.append(j);
}

}  // namespace iotops::est
