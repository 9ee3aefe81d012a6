#include "iotops/core/error.hpp"

namespace iotops {

std::string_view kind_name(ErrorKind k) {
    switch (k) {
        case ErrorKind::negative: return "negative";
        case ErrorKind::usage: return "usage";
        case ErrorKind::malformed: return "malformed";
        case ErrorKind::missing: return "missing";
        case ErrorKind::unreachable: return "unreachable";
        case ErrorKind::internal: return "internal";
        case ErrorKind::io: return "io";
        case ErrorKind::protocol: return "protocol";
        case ErrorKind::permission: return "permission";
        case ErrorKind::config: return "config";
    }
    return "internal";
}

void throw_malformed(std::string message) { throw Error(ErrorKind::malformed, std::move(message)); }
void throw_internal(std::string message) { throw Error(ErrorKind::internal, std::move(message)); }

}  // namespace iotops
