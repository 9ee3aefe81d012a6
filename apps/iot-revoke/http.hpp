// Plain HTTP(S) fetches for CRL URLs and OCSP requests (cpp-httplib).
#pragma once
#include <string>

#include "iotops/core/bytes.hpp"

namespace iotops::revoke_cli {

// GET, or POST when content_type is set. Unreachable peers: Error(unreachable); a non-200
// answer: Error(protocol).
Bytes http_fetch(const std::string& url, const std::string& content_type = {}, ByteView body = {});

}  // namespace iotops::revoke_cli
