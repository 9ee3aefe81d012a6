// The pledge's side of BRSKI and cBRSKI, one step after the other; each step appends what it sent
// and what came back to the transcript and ends the run at the first failure. The steps are the
// same over both transports; PledgeTransport does the wire.
#include "iotops/est/pledge.hpp"

#include "iotops/core/encoding.hpp"
#include "iotops/crypto/cipher.hpp"
#include "iotops/crypto/http.hpp"
#include "iotops/voucher/create.hpp"
#include "iotops/voucher/verify.hpp"
#include "pledge_transcript.hpp"
#include "pledge_transport.hpp"

namespace iotops::est {

namespace {

using nlohmann::json;

// RFC 8995 5.7 and 5.9.4 status telemetry. The pledge tells the registrar either way; a
// registrar that does not take it is noted, not fatal.
void send_status(Transcript& t, PledgeTransport& wire, const std::string& step, bool status, const std::string& reason) {
    json body = {{"version", 1}, {"status", status}, {"reason", reason}};
    t.run(step, [&](json& s) {
        std::string refused = wire.send_status(step, body, s);
        if (!refused.empty()) s["warning"] = "the registrar answered " + refused;
    });
}

// A COSE voucher carries no certificate (the registrar strips x5bag/x5chain): each candidate the
// pledge holds is tried as the signer, and the report of the one whose signature holds is kept.
voucher::Report verify_voucher(const voucher::Envelope& env, voucher::VerifyOptions vo, const PledgeOptions& options) {
    std::vector<crypto::Certificate> candidates = options.masa_signers;
    candidates.insert(candidates.end(), options.masa_anchors.begin(), options.masa_anchors.end());
    if (!env.certificates.empty() || candidates.empty()) return voucher::verify(env, vo);
    std::optional<voucher::Report> first;
    for (const auto& c : candidates) {
        vo.signer = c;
        voucher::Report r = voucher::verify(env, vo);
        for (const Check& check : r.checks)
            if (check.name == "signature" && check.ok) return r;
        if (!first) first = std::move(r);
    }
    return *first;
}

}  // namespace

std::string pledge_transport_name(const std::string& registrar) {
    std::string scheme = registrar.substr(0, registrar.find("://"));
    if ((scheme != "https" && scheme != "coaps") || registrar.find("://") == std::string::npos)
        throw Error(ErrorKind::usage, "pledge: --registrar is an https://host:port or coaps://host:port origin: " + registrar);
    std::string rest = registrar.substr(scheme.size() + 3);
    if (rest.empty() || rest.find('/') != std::string::npos || rest.find('?') != std::string::npos)
        throw Error(ErrorKind::usage, "pledge: --registrar is an origin without a path: " + registrar);
    return scheme;
}

voucher::Format pledge_voucher_format(const PledgeOptions& options) {
    bool coaps = pledge_transport_name(options.registrar) == "coaps";
    voucher::Format f = options.format.value_or(coaps ? voucher::Format::cose : voucher::Format::cms);
    if (coaps && f != voucher::Format::cose)
        throw Error(ErrorKind::usage, "pledge: over coaps:// the voucher-request is COSE (content-format 836), not " +
                                          std::string(voucher::format_name(f)));
    if (!coaps && f != voucher::Format::cms && f != voucher::Format::jws)
        throw Error(ErrorKind::usage, "pledge: over https:// the voucher-request is cms or jws, not " + std::string(voucher::format_name(f)));
    return f;
}

PledgeOutcome run_pledge(const PledgeIdentity& identity, const PledgeOptions& options) {
    PledgeOutcome out;
    if (identity.certificates.empty()) throw Error(ErrorKind::usage, "pledge: no IDevID certificate");
    const crypto::Certificate& idevid = identity.certificates.front();
    std::optional<std::string> serial = idevid.subject_attribute("serialNumber");
    const voucher::Format format = pledge_voucher_format(options);
    Transcript t(out, options.record_exchanges);
    t.doc["serial-number"] = serial ? json(*serial) : json(nullptr);
    t.doc["registrar"] = options.registrar;
    std::unique_ptr<PledgeTransport> wire = pledge_transport_name(options.registrar) == "coaps"
                                                ? coaps_transport(identity, options, t)
                                                : https_transport(identity, options, t);
    t.doc["transport"] = wire->name();
    const bool cbrski = std::string(wire->name()) == "coaps";

    // Provisional (D)TLS: the registrar is not trusted yet, only remembered.
    std::vector<crypto::Certificate> registrar_chain;
    if (!t.run("provisional-tls", [&](json& s) {
            if (!serial) throw Error(ErrorKind::config, "the IDevID has no serialNumber in its subject");
            registrar_chain = wire->connect(s);
            if (registrar_chain.empty()) throw Error(ErrorKind::protocol, "the registrar showed no certificate");
            s["registrar-certificate"] = voucher::certificate_summary(registrar_chain.front());
        }))
        return out;

    Bytes nonce = crypto::random_bytes(16);
    Bytes pvr;
    if (!t.run("voucher-request", [&](json& s) {
            json leaves = {{"assertion", "proximity"}, {"serial-number", *serial}, {"nonce", base64_encode(nonce)}};
            // cBRSKI names the registrar by its key (smaller); RFC 8995 by its whole certificate.
            if (cbrski)
                leaves["proximity-registrar-pubk"] = base64_encode(registrar_chain.front().public_key().spki_der());
            else
                leaves["proximity-registrar-cert"] = base64_encode(registrar_chain.front().der());
            voucher::Voucher v = voucher::create(voucher::Kind::voucher_request, leaves);
            voucher::SignOptions so;
            so.format = format;
            so.chain.assign(identity.certificates.begin() + 1, identity.certificates.end());
            pvr = voucher::sign(v, identity.key, idevid, so);
            s["format"] = voucher::format_name(format);
            s["voucher-request"] = v.to_json();
        }))
        return out;

    if (!t.run("requestvoucher", [&](json& s) { out.voucher = wire->request_voucher(pvr, format, s); })) return out;

    // The voucher: signed by the MASA, for this pledge, answering this nonce.
    std::optional<crypto::Certificate> pinned;
    bool voucher_ok = t.run("voucher", [&](json& s) {
        voucher::VerifyOptions vo;
        vo.anchors = options.masa_anchors;
        vo.nonce = nonce;
        vo.serial = *serial;
        vo.idevid = idevid;
        vo.kind = voucher::Expect::voucher;
        voucher::Envelope env;
        voucher::Report report;
        try {
            env = voucher::open(out.voucher);
            report = verify_voucher(env, vo, options);
        } catch (const Error& e) {
            throw Error(ErrorKind::protocol, std::string("the registrar's answer is not a voucher: ") + e.what());
        }
        s["format"] = voucher::format_name(env.format);
        s["voucher"] = report.payload;
        s["checks"] = checks_to_json(report.checks);
        if (!report.ok()) {
            for (const Check& c : report.checks)
                if (c.name == "signature" && !c.ok && env.certificates.empty())
                    throw Error(ErrorKind::negative,
                                "voucher check signature failed: the voucher carries no certificate and no MASA certificate "
                                "the pledge holds (its MASA trust anchors and signing certificates) verifies it");
            for (const Check& c : report.checks)
                if (!c.ok && !c.warning) throw Error(ErrorKind::negative, "voucher check " + c.name + " failed: " + c.message);
        }
        std::optional<Bytes> der = env.voucher.binary("pinned-domain-cert");
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
    send_status(t, *wire, "voucher_status", voucher_ok,
                voucher_ok ? "Voucher successfully processed" : t.doc.value("error", "voucher refused"));
    if (!voucher_ok) return out;

    // From here on the registrar is trusted through the pinned-domain-cert.
    if (!t.run("cacerts", [&](json& s) {
            wire->trust(*pinned, s);
            out.domain_anchors = wire->cacerts(s);
            s["certificates"] = json::array();
            for (const auto& c : out.domain_anchors) s["certificates"].push_back(voucher::certificate_summary(c));
        }))
        return out;

    bool enrolled = t.run("simpleenroll", [&](json& s) {
        crypto::PrivateKey key = crypto::PrivateKey::generate(options.key_type);
        // cBRSKI (Pledge Enrollment Procedure): the IDevID's subject unmodified; RFC 8995 leaves
        // it open, and the HTTPS pledge has always asked for serialNumber alone.
        crypto::Csr csr = crypto::Csr::create(cbrski ? idevid.subject_name()
                                                                               : crypto::Name{{"serialNumber", *serial}},
                                              key);
        s["csr-subject"] = csr.subject();
        std::vector<crypto::Certificate> certs = wire->enroll(csr, s);
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
    send_status(t, *wire, "enrollstatus", enrolled, enrolled ? "Enrolled" : t.doc.value("error", "enrolment failed"));
    if (enrolled) t.doc["result"] = "enrolled";
    return out;
}

}  // namespace iotops::est
