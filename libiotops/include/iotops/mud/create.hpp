// Writing MUD files: the model to RFC 7951 JSON, and a complete MUD file from a concise YAML description.
#pragma once
#include <string>
#include <string_view>

#include "iotops/core/time.hpp"
#include "iotops/mud/model.hpp"

namespace iotops::mud {

// RFC 7951 JSON with module prefixes, [null] empties and numbers for integers; indented by 2.
std::string serialize(const Mud& mud);

// A MUD model from a YAML description (see iot-mud(1), CREATE). `now` fills last-update when the
// description has none. Throws Error(malformed) naming the YAML line for anything wrong.
Mud from_description(std::string_view yaml, Time now);

// The ACL name prefix for a MUD URL: "mud-NNNNN", stable for a given URL.
std::string acl_prefix(const std::string& mud_url);

}  // namespace iotops::mud
