// Passphrase sources as in OpenSSL: pass:TEXT, env:VAR, file:PATH (first line), fd:N (first line).
#pragma once
#include <string>
#include <string_view>

namespace iotops::crypto {

// Throws Error(usage) for an unknown scheme, Error(missing) for an unset variable or unreadable file.
std::string read_passphrase(std::string_view source);

}  // namespace iotops::crypto
