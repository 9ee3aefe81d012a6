// Validation of a MUD file against the YANG models of RFC 8520 / RFC 8519, strict by default.
// Compatibility mode accepts the legacy forms real generators emit, each as a warning.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "iotops/core/bytes.hpp"
#include "iotops/core/check.hpp"
#include "iotops/mud/model.hpp"

namespace iotops::mud {

struct ValidateOptions {
    bool compat = false;  // legacy forms become warnings instead of failures
};

// Every finding is a Check whose message starts with the JSON path (RFC 6901 pointer) it concerns.
struct Validation {
    std::vector<Check> checks;
    Mud mud;  // what could be read; complete only when ok()
    bool ok() const { return all_ok(checks); }
};

// Throws Error(malformed) when the text is not JSON or not a MUD file at all (no "ietf-mud:mud" object).
Validation validate(ByteView text, const ValidateOptions& options = {});
Validation validate_json(const nlohmann::json& doc, const ValidateOptions& options = {});

// Parses and validates; throws Error(malformed) naming the first failing finding when invalid.
Mud load(ByteView text, const ValidateOptions& options = {});

}  // namespace iotops::mud
