// multipart/mixed bodies (RFC 2046 5.1) as the EST serverkeygen answer uses them (RFC 7030 4.4.2).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "iotops/core/bytes.hpp"

namespace iotops::est {

struct MimePart {
    std::vector<std::pair<std::string, std::string>> headers;
    Bytes body;
    std::optional<std::string> header(std::string_view name) const;  // case-insensitive
};

// The body; boundary must not occur in any part.
Bytes build_multipart(const std::string& boundary, const std::vector<MimePart>& parts);

// The boundary parameter of a multipart Content-Type; Error(protocol) when there is none.
std::string multipart_boundary(std::string_view content_type);

// Splits a body at its boundary. Throws Error(protocol) when the delimiters or part headers are
// malformed or the close delimiter is missing.
std::vector<MimePart> parse_multipart(std::string_view content_type, ByteView body);

}  // namespace iotops::est
