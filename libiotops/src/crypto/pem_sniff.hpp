// Is this buffer PEM text (possibly after leading whitespace) rather than DER?
#pragma once
#include <string_view>

#include "iotops/core/bytes.hpp"

namespace iotops::crypto {

inline bool looks_like_pem(ByteView data) {
    std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
    return text.find("-----BEGIN ") != std::string_view::npos;
}

}  // namespace iotops::crypto
