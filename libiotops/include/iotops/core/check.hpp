// One named check of a verification, shared by every report so that all tools speak one shape.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace iotops {

// A warning holds but says something is off.
struct Check {
    std::string name;
    bool ok = false;
    std::string message;
    bool warning = false;
};

// True when there is at least one check and every one holds.
bool all_ok(const std::vector<Check>& checks);
// [{"check": name, "result": "pass"|"warning"|"fail", "message": ...}]
nlohmann::json checks_to_json(const std::vector<Check>& checks);
// "valid" or "invalid", the top-level "result" of a report.
const char* verdict(const std::vector<Check>& checks);

}  // namespace iotops
