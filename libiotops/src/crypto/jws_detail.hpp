// Inside the crypto area only: helpers shared by the JWS parse, sign and verify files.
#pragma once
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "iotops/core/bytes.hpp"

namespace iotops::crypto::jws_detail {

// Strict, canonical base64url (no padding, zero tail bits), so one encoded form maps to one value.
// Errors read "<what>: base64url: ...".
Bytes decode_b64url(std::string_view what, std::string_view text);

// Parses JSON text, mapping nlohmann's exception to Error(malformed) "<what>: invalid json at byte N: ...",
// N counted from base (where text starts in the caller's input).
nlohmann::json parse_json(std::string_view what, std::string_view text, std::size_t base = 0);

}  // namespace iotops::crypto::jws_detail
