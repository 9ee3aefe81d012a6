// est cacerts|csrattrs|enroll|reenroll|serverkeygen: an RFC 7030 client over https://, and an
// RFC 9148 EST-coaps client over coaps:// (crts, att, sen, sren, skg).
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "common/output.hpp"
#include "verbs.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/file.hpp"
#include "iotops/crypto/passphrase.hpp"
#include "iotops/est/client.hpp"
#include "iotops/est/coaps_client.hpp"

namespace iotops::enroll_cli {

namespace {

struct Opts {
    std::string action;
    std::string url, label, ca_file;
    bool insecure_bootstrap = false;
    std::string cert, key, key_pass;
    std::string user, pass;
    std::string csr, subject, key_out;
    unsigned retry_max = 3;
    int timeout = 30;
    std::string accept;                // coaps
    unsigned max_fragment_length = 0;  // coaps; 0: not asked for
    bool discover = false;             // coaps
    cli::OutputOptions out;
    CLI::Option* retry_option = nullptr;
};

bool is_coaps(const Opts& o) { return o.url.rfind("coaps://", 0) == 0; }

// --accept by number or name; what each verb may ask for (RFC 9148, cBRSKI /crts).
std::optional<unsigned> accept_format(const Opts& o) {
    if (o.accept.empty()) return std::nullopt;
    unsigned cf = o.accept == "pkcs7" ? est::coap_format::pkcs7_certs_only
                  : o.accept == "pkix-cert" ? est::coap_format::pkix_cert
                  : o.accept == "multipart-core" ? est::coap_format::multipart_core
                                                 : static_cast<unsigned>(std::stoul(o.accept));
    bool ok = cf == est::coap_format::pkcs7_certs_only || cf == est::coap_format::pkix_cert ||
              (cf == est::coap_format::multipart_core && o.action == "cacerts");
    if (!ok || (o.action != "cacerts" && o.action != "enroll" && o.action != "reenroll"))
        throw Error(ErrorKind::usage, "est " + o.action + ": --accept " + o.accept + " does not apply",
                    "cacerts takes 281 (pkcs7), 62 (multipart-core) or 287 (pkix-cert); enroll and reenroll 281 or 287");
    return cf;
}

// The CoAPS-only and HTTPS-only options, each refused on the other transport.
void check_transport_options(const Opts& o) {
    if (is_coaps(o)) {
        if (!o.user.empty() || !o.pass.empty())
            throw Error(ErrorKind::usage, "est: HTTP basic authentication (--user, --pass) does not exist over coaps://",
                        "authenticate with a DTLS client certificate: --cert and --key");
        if (o.retry_option && o.retry_option->count())
            throw Error(ErrorKind::usage, "est: --retry-max is for https:// (202 Retry-After)");
        return;
    }
    if (o.url.rfind("coap://", 0) == 0)
        throw Error(ErrorKind::usage, "est: EST-coaps needs DTLS: coaps://, not coap://");
    if (!o.accept.empty() || o.max_fragment_length || o.discover)
        throw Error(ErrorKind::usage, "est: --accept, --max-fragment-length and --discover are for a coaps:// server");
}

std::string pem_all(const std::vector<crypto::Certificate>& certs) {
    std::string s;
    for (const auto& c : certs) s += c.pem();
    return s;
}

crypto::HttpOptions http_options(const Opts& o) {
    crypto::HttpOptions h;
    h.timeout_seconds = o.timeout;
    if (o.insecure_bootstrap) {
        if (o.action != "cacerts")
            throw Error(ErrorKind::usage, "est: --insecure-bootstrap-cacerts is only for 'est cacerts'");
        if (!o.ca_file.empty()) throw Error(ErrorKind::usage, "est: --insecure-bootstrap-cacerts and --ca-file exclude each other");
        h.provisional = true;
    } else {
        if (o.ca_file.empty())
            throw Error(ErrorKind::usage, "est: --ca-file is required to verify the EST server",
                        "to fetch the CA certificates the first time, use 'est cacerts --insecure-bootstrap-cacerts' and check the fingerprints out of band");
        (void)crypto::Certificate::load_all_file(o.ca_file);  // a missing or broken file fails here, clearly
        h.ca_file = o.ca_file;
    }
    if (!o.cert.empty() || !o.key.empty()) {
        if (o.cert.empty() || o.key.empty()) throw Error(ErrorKind::usage, "est: --cert and --key go together");
        std::optional<std::string> kp;
        if (!o.key_pass.empty()) kp = crypto::read_passphrase(o.key_pass);
        h.client_certificates = crypto::Certificate::load_all_file(o.cert);
        h.client_key = crypto::PrivateKey::load_file(o.key, kp);
    }
    if (!o.user.empty()) {
        if (o.pass.empty()) throw Error(ErrorKind::usage, "est: --user needs --pass (pass:, env:, file: or fd:)");
        h.basic_auth = std::make_pair(o.user, crypto::read_passphrase(o.pass));
    } else if (!o.pass.empty()) {
        throw Error(ErrorKind::usage, "est: --pass needs --user");
    }
    return h;
}

void print_fingerprints(cli::Context& ctx, const char* what, const std::vector<crypto::Certificate>& certs) {
    for (const auto& c : certs)
        *ctx.err << ctx.tool << ": WARNING: " << what << ": " << c.subject() << "\n"
                 << ctx.tool << ": WARNING:   SHA-256 " << hex_encode(c.fingerprint_sha256(), true) << "\n";
}

est::CoapClientOptions coap_options(const Opts& o, const crypto::HttpOptions& h) {
    est::CoapClientOptions c;
    c.timeout_ms = o.timeout * 1000;
    c.provisional = h.provisional;
    if (!h.provisional) c.pinned_anchors = crypto::Certificate::load_all_file(o.ca_file);
    c.client_key = h.client_key;
    c.client_certificates = h.client_certificates;
    c.max_fragment_length = o.max_fragment_length;
    if (c.max_fragment_length && c.client_certificates.empty())
        throw Error(ErrorKind::usage, "est: --max-fragment-length needs a client certificate (--cert and --key)");
    return c;
}

int run(const Opts& o, cli::Context& ctx) {
    check_transport_options(o);
    const bool coaps = is_coaps(o);
    const std::optional<unsigned> accept = coaps ? accept_format(o) : std::nullopt;
    est::ClientConfig cfg;
    cfg.url = o.url;
    cfg.label = o.label;
    cfg.retry_max = o.retry_max;
    cfg.http = http_options(o);
    if (o.action == "reenroll" && cfg.http.client_certificates.empty())
        throw Error(ErrorKind::usage, "est reenroll: --cert and --key (the certificate to renew) are required");

    // The CSR: given, or made here from --subject (enroll, serverkeygen) or the certificate
    // being renewed (reenroll) with a new key or, for a renewal without --key-out, the old key.
    std::optional<crypto::PrivateKey> new_key;
    auto make_csr = [&]() -> crypto::Csr {
        if (!o.csr.empty()) {
            if (!o.subject.empty()) throw Error(ErrorKind::usage, "est: --csr and --subject exclude each other");
            crypto::Csr c = crypto::Csr::load(read_file(o.csr));
            if (!c.verify_signature()) throw Error(ErrorKind::malformed, "est: " + o.csr + ": the CSR signature does not verify");
            return c;
        }
        crypto::Name subject;
        if (o.action == "reenroll") {
            if (!o.subject.empty()) throw Error(ErrorKind::usage, "est reenroll: the subject is the renewed certificate's; drop --subject");
            subject = cfg.http.client_certificates.front().subject_name();
        } else {
            if (o.subject.empty()) throw Error(ErrorKind::usage, "est " + o.action + ": give --subject or --csr");
            subject = crypto::parse_name(o.subject);
        }
        if (o.action == "enroll" && o.key_out.empty())
            throw Error(ErrorKind::usage, "est enroll: --key-out is required when the key is made here (no --csr)");
        if (o.action == "reenroll" && o.key_out.empty()) return crypto::Csr::create(subject, *cfg.http.client_key);
        new_key = crypto::PrivateKey::generate(crypto::KeyType::p256);
        return crypto::Csr::create(subject, *new_key);
    };

    // Everything that can be refused is refused before a packet goes out (a CoAPS client
    // connects on construction).
    if (o.action == "serverkeygen" && o.key_out.empty()) throw Error(ErrorKind::usage, "est serverkeygen: --key-out is required");
    std::optional<crypto::Csr> csr;
    if (o.action != "cacerts" && o.action != "csrattrs") csr = make_csr();

    // One of the two clients, by the URL's scheme.
    std::optional<est::Client> https;
    std::optional<est::CoapsClient> coap;
    if (coaps) {
        est::CoapsClientConfig c;
        c.url = o.url;
        c.label = o.label;
        c.coap = coap_options(o, cfg.http);
        c.discovery = o.discover ? est::EstDiscovery::first : est::EstDiscovery::fallback;
        coap.emplace(c);
    } else {
        https.emplace(cfg);
    }
    if (o.action == "cacerts") {
        est::CaCertsAnswer a = coap ? coap->crts(accept) : https->cacerts();
        if (o.insecure_bootstrap) {
            *ctx.err << ctx.tool << ": WARNING: the EST server was NOT verified (--insecure-bootstrap-cacerts).\n"
                     << ctx.tool << ": WARNING: compare these fingerprints with ones obtained out of band before trusting them:\n";
            print_fingerprints(ctx, "server certificate", a.server_chain);
            print_fingerprints(ctx, "CA certificate", a.certificates);
        }
        cli::write_output(o.out, as_bytes(pem_all(a.certificates)), cli::Content::text);
        return 0;
    }
    if (o.action == "csrattrs") {
        auto attrs = coap ? coap->att() : https->csrattrs();
        nlohmann::json j = nlohmann::json::array();
        for (const auto& a : attrs.value_or(std::vector<crypto::CsrAttr>{}))
            j.push_back(a.values.empty() ? nlohmann::json{{"oid", a.oid}} : nlohmann::json{{"oid", a.oid}, {"values", a.values}});
        cli::write_output(o.out, as_bytes(j.dump() + "\n"), cli::Content::text);
        return 0;
    }
    if (o.action == "serverkeygen") {
        est::ServerKey sk = coap ? coap->skg(*csr) : https->serverkeygen(*csr);
        crypto::write_private_key_file(o.key_out, sk.key);
        cli::write_output(o.out, as_bytes(pem_all(sk.certificates)), cli::Content::text);
        return 0;
    }
    if (new_key && o.key_out.empty()) throw Error(ErrorKind::internal, "est: a new key without --key-out");
    auto certs = coap ? (o.action == "enroll" ? coap->sen(*csr, accept) : coap->sren(*csr, accept))
                      : (o.action == "enroll" ? https->simpleenroll(*csr) : https->simplereenroll(*csr));
    if (!(certs.front().public_key() == csr->public_key()))
        throw Error(ErrorKind::protocol, "EST " + o.action + ": the certificate returned is not for the key requested");
    // The key only once the certificate for it is here: a refused enrolment leaves no stray key.
    if (new_key) crypto::write_private_key_file(o.key_out, *new_key);
    cli::write_output(o.out, as_bytes(pem_all(certs)), cli::Content::text);
    return 0;
}

}  // namespace

void add_est(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb(
        "est",
        "EST client (RFC 7030 over https://, RFC 9148 EST-coaps over coaps://): 'est cacerts|csrattrs|enroll|reenroll|serverkeygen'",
        [o](cli::Context& ctx) { return run(*o, ctx); });
    verb.add_option("ACTION", o->action, "cacerts, csrattrs, enroll, reenroll or serverkeygen")
        ->required()
        ->check(CLI::IsMember({"cacerts", "csrattrs", "enroll", "reenroll", "serverkeygen"}));
    verb.add_option("--url", o->url,
                    "EST server: https://host:port (a path replaces /.well-known/est) or coaps://host:port (EST-coaps)")
        ->required();
    verb.add_option("--label", o->label, "EST label: /.well-known/est/LABEL/...");
    verb.add_option("--ca-file", o->ca_file, "PEM trust anchors for the EST server's TLS or DTLS certificate");
    verb.add_flag("--insecure-bootstrap-cacerts", o->insecure_bootstrap,
                  "cacerts only: do NOT verify the server; print the fingerprints to check out of band");
    verb.add_option("--cert", o->cert, "TLS or DTLS client certificate (and chain), PEM; for reenroll the one to renew");
    verb.add_option("--key", o->key, "Key of --cert");
    verb.add_option("--key-pass", o->key_pass, "Passphrase source for --key: pass:, env:, file:, fd:");
    verb.add_option("--user", o->user, "HTTP basic authentication user (https:// only)");
    verb.add_option("--pass", o->pass, "Password source for --user: pass:, env:, file:, fd:");
    verb.add_option("--csr", o->csr, "PKCS#10 request to send (PEM or DER) instead of making one");
    verb.add_option("--subject", o->subject, "Subject of the CSR made here, e.g. 'CN=dev,serialNumber=JADA1'");
    verb.add_option("--key-out", o->key_out, "Where the new private key goes (mode 0600)");
    o->retry_option = verb.add_option("--retry-max", o->retry_max, "https: how many 202 Retry-After answers to wait out (default 3)");
    verb.add_option("--accept", o->accept,
                    "coaps: content-format to ask for: cacerts 281|pkcs7 (default), 62|multipart-core, 287|pkix-cert; "
                    "enroll, reenroll 281 (default) or 287")
        ->check(CLI::IsMember({"281", "62", "287", "pkcs7", "multipart-core", "pkix-cert"}));
    verb.add_option("--max-fragment-length", o->max_fragment_length,
                    "coaps: ask for DTLS max_fragment_length 512 or 1024 (a constrained client; needs --cert)")
        ->check(CLI::IsMember({512u, 1024u}));
    verb.add_flag("--discover", o->discover,
                  "coaps: find the resources with /.well-known/core?rt=ace.est* first (without it: only after a 4.04)");
    verb.add_option("--timeout", o->timeout, "Seconds to connect and between reads (default 30)");
    cli::add_output_options(verb, o->out);
}

}  // namespace iotops::enroll_cli
