// iot-voucher serve: a MASA (RFC 8995 5.5-5.8) over HTTPS. POST /.well-known/brski/requestvoucher
// answers a registrar voucher-request with a signed voucher; POST .../requestauditlog with the
// device's audit log. The checks, the policy and the log live in libiotops (est/masa.hpp).
#include <memory>

#include "artifact.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/http_server.hpp"
#include "iotops/crypto/passphrase.hpp"
#include "iotops/est/masa.hpp"
#include "verbs.hpp"

namespace iotops::voucher_cli {
namespace {

struct Opts {
    std::string key, cert, pass, tls_cert, tls_key, policy, deny_list, audit_log, format = "cms", valid, pin = "domain-ca";
    std::vector<std::string> chain, idevid_cas;
    bool any_registrar = false, plain_http = false;
    std::string host = "127.0.0.1";
    int port = 0;
    unsigned threads = 16;
};

std::vector<crypto::Certificate> load_all(const std::vector<std::string>& paths) {
    std::vector<crypto::Certificate> out;
    for (const auto& p : paths) {
        auto certs = crypto::Certificate::load_all_file(p);
        out.insert(out.end(), certs.begin(), certs.end());
    }
    return out;
}

est::BrskiRequest brski_request(const crypto::ServerRequest& r) {
    est::BrskiRequest b;
    b.content_type = r.content_type;
    b.accept = r.header("Accept").value_or("");
    b.body = r.body;
    b.peer_chain = r.peer_chain;
    return b;
}

crypto::ServerResponse server_response(est::BrskiReply r) {
    crypto::ServerResponse s;
    s.status = r.status;
    s.content_type = std::move(r.content_type);
    s.body = std::move(r.body);
    return s;
}

int run(const Opts& o, cli::Context& ctx) {
    if (o.idevid_cas.empty()) throw Error(ErrorKind::usage, "serve: --idevid-ca is required (the manufacturer's IDevID trust anchors)");
    if (o.policy.empty() && !o.any_registrar)
        throw Error(ErrorKind::usage, "serve: give --policy FILE, or --any-registrar to issue vouchers to every registrar (audit only)");
    if (!o.policy.empty() && o.any_registrar) throw Error(ErrorKind::usage, "serve: --policy and --any-registrar exclude each other");
    if (o.plain_http != (o.tls_cert.empty() && o.tls_key.empty()))
        throw Error(ErrorKind::usage, o.plain_http ? "serve: --plain-http and --tls-cert/--tls-key exclude each other"
                                                   : "serve: --tls-cert and --tls-key are required (or --plain-http)");
    if (!o.plain_http && (o.tls_cert.empty() || o.tls_key.empty()))
        throw Error(ErrorKind::usage, "serve: --tls-cert and --tls-key go together");

    std::optional<std::string> pass;
    if (!o.pass.empty()) pass = crypto::read_passphrase(o.pass);
    est::MasaConfig c{crypto::PrivateKey::load_file(o.key, pass), crypto::Certificate::load_file(o.cert)};
    if (!(c.cert.public_key() == c.key.public_key())) throw Error(ErrorKind::usage, "serve: --cert does not belong to --key");
    c.chain = load_all(o.chain);
    c.idevid_anchors = load_all(o.idevid_cas);
    if (!o.policy.empty()) {
        try {
            c.policy = est::OwnershipPolicy::load_file(o.policy);
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::malformed) throw;
            throw Error(ErrorKind::config, e.what());
        }
    }
    c.deny_list = o.deny_list;
    c.audit_log = o.audit_log;
    c.format = voucher::parse_format(o.format);
    c.pin = o.pin == "end-entity" ? est::PinChoice::end_entity : est::PinChoice::domain_ca;
    if (!o.valid.empty()) c.validity = parse_duration(o.valid);
    auto masa = std::make_shared<const est::Masa>(std::move(c));

    crypto::ServerOptions so;
    if (!o.plain_http) {
        so.certificates = crypto::Certificate::load_all_file(o.tls_cert);
        so.key = crypto::PrivateKey::load_file(o.tls_key, pass);
    }
    so.threads = std::max(1u, o.threads);
    so.max_body = max_artifact_size;
    crypto::HttpServer server(so);
    server.handle("POST", "/.well-known/brski/requestvoucher", [masa](const crypto::ServerRequest& r) {
        return server_response(masa->request_voucher(brski_request(r)));
    });
    server.handle("POST", "/.well-known/brski/requestauditlog", [masa](const crypto::ServerRequest& r) {
        return server_response(masa->request_audit_log(brski_request(r)));
    });
    int port = server.bind(o.host, o.port);
    *ctx.err << ctx.tool << ": serve: MASA listening on " << (o.plain_http ? "http://" : "https://") << o.host << ":" << port
             << "/" << std::endl;
    server.run();
    return 0;
}

}  // namespace

void add_serve(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    auto& verb = tool.add_verb("serve", "Serve as a MASA: answer registrar voucher-requests and audit-log requests over HTTPS",
                               [o](cli::Context& ctx) { return run(*o, ctx); });
    verb.add_option("--key", o->key, "MASA voucher signing key")->required();
    verb.add_option("--cert", o->cert, "MASA voucher signing certificate")->required();
    verb.add_option("--chain", o->chain, "Intermediate certificates sent with each voucher; repeatable")->allow_extra_args(false);
    verb.add_option("--pass", o->pass, "Passphrase source for the keys: pass:, env:, file:, fd:");
    verb.add_option("--tls-cert", o->tls_cert, "HTTPS server certificate, then its chain (PEM)");
    verb.add_option("--tls-key", o->tls_key, "Key of --tls-cert");
    verb.add_flag("--plain-http", o->plain_http, "Serve plain HTTP without TLS (tests only; RFC 8995 requires HTTPS)");
    verb.add_option("--idevid-ca", o->idevid_cas, "Manufacturer IDevID trust anchors (PEM); repeatable")->allow_extra_args(false);
    verb.add_option("--policy", o->policy, "Ownership policy (YAML or JSON): which registrar domains may claim which serials");
    verb.add_flag("--any-registrar", o->any_registrar, "No ownership policy: issue vouchers to any registrar (audit only)");
    verb.add_option("--deny-list", o->deny_list, "Serial numbers never to issue vouchers for (iot-revoke decommission); re-read per request");
    verb.add_option("--audit-log", o->audit_log, "NDJSON audit log: one line per voucher issued; requestauditlog reads it");
    verb.add_option("--format", o->format, "Voucher format when Accept names none: cms (default) or jws; COSE requests get COSE")
        ->check(CLI::IsMember({"cms", "jws"}));
    verb.add_option("--pin", o->pin, "What pinned-domain-cert holds: domain-ca (the farthest certificate the registrar sent; default) or end-entity")
        ->check(CLI::IsMember({"domain-ca", "end-entity"}));
    verb.add_option("--valid", o->valid, "Voucher lifetime, e.g. 20m: sets expires-on (default: none)");
    verb.add_option("--host", o->host, "Address to listen on (default 127.0.0.1)");
    verb.add_option("--port", o->port, "Port (default 0: any free port, printed on stderr)");
    verb.add_option("--threads", o->threads, "Worker threads (default 16)");
}

}  // namespace iotops::voucher_cli
