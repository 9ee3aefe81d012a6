// ocsp serve: an RFC 6960 responder over HTTP GET and POST for one or more issuers, each with its
// database, signing as the CA or a delegated responder. Nonce-less responses are cached until the
// database changes or half their validity has passed; GET answers carry RFC 5019 caching headers.
#include <iostream>
#include <memory>

#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/time.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/event_http_server.hpp"
#include "iotops/crypto/passphrase.hpp"
#include "ocsp_store.hpp"
#include "verbs.hpp"

namespace iotops::revoke_cli {

namespace {

namespace ocsp = crypto::ocsp;

struct Opts {
    std::string action;
    std::vector<std::string> cas, dbs, rsigners, rkeys;
    std::string pass;
    std::string host = "127.0.0.1";
    int port = 0;
    std::string validity = "1h";
    unsigned threads = 0;
};

template <typename T>
const T& nth(const std::vector<T>& v, std::size_t i, const char* what) {
    if (v.empty()) throw Error(ErrorKind::usage, std::string("ocsp serve: ") + what + " is required");
    if (v.size() != 1 && v.size() <= i)
        throw Error(ErrorKind::usage, std::string("ocsp serve: give one ") + what + " for all issuers or one per --ca");
    return v.size() == 1 ? v[0] : v[i];
}

int run(const Opts& o, cli::Context& ctx) {
    if (o.action != "serve") throw Error(ErrorKind::usage, "ocsp: the only action is 'serve'");
    if (o.cas.empty()) throw Error(ErrorKind::usage, "ocsp serve: --ca is required");
    std::optional<std::string> pass;
    if (!o.pass.empty()) pass = crypto::read_passphrase(o.pass);
    std::vector<ocsp::ResponderIssuer> issuers;
    std::vector<std::string> dbs;
    for (std::size_t i = 0; i < o.cas.size(); ++i) {
        crypto::Certificate ca = crypto::Certificate::load_file(o.cas[i]);
        crypto::Certificate signer = o.rsigners.empty() ? ca : crypto::Certificate::load_file(nth(o.rsigners, i, "--rsigner"));
        crypto::PrivateKey key = crypto::PrivateKey::load_file(nth(o.rkeys, i, "--rkey"), pass);
        issuers.push_back(ocsp::ResponderIssuer{ca, signer, key});
        dbs.push_back(nth(o.dbs, i, "--db"));
    }
    auto validity = parse_duration(o.validity);
    auto responder = std::make_shared<ocsp::Responder>(std::move(issuers));
    auto store = std::make_shared<OcspStore>(dbs);

    // One answer for a DER request: from the cache when it has no nonce and is fresh.
    auto answer = [responder, store, validity](const std::string& body) -> std::shared_ptr<const ocsp::Response> {
        store->refresh();
        if (auto hit = store->cached(body)) {
            if (!hit->next_update || now() < hit->this_update + validity / 2) return hit;
        }
        auto r = std::make_shared<const ocsp::Response>(responder->respond(
            as_bytes(body), [&](std::size_t i, const std::string& s) { return store->lookup(i, s); }, validity));
        if (r->status == ocsp::ResponseStatus::successful && r->cacheable) store->remember(body, r);
        return r;
    };
    auto reply = [](const ocsp::Response& r, bool get) {
        crypto::ServerResponse res;
        res.content_type = "application/ocsp-response";
        res.body = r.der;
        if (get && r.status == ocsp::ResponseStatus::successful && r.cacheable && r.next_update) {
            auto max_age = std::chrono::duration_cast<std::chrono::seconds>(*r.next_update - now()).count();
            res.headers = {{"Cache-Control", "max-age=" + std::to_string(std::max<long long>(0, max_age)) +
                                                 ", public, no-transform, must-revalidate"},
                           {"Last-Modified", format_http_date(r.this_update)},
                           {"Expires", format_http_date(*r.next_update)},
                           {"ETag", "\"" + hex_encode(crypto::digest(crypto::Hash::sha256, r.der)) + "\""}};
        }
        return res;
    };

    // POST / carries the DER request; GET /BASE64 carries it in the path (RFC 6960 appendix A).
    auto handler = [&](const crypto::ServerRequest& req) {
        if (req.method == "POST") return reply(*answer(std::string(req.body.begin(), req.body.end())), false);
        if (req.path.size() < 2) return crypto::ServerResponse::text(404, "GET needs the base64 OCSP request in the path");
        Bytes der;
        try {
            der = base64_decode(std::string_view(req.path).substr(1));
        } catch (const Error&) {
            ocsp::Response bad;
            bad.status = ocsp::ResponseStatus::malformed_request;
            bad.der = ocsp::Responder::error_response(bad.status);
            return reply(bad, true);
        }
        return reply(*answer(std::string(der.begin(), der.end())), true);
    };
    crypto::EventServerOptions so;
    so.threads = o.threads;
    so.max_body = 64 * 1024;
    crypto::EventHttpServer svr(so, handler);
    int port = svr.bind(o.host, o.port);
    *ctx.err << ctx.tool << ": ocsp: listening on http://" << o.host << ":" << port << "/" << std::endl;
    svr.run();
    return 0;
}

}  // namespace

void add_ocsp(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb("ocsp", "OCSP responder: 'ocsp serve' answers RFC 6960 requests over HTTP",
                                   [o](cli::Context& ctx) { return run(*o, ctx); });
    verb.add_option("ACTION", o->action, "serve")->required()->check(CLI::IsMember({"serve"}));
    verb.add_option("--ca", o->cas, "Issuer certificate served; repeatable for several issuers")->allow_extra_args(false);
    verb.add_option("--db", o->dbs, "index.txt of each --ca (one for all, or one per --ca)")->allow_extra_args(false);
    verb.add_option("--rsigner", o->rsigners, "Delegated responder certificate (id-kp-OCSPSigning); default: the CA")
        ->allow_extra_args(false);
    verb.add_option("--rkey", o->rkeys, "Key of the responder certificate, or of the CA")->allow_extra_args(false);
    verb.add_option("--pass", o->pass, "Passphrase source for the keys: pass:, env:, file:, fd:");
    verb.add_option("--host", o->host, "Address to listen on (default 127.0.0.1)");
    verb.add_option("--port", o->port, "Port (default 0: any free port, printed on stderr)");
    verb.add_option("--validity", o->validity, "nextUpdate after thisUpdate, e.g. 1h (default 1h)");
    verb.add_option("--threads", o->threads, "Event loops answering requests (default: one per core)");
}

}  // namespace iotops::revoke_cli
