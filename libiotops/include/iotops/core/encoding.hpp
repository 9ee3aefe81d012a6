// Hex, base64 and base64url as real artifacts carry them, and the UTF-8 check text must pass.
#pragma once
#include <string>
#include <string_view>

#include "iotops/core/bytes.hpp"

namespace iotops {

std::string hex_encode(ByteView data, bool upper = false);
// Accepts upper and lower case and ignores ASCII whitespace and ':' separators.
Bytes hex_decode(std::string_view text);

std::string base64_encode(ByteView data);     // RFC 4648 section 4, padded
std::string base64url_encode(ByteView data);  // RFC 4648 section 5, unpadded
// Decodes either alphabet, padded or unpadded, ignoring whitespace and JSON's "\/" escape.
// Throws Error(malformed) saying at which character it failed.
Bytes base64_decode(std::string_view text);
// What base64_decode(text).size() would be, and the same errors, without producing the bytes.
std::size_t base64_decoded_size(std::string_view text);
// Strict base64url without padding, as JWS requires: one canonical string per byte sequence.
Bytes base64url_decode_strict(std::string_view text);

// RFC 3986 percent-decoding of a URL path: "%2B" becomes '+', a '+' stays '+'. A '%' not
// followed by two hex digits is kept as it is.
std::string percent_decode(std::string_view text);

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view text);

}  // namespace iotops
