// Reading a create description: YAML (which covers JSON) into ordered JSON, keeping map order.
#include "iotops/codec/yaml.hpp"
#include "iotops/core/error.hpp"
#include "iotops/suit/create.hpp"

namespace iotops::suit {

nlohmann::ordered_json parse_description(std::string_view text) {
    auto description = codec::parse_yaml_ordered(text, "description");
    if (!description.is_object()) throw_malformed("description: expected one YAML or JSON document holding a map");
    return description;
}

}  // namespace iotops::suit
