// The registrar's call to the MASA over HTTPS (RFC 8995 5.4, 5.5).
#include "iotops/est/registrar_voucher.hpp"

namespace iotops::est {

MasaTransport https_masa_transport(crypto::HttpOptions options) {
    return [options = std::move(options)](const MasaCall& call) {
        crypto::HttpOptions o = options;
        if (!call.accept.empty()) o.headers.emplace_back("Accept", call.accept);
        auto r = crypto::http_request(call.url, o, call.content_type, call.body);
        return MasaAnswer{r.status, r.content_type, std::move(r.body)};
    };
}

}  // namespace iotops::est
