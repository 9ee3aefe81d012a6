// YAML as an input format for descriptions people write by hand (voucher fields, SUIT manifests).
#pragma once
#include <string_view>

#include <nlohmann/json.hpp>

namespace iotops::codec {

// Parses one YAML document (JSON is YAML too) into JSON: mappings -> objects (keys as text),
// sequences -> arrays, plain scalars true/false -> booleans, null/~/empty -> null, integers
// (signed or unsigned 64-bit) and decimals -> numbers, everything else (and every quoted or
// tagged scalar) -> strings. A duplicate key, more than one document, nesting deeper than 64 or
// more than 2^20 values once aliases are expanded are refused. Throws Error(malformed)
// "<what>: line L, column C: <why>" (1-based).
nlohmann::json parse_yaml(std::string_view text, std::string_view what = "yaml");
// The same, keeping mappings in the order they are written.
nlohmann::ordered_json parse_yaml_ordered(std::string_view text, std::string_view what = "yaml");

}  // namespace iotops::codec
