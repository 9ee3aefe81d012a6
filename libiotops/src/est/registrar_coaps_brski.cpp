// cBRSKI on the registrar: /rv relays the pledge's COSE voucher-request through the same
// RegistrarVoucherService as requestvoucher over HTTPS; /vs and /es take the telemetry as CBOR.
#include "est/coap_diagnostic.hpp"
#include "iotops/est/pledge.hpp"
#include "iotops/est/registrar_coaps.hpp"
#include "iotops/voucher/envelope.hpp"

namespace iotops::est {

namespace {

namespace cf = coap_format;

CoapResponse error_of(const BrskiReply& r) { return detail::diagnostic(r.status, r.body_text()); }

CoapResponse request_voucher(const RegistrarVoucherService& service, const AuditLog& log, const CoapRequest& req) {
    nlohmann::json line;
    CoapResponse out = [&] {
        if (req.content_format != cf::voucher_cose)
            return CoapResponse::text(coap_code::unsupported_content_format,
                                      "rv: the request must be content-format 836 (application/voucher+cose), not " +
                                          (req.content_format ? std::to_string(*req.content_format) : std::string("none")));
        if (req.accept && *req.accept != cf::voucher_cose)
            return CoapResponse::text(coap_code::not_acceptable, "rv answers content-format 836, not Accept " + std::to_string(*req.accept));
        RegistrarReply reply = service.request_voucher(BrskiRequest{media_voucher_cose, media_voucher_cose, req.payload, req.peer_chain});
        line = reply.log;
        if (!reply.reply.ok()) return error_of(reply.reply);
        if (voucher_format_of(reply.reply.content_type) != voucher::Format::cose) {
            line["reason"] = "the MASA answered " + reply.reply.content_type + ", not a COSE voucher";
            return CoapResponse::text(coap_code::bad_gateway, "rv: the MASA's voucher is not COSE (" + reply.reply.content_type + ")");
        }
        CoapResponse r;
        r.code = coap_code::changed;
        r.content_format = cf::voucher_cose;
        r.payload = voucher::strip_unprotected_certificates(reply.reply.body);
        return r;
    }();
    if (line.is_null()) line = {{"operation", "requestvoucher"}, {"reason", std::string(out.payload.begin(), out.payload.end())}};
    line["remote"] = req.remote_address;
    line["transport"] = "coaps";
    line["coap-code"] = code_string(out.code);
    log.append(line);
    return out;
}

using Telemetry = TelemetryResult (*)(const BrskiRequest&, std::optional<Time>);

CoapResponse telemetry(Telemetry fn, const AuditLog& log, const CoapRequest& req) {
    std::string type = req.content_format == cf::cbor ? "application/cbor"
                       : req.content_format == cf::json ? "application/json"
                       : req.content_format ? "content-format " + std::to_string(*req.content_format)
                                            : std::string("no content-format");
    TelemetryResult t = fn(BrskiRequest{type, "", req.payload, req.peer_chain}, std::nullopt);
    CoapResponse out;
    if (t.reply.status == 415)
        out = CoapResponse::text(coap_code::unsupported_content_format,
                                 t.record.value("operation", "telemetry") + ": send content-format 60 (CBOR) or 50 (JSON), not " + type);
    else if (!t.reply.ok()) out = error_of(t.reply);
    else out.code = coap_code::changed;
    nlohmann::json line = t.record;
    line["remote"] = req.remote_address;
    line["transport"] = "coaps";
    line["coap-code"] = code_string(out.code);  // "status" is what the pledge reported
    log.append(line);
    return out;
}

}  // namespace

std::vector<CoapResource> brski_coap_resources(std::shared_ptr<const RegistrarVoucherService> service, AuditLog log) {
    using M = CoapMethod;
    const std::string base = brski_well_known;
    std::vector<CoapResource> out;
    out.push_back({base, {}, {"brski"}, {}, "", nullptr});
    out.push_back({base + "/rv", {M::post}, {"brski.rv"}, {cf::voucher_cose}, "",
                   [service, log](const CoapRequest& r) { return request_voucher(*service, log, r); }});
    out.push_back({base + "/vs", {M::post}, {"brski.vs"}, {cf::cbor, cf::json}, "",
                   [log](const CoapRequest& r) { return telemetry(&voucher_status, log, r); }});
    out.push_back({base + "/es", {M::post}, {"brski.es"}, {cf::cbor, cf::json}, "",
                   [log](const CoapRequest& r) { return telemetry(&enroll_status, log, r); }});
    return out;
}

}  // namespace iotops::est
