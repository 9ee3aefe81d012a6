// The pledge's side of BRSKI, one step after the other; each step appends what it sent and what
// came back to the transcript and ends the run at the first failure.
#include "iotops/est/pledge.hpp"

#include "iotops/core/encoding.hpp"
#include "iotops/crypto/cipher.hpp"
#include "iotops/crypto/http.hpp"
#include "iotops/est/client.hpp"
#include "iotops/voucher/create.hpp"
#include "iotops/voucher/verify.hpp"
#include "pledge_transcript.hpp"

namespace iotops::est {

namespace {

using nlohmann::json;

const char* media_type(voucher::Format f) {
    return f == voucher::Format::jws ? "application/voucher-jws+json" : "application/voucher-cms+json";
}

// RFC 8995 5.7 and 5.9.4 status telemetry. The pledge tells the registrar either way; a
// registrar that does not take it is noted, not fatal.
void send_status(Transcript& t, crypto::HttpClient& http, const std::string& step, const std::string& path,
                 bool status, const std::string& reason) {
    json body = {{"version", 1}, {"status", status}, {"reason", reason}, {"reason-context", json::object()}};
    std::string text = body.dump();
    t.run(step, [&](json& s) {
        s["sent"] = body;
        crypto::HttpResponse r = http.post(path, "application/json", as_bytes(text));
        s["http-status"] = r.status;
        if (r.status / 100 != 2) s["warning"] = "the registrar answered " + std::to_string(r.status) + ": " + answer_reason(r);
    });
}

// The failure kind of an answer that is not 200: the MASA or the registrar not being there is
// "unreachable" (exit 69); a refusal is a negative verdict; anything else a protocol error.
ErrorKind kind_of_status(int status) {
    if (status == 502 || status == 503 || status == 504) return ErrorKind::unreachable;
    if (status == 401 || status == 403 || status == 404) return ErrorKind::negative;
    return ErrorKind::protocol;
}

}  // namespace

PledgeOutcome run_pledge(const PledgeIdentity& identity, const PledgeOptions& options) {
    PledgeOutcome out;
    if (identity.certificates.empty()) throw Error(ErrorKind::usage, "pledge: no IDevID certificate");
    const crypto::Certificate& idevid = identity.certificates.front();
    std::optional<std::string> serial = idevid.subject_attribute("serialNumber");
    Transcript t(out, options.record_http);
    t.doc["serial-number"] = serial ? json(*serial) : json(nullptr);
    t.doc["registrar"] = options.registrar;

    crypto::HttpOptions tls;
    tls.timeout_seconds = options.timeout_seconds;
    tls.client_key = identity.key;
    tls.client_certificates = identity.certificates;
    t.record_exchanges(tls);

    // Provisional TLS: the registrar is not trusted yet, only remembered.
    std::vector<crypto::Certificate> registrar_chain;
    if (!t.run("provisional-tls", [&](json& s) {
            if (!serial) throw Error(ErrorKind::config, "the IDevID has no serialNumber in its subject");
            crypto::HttpOptions provisional = tls;
            provisional.provisional = true;
            registrar_chain = crypto::tls_server_chain(options.registrar, provisional);
            s["registrar-certificate"] = voucher::certificate_summary(registrar_chain.front());
        }))
        return out;
    crypto::HttpOptions same_registrar = tls;  // later connections must show the same certificate
    same_registrar.pinned_anchors = {registrar_chain.front()};
    crypto::HttpClient provisional(options.registrar, same_registrar);

    Bytes nonce = crypto::random_bytes(16);
    Bytes pvr;
    if (!t.run("voucher-request", [&](json& s) {
            json leaves = {{"assertion", "proximity"},
                           {"serial-number", *serial},
                           {"nonce", base64_encode(nonce)},
                           {"proximity-registrar-cert", base64_encode(registrar_chain.front().der())}};
            voucher::Voucher v = voucher::create(voucher::Kind::voucher_request, leaves);
            voucher::SignOptions so;
            so.format = options.format;
            so.chain.assign(identity.certificates.begin() + 1, identity.certificates.end());
            pvr = voucher::sign(v, identity.key, idevid, so);
            s["format"] = voucher::format_name(options.format);
            s["voucher-request"] = v.to_json();
        }))
        return out;

    if (!t.run("requestvoucher", [&](json& s) {
            crypto::HttpResponse r = provisional.post(std::string(brski_well_known) + "/requestvoucher",
                                                      media_type(options.format), pvr,
                                                      {{"Accept", media_type(options.format)}});
            s["http-status"] = r.status;
            if (r.status != 200)
                throw Error(kind_of_status(r.status),
                            "the registrar answered " + std::to_string(r.status) + ": " + answer_reason(r));
            s["content-type"] = r.content_type;
            out.voucher = r.body;
        }))
        return out;

    // The voucher: signed by the MASA, for this pledge, answering this nonce.
    std::optional<crypto::Certificate> pinned;
    bool voucher_ok = t.run("voucher", [&](json& s) {
        voucher::VerifyOptions vo;
        vo.anchors = options.masa_anchors;
        vo.nonce = nonce;
        vo.serial = *serial;
        vo.idevid = idevid;
        vo.kind = voucher::Expect::voucher;
        voucher::Report report;
        try {
            report = voucher::verify(out.voucher, vo);
        } catch (const Error& e) {
            throw Error(ErrorKind::protocol, std::string("the registrar's answer is not a voucher: ") + e.what());
        }
        s["voucher"] = report.payload;
        s["checks"] = checks_to_json(report.checks);
        if (!report.ok()) {
            for (const Check& c : report.checks)
                if (!c.ok && !c.warning) throw Error(ErrorKind::negative, "voucher check " + c.name + " failed: " + c.message);
        }
        std::optional<Bytes> der = voucher::open(out.voucher).voucher.binary("pinned-domain-cert");
        if (!der) throw Error(ErrorKind::negative, "the voucher has no pinned-domain-cert");
        pinned = crypto::Certificate::load(*der);
        s["pinned-domain-cert"] = voucher::certificate_summary(*pinned);
    });
    // Now the registrar must prove it belongs to the domain the voucher names.
    voucher_ok = voucher_ok && t.run("registrar-certificate", [&](json& s) {
        const crypto::Certificate& leaf = registrar_chain.front();
        if (leaf == *pinned) {
            s["chain"] = "the registrar's certificate is the pinned-domain-cert";
            return;
        }
        crypto::ChainOptions co;
        co.trust_anchors = {*pinned};
        co.intermediates.assign(registrar_chain.begin() + 1, registrar_chain.end());
        crypto::ChainResult r = crypto::verify_chain(leaf, co);
        if (!r.ok)
            throw Error(ErrorKind::negative,
                        "the registrar's certificate does not chain to the voucher's pinned-domain-cert: " + r.error);
        s["chain"] = json::array();
        for (const auto& c : r.chain) s["chain"].push_back(c.subject());
    });
    send_status(t, provisional, "voucher_status", std::string(brski_well_known) + "/voucher_status", voucher_ok,
                voucher_ok ? "Voucher successfully processed" : t.doc.value("error", "voucher refused"));
    if (!voucher_ok) return out;

    // From here on the registrar is trusted through the pinned-domain-cert.
    ClientConfig est;
    est.url = options.registrar;
    est.http = tls;
    est.http.pinned_anchors = {*pinned};
    Client est_client(est);
    if (!t.run("cacerts", [&](json& s) {
            out.domain_anchors = est_client.cacerts().certificates;
            s["certificates"] = json::array();
            for (const auto& c : out.domain_anchors) s["certificates"].push_back(voucher::certificate_summary(c));
        }))
        return out;

    bool enrolled = t.run("simpleenroll", [&](json& s) {
        crypto::PrivateKey key = crypto::PrivateKey::generate(options.key_type);
        crypto::Csr csr = crypto::Csr::create({{"serialNumber", *serial}}, key);
        s["csr-subject"] = csr.subject();
        std::vector<crypto::Certificate> certs = est_client.simpleenroll(csr);
        if (certs.empty()) throw Error(ErrorKind::protocol, "the registrar returned no certificate");
        if (certs.front().public_key().spki_der() != key.public_key().spki_der())
            throw Error(ErrorKind::protocol, "the certificate returned is not for the key sent");
        crypto::ChainOptions co;
        co.trust_anchors = out.domain_anchors;
        co.intermediates.assign(certs.begin() + 1, certs.end());
        crypto::ChainResult r = crypto::verify_chain(certs.front(), co);
        if (!r.ok) throw Error(ErrorKind::negative, "the LDevID does not chain to the domain's CA certificates: " + r.error);
        s["ldevid"] = voucher::certificate_summary(certs.front());
        out.ldevid_key = key;
        out.ldevid = std::move(certs);
    });
    send_status(t, provisional, "enrollstatus", std::string(brski_well_known) + "/enrollstatus", enrolled,
                enrolled ? "Enrolled" : t.doc.value("error", "enrolment failed"));
    if (enrolled) t.doc["result"] = "enrolled";
    return out;
}

}  // namespace iotops::est
