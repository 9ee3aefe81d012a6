// What access changed between two MUD files: ACEs compared by what they match (not by name),
// per direction and IP version; an added accept or a removed drop widens access.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "iotops/mud/model.hpp"

namespace iotops::mud {

struct AccessChange {
    bool added = false;   // else removed
    bool widens = false;  // more traffic allowed than before
    std::string access;   // one line: "from-device ipv4 accept tcp to dns:x dport 443 initiated from-device"
    std::string where;    // acl/ace in the file it comes from
};

struct FieldChange {
    std::string field, before, after;
};

struct MudDiff {
    std::vector<AccessChange> access;
    std::vector<FieldChange> fields;
    bool widens() const;
    nlohmann::json to_json() const;
    std::string to_text() const;
};

MudDiff diff(const Mud& before, const Mud& after);

}  // namespace iotops::mud
