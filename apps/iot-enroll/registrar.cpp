// registrar serve: a BRSKI registrar (RFC 8995) over HTTPS: voucher-requests relayed to the MASA,
// pledge telemetry, and EST (RFC 7030) with its embedded CA; with --coaps also over CoAPS on UDP
// (EST-coaps RFC 9148, cBRSKI) in the same process, with the same certificate, CA and MASA.
#include <iostream>
#include <memory>
#include <thread>

#include "verbs.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/http_server.hpp"
#include "iotops/crypto/passphrase.hpp"
#include "iotops/est/registrar.hpp"
#include "iotops/est/registrar_brski.hpp"
#include "iotops/est/registrar_coaps.hpp"

namespace iotops::enroll_cli {

namespace {

struct Opts {
    std::string action;
    std::string tls_cert, tls_key;
    std::string ca_cert, ca_key, db, certs_dir;
    std::string pass;
    std::vector<std::string> client_cas, labels, csr_attrs;
    std::string users, audit_log;
    // BRSKI: the MASA's TLS anchors, a MASA URL instead of the IDevIDs', admitted serial-numbers,
    // anchors for the MASA's voucher signatures, and who signs registrar voucher-requests.
    std::string masa_ca, masa_url, rvr_cert, rvr_key;
    std::vector<std::string> admit, voucher_cas;
    std::string valid = "365d";
    std::string host = "127.0.0.1";
    int port = 0;
    std::optional<int> coaps_port;  // none: no CoAPS listener
    std::string coaps_host;         // empty: --host
    bool no_https = false;          // with --coaps: CoAPS alone
    unsigned threads = 16;
};

// "OID" or "OID=VALUE-OID[,VALUE-OID...]"
crypto::CsrAttr parse_csr_attr(const std::string& text) {
    crypto::CsrAttr a;
    std::size_t eq = text.find('=');
    a.oid = text.substr(0, eq);
    if (eq != std::string::npos) {
        std::string rest = text.substr(eq + 1);
        for (std::size_t at = 0; at <= rest.size();) {
            std::size_t comma = rest.find(',', at);
            a.values.push_back(rest.substr(at, comma - at));
            if (comma == std::string::npos) break;
            at = comma + 1;
        }
    }
    return a;
}

// Every --client-ca file is one admitted manufacturer: its IDevID anchors, the --admit globs and
// the --masa-url override.
std::vector<est::Manufacturer> manufacturers_of(const Opts& o) {
    std::vector<est::Manufacturer> out;
    for (const auto& f : o.client_cas) {
        est::Manufacturer m;
        m.anchors = crypto::Certificate::load_all_file(f);
        if (m.anchors.empty()) throw Error(ErrorKind::malformed, f + ": no certificate");
        m.name = m.anchors.front().subject();
        if (!o.admit.empty()) m.serials = o.admit;
        if (!o.masa_url.empty()) m.masa_url = o.masa_url;
        out.push_back(std::move(m));
    }
    return out;
}

// The voucher side of the registrar. It signs voucher-requests with its TLS identity unless
// --rvr-cert says otherwise, and sends its chain along so the MASA pins the domain's CA.
std::shared_ptr<const est::RegistrarVoucherService> brski_service(const Opts& o,
                                                                  const std::vector<crypto::Certificate>& tls_chain,
                                                                  const crypto::PrivateKey& tls_key,
                                                                  const std::optional<std::string>& pass,
                                                                  std::vector<est::Manufacturer> manufacturers) {
    std::vector<crypto::Certificate> signer = o.rvr_cert.empty() ? tls_chain : crypto::Certificate::load_all_file(o.rvr_cert);
    if (signer.empty()) throw Error(ErrorKind::malformed, o.rvr_cert + ": no certificate");
    est::RegistrarVoucherConfig vc{.key = o.rvr_key.empty() ? tls_key : crypto::PrivateKey::load_file(o.rvr_key, pass),
                                   .cert = signer.front(),
                                   .chain = {signer.begin() + 1, signer.end()},
                                   .tls_certificate = tls_chain.front()};
    vc.manufacturers = std::move(manufacturers);
    vc.masa_anchors = crypto::Certificate::load_all_files(o.voucher_cas);
    crypto::HttpOptions masa;
    masa.ca_file = o.masa_ca;
    masa.client_key = tls_key;  // RFC 8995 5.4: the registrar authenticates to the MASA with TLS
    masa.client_certificates = tls_chain;
    return std::make_shared<const est::RegistrarVoucherService>(std::move(vc), est::https_masa_transport(masa));
}

int run(const Opts& o, cli::Context& ctx) {
    if (o.tls_cert.empty() || o.tls_key.empty())
        throw Error(ErrorKind::usage, "registrar serve: --tls-cert and --tls-key are required (HTTPS and DTLS use them)");
    if (o.ca_cert.empty() || o.ca_key.empty() || o.db.empty())
        throw Error(ErrorKind::usage, "registrar serve: --ca-cert, --ca-key and --db are required");
    if (o.no_https && !o.coaps_port) throw Error(ErrorKind::usage, "registrar serve: --no-https needs --coaps");
    std::optional<std::string> pass;
    if (!o.pass.empty()) pass = crypto::read_passphrase(o.pass);

    auto ca_certs = crypto::Certificate::load_all_file(o.ca_cert);
    est::CaConfig cc{ca_certs.front(), crypto::PrivateKey::load_file(o.ca_key, pass),
                     std::vector<crypto::Certificate>(ca_certs.begin() + 1, ca_certs.end()), o.db,
                     parse_duration(o.valid), o.certs_dir};
    auto ca = std::make_shared<est::Ca>(std::move(cc));

    std::vector<est::Manufacturer> manufacturers = manufacturers_of(o);
    est::RegistrarConfig rc;
    for (const auto& m : manufacturers) rc.client_anchors.insert(rc.client_anchors.end(), m.anchors.begin(), m.anchors.end());
    if (!o.users.empty()) rc.users = est::Users::load_file(o.users);
    rc.labels = o.labels;
    for (const auto& a : o.csr_attrs) rc.csr_attrs.push_back(parse_csr_attr(a));
    (void)crypto::encode_csr_attrs(rc.csr_attrs);  // a bad OID is a usage error now, not a 500 later
    rc.audit_log = o.audit_log;
    if (rc.client_anchors.empty() && rc.users.empty())
        *ctx.err << ctx.tool << ": warning: registrar: no --client-ca and no --users: only certificates this CA "
                 << "issued can enrol\n";
    est::Registrar registrar(ca, std::move(rc));

    crypto::ServerOptions so;
    auto tls_chain = crypto::Certificate::load_all_file(o.tls_cert);
    auto tls_key = crypto::PrivateKey::load_file(o.tls_key, pass);
    so.certificates = tls_chain;
    so.key = tls_key;
    so.request_client_certificate = true;
    so.threads = std::max(1u, o.threads);
    crypto::HttpServer server(std::move(so));
    registrar.add_routes(server);
    auto vouchers = brski_service(o, tls_chain, tls_key, pass, std::move(manufacturers));
    est::add_brski_routes(server, vouchers, est::AuditLog(o.audit_log));

    // CoAPS: DTLS with the TLS certificate (what a PVR's proximity-registrar-pubk names), the same
    // registrar and voucher service.
    std::unique_ptr<est::CoapServer> coaps;
    if (o.coaps_port) {
        coaps = std::make_unique<est::CoapServer>(est::CoapServerOptions{.certificates = tls_chain, .key = tls_key});
        for (auto& r : est::est_coap_resources(registrar)) coaps->add(std::move(r));
        for (auto& r : est::brski_coap_resources(vouchers, est::AuditLog(o.audit_log))) coaps->add(std::move(r));
        coaps->bind(o.coaps_host.empty() ? o.host : o.coaps_host, *o.coaps_port);
    }

    if (o.no_https) {
        *ctx.err << ctx.tool << ": registrar: listening on " << coaps->origin() << std::endl;
        coaps->run();
        return 0;
    }
    int port = server.bind(o.host, o.port);
    *ctx.err << ctx.tool << ": registrar: listening on https://" << o.host << ":" << port << "/"
             << (coaps ? " and " + coaps->origin() : std::string()) << std::endl;
    if (!coaps) {
        server.run();
        return 0;
    }
    // Each server stops on SIGINT/SIGTERM; whichever gets the signal, the other is stopped with it.
    std::thread coap_thread([&] {
        try {
            coaps->run();
        } catch (const std::exception& e) {
            *ctx.err << ctx.tool << ": error: coaps: " << e.what() << std::endl;
        }
        server.stop();
    });
    server.run();
    coaps->stop();
    coap_thread.join();
    return 0;
}

}  // namespace

void add_registrar(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb("registrar", "Registrar: 'registrar serve' answers BRSKI (RFC 8995) and EST (RFC 7030) with an embedded CA",
                                   [o](cli::Context& ctx) { return run(*o, ctx); });
    verb.add_option("ACTION", o->action, "serve")->required()->check(CLI::IsMember({"serve"}));
    verb.add_option("--tls-cert", o->tls_cert, "Server TLS certificate, then its chain (PEM)");
    verb.add_option("--tls-key", o->tls_key, "Key of --tls-cert");
    verb.add_option("--ca-cert", o->ca_cert, "CA certificate that issues LDevIDs, then its chain (PEM)");
    verb.add_option("--ca-key", o->ca_key, "Key of --ca-cert");
    verb.add_option("--pass", o->pass, "Passphrase source for the keys: pass:, env:, file:, fd:");
    verb.add_option("--db", o->db, "index.txt of the CA database (created when missing), as iot-revoke uses it");
    verb.add_option("--certs-dir", o->certs_dir, "Also write each issued certificate there as SERIAL.pem");
    verb.add_option("--valid", o->valid, "Validity of issued certificates, e.g. 365d (default 365d)");
    verb.add_option("--client-ca", o->client_cas, "Trust anchors for TLS client certificates (IDevID CAs); repeatable")
        ->allow_extra_args(false);
    verb.add_option("--users", o->users, "HTTP basic users: lines 'user:HASH' (openssl passwd -6)");
    verb.add_option("--label", o->labels, "Accept /.well-known/est/LABEL/...; repeatable")->allow_extra_args(false);
    verb.add_option("--csr-attr", o->csr_attrs, "csrattrs entry OID or OID=VALUE-OID[,...]; repeatable")
        ->allow_extra_args(false);
    verb.add_option("--audit-log", o->audit_log, "Append one NDJSON line per enrolment attempt");
    verb.add_option("--masa-ca", o->masa_ca, "BRSKI: trust anchors for the MASA's TLS certificate (default: the system's)");
    verb.add_option("--masa-url", o->masa_url, "BRSKI: send voucher-requests to this MASA instead of the IDevID's MASA URL");
    verb.add_option("--admit", o->admit, "BRSKI: serial-number glob of pledges admitted (repeatable; default all)")
        ->allow_extra_args(false);
    verb.add_option("--voucher-ca", o->voucher_cas, "BRSKI: the MASA's vouchers must verify to one of these (repeatable)")
        ->allow_extra_args(false);
    verb.add_option("--rvr-cert", o->rvr_cert, "BRSKI: certificate (then chain) signing registrar voucher-requests; default --tls-cert");
    verb.add_option("--rvr-key", o->rvr_key, "BRSKI: key of --rvr-cert; default --tls-key");
    verb.add_option("--host", o->host, "Address to listen on (default 127.0.0.1)");
    verb.add_option("--port", o->port, "Port (default 0: any free port, printed on stderr)");
    verb.add_option("--coaps", o->coaps_port, "Also serve EST-coaps and cBRSKI over CoAPS on this UDP port (0: any free port)")
        ->check(CLI::Range(0, 65535));
    verb.add_option("--coaps-host", o->coaps_host, "Address for --coaps (default: --host)");
    verb.add_flag("--no-https", o->no_https, "With --coaps: serve CoAPS alone, no HTTPS listener");
    verb.add_option("--threads", o->threads, "Worker threads (default 16)");
}

}  // namespace iotops::enroll_cli
