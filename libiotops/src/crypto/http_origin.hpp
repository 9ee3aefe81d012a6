// Inside crypto: an http(s)://host[:port] origin taken apart (IPv6 in brackets).
#pragma once
#include <string>

namespace iotops::crypto {

struct Origin {
    bool https = false;
    std::string host;  // without brackets
    int port = 0;      // 443 or 80 when not given
};

// Error(usage) for anything but http:// or https:// with a host and a valid port.
Origin parse_origin(const std::string& origin);

}  // namespace iotops::crypto
