// The small shared pieces of the CoAP layer: names of methods and codes, and how errors map to codes.
#include <cstdio>

#include "iotops/est/coap.hpp"

namespace iotops::est {

std::string_view method_name(CoapMethod m) {
    switch (m) {
        case CoapMethod::get: return "GET";
        case CoapMethod::post: return "POST";
        case CoapMethod::put: return "PUT";
        case CoapMethod::del: return "DELETE";
    }
    return "?";
}

std::string code_string(unsigned code) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%u.%02u", code >> 5, code & 31);
    return buf;
}

CoapResponse CoapResponse::text(unsigned code, std::string_view message) {
    CoapResponse r;
    r.code = code;
    r.content_format = coap_format::text_plain;
    r.payload.assign(message.begin(), message.end());
    return r;
}

unsigned coap_code_for(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::malformed:
        case ErrorKind::usage: return coap_code::bad_request;
        case ErrorKind::negative:
        case ErrorKind::permission: return coap_code::forbidden;
        case ErrorKind::missing: return coap_code::not_found;
        case ErrorKind::unreachable:
        case ErrorKind::protocol: return coap_code::bad_gateway;
        default: return coap_code::internal_server_error;
    }
}

}  // namespace iotops::est
