// Inside the crypto area only: HMAC-SHA-256 through EVP_MAC, and a constant-time compare.
#pragma once
#include "iotops/core/bytes.hpp"

namespace iotops::crypto {

Bytes hmac_sha256(ByteView key, ByteView data);
bool equal_constant_time(ByteView a, ByteView b);  // false when sizes differ

}  // namespace iotops::crypto
