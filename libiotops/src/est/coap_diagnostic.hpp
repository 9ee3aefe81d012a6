// A refusal of the shared registrar core as a CoAP answer: the code for its HTTP status and the
// reason as a one-line text/plain diagnostic (a MASA's multi-line reason is folded).
#pragma once
#include <string>

#include "iotops/est/registrar_coaps.hpp"

namespace iotops::est::detail {

inline CoapResponse diagnostic(int http_status, std::string reason) {
    while (!reason.empty() && (reason.back() == '\n' || reason.back() == '\r')) reason.pop_back();
    for (auto& c : reason)
        if (c == '\n' || c == '\r') c = ' ';
    return CoapResponse::text(coap_code_for_http(http_status), reason);
}

}  // namespace iotops::est::detail
