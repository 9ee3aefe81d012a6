// EST-coaps (RFC 9148) on the registrar: the resources call the same Registrar::enroll as the
// HTTPS routes; only the media (content-formats, binary DER, multipart-core) differ.
#include <string>

#include "est/coap_diagnostic.hpp"
#include "iotops/crypto/pkcs7.hpp"
#include "iotops/est/multipart_core.hpp"
#include "iotops/est/registrar_coaps.hpp"

namespace iotops::est {

namespace {

namespace cf = coap_format;

CoapResponse with(unsigned code, unsigned format, Bytes payload) {
    CoapResponse r;
    r.code = code;
    r.content_format = format;
    r.payload = std::move(payload);
    return r;
}

std::string format_name(const std::optional<unsigned>& f) { return f ? std::to_string(*f) : "none"; }

CoapResponse not_acceptable(const CoapRequest& req, const std::string& offered) {
    return CoapResponse::text(coap_code::not_acceptable, req.path + " answers content-format " + offered + ", not Accept " +
                                                             format_name(req.accept));
}

// RFC 9148 4.1 and the cBRSKI multipart-core section: the issuing CA first, up to the root.
CoapResponse crts(const Registrar& reg, const CoapRequest& req) {
    auto certs = reg.ca().certificates();
    if (!req.accept || *req.accept == cf::pkcs7_certs_only)
        return with(coap_code::content, cf::pkcs7_certs_only, crypto::certs_only(certs));
    if (*req.accept == cf::pkix_cert) return with(coap_code::content, cf::pkix_cert, reg.ca().certificate().der());
    if (*req.accept == cf::multipart_core) {
        std::vector<CorePart> parts;
        for (const auto& c : certs) parts.push_back({cf::pkix_cert, c.der()});
        return with(coap_code::content, cf::multipart_core, encode_multipart_core(parts));
    }
    return not_acceptable(req, "281, 62 or 287");
}

CoapResponse att(const Registrar& reg, const CoapRequest& req) {
    if (req.accept && *req.accept != cf::csrattrs) return not_acceptable(req, "285");
    if (reg.csr_attrs().empty()) return CoapResponse::text(coap_code::not_found, "no CSR attributes are configured");
    return with(coap_code::content, cf::csrattrs, crypto::encode_csr_attrs(reg.csr_attrs()));
}

EstPeer peer_of(const CoapRequest& req) {
    EstPeer p;
    p.chain = req.peer_chain;
    p.remote_address = req.remote_address;
    p.transport = "coaps";
    return p;
}

// The CSR of sen, sren and skg: binary DER as content-format 286 (RFC 9148 4.2).
Bytes csr_of(const CoapRequest& req) {
    if (req.content_format != cf::pkcs10)
        throw EstRefusal{415, "the request must be content-format 286 (application/pkcs10), not " + format_name(req.content_format)};
    if (req.payload.empty()) throw EstRefusal{400, "empty payload: expected a DER PKCS#10 CSR"};
    return req.payload;
}

CoapResponse refusal(const Enrolment& e) { return detail::diagnostic(e.status, e.reason); }

CoapResponse enroll(const Registrar& reg, const CoapRequest& req, EnrollOp op) {
    // Refused before anything is issued: a certificate nobody can take is not made.
    if (req.accept && *req.accept != cf::pkcs7_certs_only && *req.accept != cf::pkix_cert) return not_acceptable(req, "281 or 287");
    Enrolment e = reg.enroll(peer_of(req), op, [&] { return csr_of(req); });
    if (!e.ok()) return refusal(e);
    if (req.accept == cf::pkix_cert) return with(coap_code::changed, cf::pkix_cert, e.certificate->der());
    return with(coap_code::changed, cf::pkcs7_certs_only, crypto::certs_only({*e.certificate}));
}

// RFC 9148 4.8: [284, private key, 281, certificate]; the key goes unencrypted inside DTLS.
CoapResponse skg(const Registrar& reg, const CoapRequest& req) {
    if (req.accept && *req.accept != cf::multipart_core) return not_acceptable(req, "62");
    Enrolment e = reg.enroll(peer_of(req), EnrollOp::serverkeygen, [&] { return csr_of(req); });
    if (!e.ok()) return refusal(e);
    return with(coap_code::changed, cf::multipart_core,
                encode_multipart_core({{cf::pkcs8, e.key->pkcs8_der()}, {cf::pkcs7_certs_only, crypto::certs_only({*e.certificate})}}));
}

}  // namespace

unsigned coap_code_for_http(int status) {
    switch (status) {
        case 400: return coap_code::bad_request;
        case 401: return coap_code::unauthorized;
        case 403: return coap_code::forbidden;
        case 404: return coap_code::not_found;
        case 405: return coap_code::method_not_allowed;
        case 406: return coap_code::not_acceptable;
        case 413: return coap_code::request_entity_too_large;
        case 415: return coap_code::unsupported_content_format;
        case 502: return coap_code::bad_gateway;
        case 503: return coap_code::service_unavailable;
        default: return status >= 400 && status < 500 ? coap_code::bad_request : coap_code::internal_server_error;
    }
}

std::vector<CoapResource> est_coap_resources(const Registrar& registrar) {
    const Registrar* reg = &registrar;
    using M = CoapMethod;
    std::vector<CoapResource> out;
    out.push_back({well_known, {}, {"ace.est"}, {}, "", nullptr});
    std::vector<std::string> bases{well_known};
    for (const auto& label : registrar.labels()) bases.push_back(std::string(well_known) + "/" + label);
    for (const auto& base : bases) {
        out.push_back({base + "/crts", {M::get}, {"ace.est.crts"}, {cf::multipart_core, cf::pkcs7_certs_only, cf::pkix_cert}, "",
                       [reg](const CoapRequest& r) { return crts(*reg, r); }});
        out.push_back({base + "/sen", {M::post}, {"ace.est.sen"}, {cf::pkcs7_certs_only, cf::pkix_cert}, "",
                       [reg](const CoapRequest& r) { return enroll(*reg, r, EnrollOp::enroll); }});
        out.push_back({base + "/sren", {M::post}, {"ace.est.sren"}, {cf::pkcs7_certs_only, cf::pkix_cert}, "",
                       [reg](const CoapRequest& r) { return enroll(*reg, r, EnrollOp::reenroll); }});
        out.push_back({base + "/att", {M::get}, {"ace.est.att"}, {cf::csrattrs}, "", [reg](const CoapRequest& r) { return att(*reg, r); }});
        out.push_back({base + "/skg", {M::post}, {"ace.est.skg"}, {cf::multipart_core}, "", [reg](const CoapRequest& r) { return skg(*reg, r); }});
    }
    return out;
}

}  // namespace iotops::est
