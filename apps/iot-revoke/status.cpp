// status: is a certificate revoked? Asks a CRL (file or URL), an OCSP responder (AIA or --ocsp-url,
// with a nonce) or the CA database. Honours RFC 9608 noRevAvail. One JSON report per certificate.
#include <memory>

#include "common/input.hpp"
#include "common/report.hpp"
#include "iotops/ca/database.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/file.hpp"
#include "iotops/crypto/crl.hpp"
#include "iotops/crypto/http.hpp"
#include "iotops/crypto/ocsp.hpp"
#include "verbs.hpp"

namespace iotops::revoke_cli {

namespace {

namespace ocsp = crypto::ocsp;

struct Opts {
    cli::InputOptions in;
    cli::ReportOptions report;
    std::string issuer;
    std::string crl;
    std::string ocsp_url;
    bool ocsp_aia = false;
    std::string db;
    bool no_nonce = false;
};

bool is_url(const std::string& s) { return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0; }

void set_revocation(nlohmann::json& r, const std::optional<Time>& when, const std::optional<int>& reason) {
    if (when) r["revocation-time"] = format_rfc3339(*when);
    if (reason) r["reason"] = ca::reason_name(static_cast<ca::Reason>(*reason));
}

struct Sources {
    std::optional<crypto::Certificate> issuer;
    std::optional<crypto::Crl> crl;
    std::optional<ca::Index> db;
};

nlohmann::json check_one(const Opts& o, const Sources& src, const crypto::Certificate& cert) {
    nlohmann::json r{{"serial", cert.serial_hex()}, {"subject", cert.subject()}};
    if (ocsp::has_no_rev_avail(cert)) {
        // RFC 9608: no revocation information exists; a pointer to some anyway makes it invalid.
        bool pointers = cert.extension_value("2.5.29.31").has_value() || cert.extension_value("2.5.29.46").has_value() ||
                        ocsp::aia_ocsp_url(cert).has_value();
        r["source"] = {{"kind", "noRevAvail"}};
        if (pointers) {
            r["status"] = "unknown";
            r["message"] = "noRevAvail together with CRL distribution points or an OCSP URL (RFC 9608 section 2)";
        } else {
            r["status"] = "good";
            r["message"] = "the certificate carries id-ce-noRevAvail: no revocation information is available (RFC 9608)";
        }
        return r;
    }
    if (src.db) {
        r["source"] = {{"kind", "database"}, {"location", o.db}};
        const ca::Entry* e = src.db->find_serial(cert.serial_hex());
        if (!e) {
            r["status"] = "unknown";
        } else if (e->status == ca::Status::revoked && e->revocation) {
            r["status"] = "revoked";
            std::optional<int> reason;
            if (e->revocation->reason) reason = static_cast<int>(*e->revocation->reason);
            set_revocation(r, e->revocation->time, reason);
        } else {
            r["status"] = "good";
        }
        return r;
    }
    if (src.crl) {
        r["source"] = {{"kind", "crl"}, {"location", o.crl}};
        if (auto e = src.crl->find(cert.serial_hex())) {
            r["status"] = "revoked";
            set_revocation(r, e->revoked, e->reason);
        } else {
            r["status"] = "good";
        }
        return r;
    }
    // OCSP
    std::string url = o.ocsp_url;
    if (url.empty()) {
        auto aia = ocsp::aia_ocsp_url(cert);
        if (!aia) throw Error(ErrorKind::usage, "the certificate has no OCSP URL in its AIA extension", "give --ocsp-url URL");
        url = *aia;
    }
    r["source"] = {{"kind", "ocsp"}, {"location", url}};
    ocsp::Request req = ocsp::make_request(cert, *src.issuer, o.no_nonce ? 0 : 16);
    Bytes resp = crypto::http_fetch(url, {}, "application/ocsp-request", req.der);
    ocsp::Answer a = ocsp::check_response(resp, req, cert, *src.issuer);
    r["status"] = ocsp::cert_status_name(a.single.status);
    set_revocation(r, a.single.revocation_time, a.single.reason);
    r["source"]["nonce"] = a.nonce_echoed;
    r["source"]["this-update"] = format_rfc3339(a.this_update);
    if (a.next_update) r["source"]["next-update"] = format_rfc3339(*a.next_update);
    return r;
}

int run(const Opts& o, cli::Context& ctx) {
    int kinds = !o.crl.empty() + (!o.ocsp_url.empty() || o.ocsp_aia) + !o.db.empty();
    if (kinds != 1) throw Error(ErrorKind::usage, "status: give exactly one source: --crl, --ocsp/--ocsp-url or --db");
    Sources src;
    if (!o.issuer.empty()) src.issuer = crypto::Certificate::load_file(o.issuer);
    if ((!o.crl.empty() || !o.ocsp_url.empty() || o.ocsp_aia) && !src.issuer)
        throw Error(ErrorKind::usage, "status: --issuer CA.pem is needed to check a CRL or an OCSP response");
    if (!o.crl.empty()) {
        src.crl = crypto::Crl::load(is_url(o.crl) ? crypto::http_fetch(o.crl) : read_file(o.crl));
        if (!src.crl->issued_by(*src.issuer))
            throw Error(ErrorKind::negative, "the CRL " + o.crl + " is not signed by the issuer " + src.issuer->subject());
        if (auto next = src.crl->next_update(); next && *next < now())
            throw Error(ErrorKind::negative, "the CRL " + o.crl + " expired at " + format_rfc3339(*next),
                        "fetch a fresh CRL");
    }
    if (!o.db.empty()) src.db = ca::Database(o.db).load();
    cli::Input in = cli::read_input(o.in);
    std::vector<crypto::Certificate> certs = crypto::Certificate::load_all(in.data);
    if (certs.empty()) throw Error(ErrorKind::malformed, in.name + ": no certificate");
    bool all_good = true;
    for (const auto& cert : certs) {
        if (src.issuer && cert.issuer() != src.issuer->subject())
            throw Error(ErrorKind::usage, "certificate " + cert.serial_hex() + " was not issued by " + src.issuer->subject());
        nlohmann::json r = check_one(o, src, cert);
        all_good &= r["status"] == "good";
        cli::emit_report(r, o.report, ctx);
    }
    return all_good ? 0 : 1;
}

}  // namespace

void add_status(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb("status", "Check certificates against a CRL, an OCSP responder or the CA database",
                                   [o](cli::Context& ctx) { return run(*o, ctx); });
    verb.add_option("FILE", o->in.path, "Certificates (PEM, several for an audit, or DER); '-' for stdin");
    verb.add_option("--issuer", o->issuer, "The issuing CA certificate (verifies CRLs and OCSP responses)");
    verb.add_option("--crl", o->crl, "A CRL file or http(s) URL");
    verb.add_option("--ocsp-url", o->ocsp_url, "Ask this OCSP responder");
    verb.add_flag("--ocsp", o->ocsp_aia, "Ask the OCSP responder named in the certificate's AIA extension");
    verb.add_option("--db", o->db, "Look the serial up in this CA database (index.txt)");
    verb.add_flag("--no-nonce", o->no_nonce, "Send OCSP requests without a nonce");
    cli::add_report_options(verb, o->report);
}

}  // namespace iotops::revoke_cli
