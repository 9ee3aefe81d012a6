#include "iotops/core/check.hpp"

namespace iotops {

bool all_ok(const std::vector<Check>& checks) {
    if (checks.empty()) return false;
    for (const auto& c : checks)
        if (!c.ok) return false;
    return true;
}

nlohmann::json checks_to_json(const std::vector<Check>& checks) {
    auto out = nlohmann::json::array();
    for (const auto& c : checks) {
        nlohmann::json j = {{"check", c.name}, {"result", c.ok ? (c.warning ? "warning" : "pass") : "fail"}};
        if (!c.message.empty()) j["message"] = c.message;
        out.push_back(std::move(j));
    }
    return out;
}

const char* verdict(const std::vector<Check>& checks) { return all_ok(checks) ? "valid" : "invalid"; }

}  // namespace iotops
