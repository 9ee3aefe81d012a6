// Is this buffer PEM text (possibly after leading whitespace) rather than DER?
#pragma once
#include <string_view>

#include "iotops/core/bytes.hpp"

namespace iotops::crypto {

inline bool looks_like_pem(ByteView data) {
    std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
    return text.find("-----BEGIN ") != std::string_view::npos;
}

// PEM password callback that never prompts: OpenSSL's default (a null callback) reads the terminal
// when a PEM block is encrypted, which a library must never do.
inline int no_pem_passphrase(char*, int, int, void*) { return 0; }

}  // namespace iotops::crypto
