#include "iotops/est/registrar_brski.hpp"

#include "iotops/est/pledge.hpp"

namespace iotops::est {

namespace {

BrskiRequest brski_request(const crypto::ServerRequest& r) {
    return BrskiRequest{r.content_type, r.header("Accept").value_or(""), r.body, r.peer_chain};
}

crypto::ServerResponse server_response(const BrskiReply& r) {
    crypto::ServerResponse out;
    out.status = r.status;
    out.content_type = r.content_type;
    out.body = r.body;
    return out;
}

}  // namespace

MasaTransport https_masa_transport(crypto::HttpOptions options) {
    return [options = std::move(options)](const MasaCall& call) {
        crypto::HttpOptions o = options;
        if (!call.accept.empty()) o.headers.emplace_back("Accept", call.accept);
        crypto::HttpResponse r = crypto::http_request(call.url, o, call.content_type, call.body);
        return MasaAnswer{r.status, r.content_type, std::move(r.body)};
    };
}

void add_brski_routes(crypto::HttpServer& server, std::shared_ptr<const RegistrarVoucherService> service,
                      AuditLog log) {
    const std::string base = brski_well_known;
    server.handle("POST", base + "/requestvoucher", [service, log](const crypto::ServerRequest& r) {
        RegistrarReply reply = service->request_voucher(brski_request(r));
        nlohmann::json line = reply.log;
        line["remote"] = r.remote_address;
        log.append(line);
        return server_response(reply.reply);
    });
    auto telemetry = [log](TelemetryResult (*fn)(const BrskiRequest&, std::optional<Time>)) {
        return [log, fn](const crypto::ServerRequest& r) {
            TelemetryResult t = fn(brski_request(r), std::nullopt);
            nlohmann::json line = t.record;
            line["remote"] = r.remote_address;
            line["http-status"] = t.reply.status;  // "status" is what the pledge reported
            log.append(line);
            return server_response(t.reply);
        };
    };
    server.handle("POST", base + "/voucher_status", telemetry(&voucher_status));
    server.handle("POST", base + "/enrollstatus", telemetry(&enroll_status));
}

}  // namespace iotops::est
