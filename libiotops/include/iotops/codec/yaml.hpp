// YAML as an input format for descriptions people write by hand (voucher fields, configuration).
#pragma once
#include <string_view>

#include <nlohmann/json.hpp>

namespace iotops::codec {

// Parses one YAML document into JSON: mappings -> objects (keys as text), sequences -> arrays,
// plain scalars true/false -> booleans, null/~/empty -> null, integers and decimals -> numbers,
// everything else (and every quoted scalar) -> strings. Throws Error(malformed)
// "<what>: line L, column C: <why>" (1-based).
nlohmann::json parse_yaml(std::string_view text, std::string_view what = "yaml");

}  // namespace iotops::codec
