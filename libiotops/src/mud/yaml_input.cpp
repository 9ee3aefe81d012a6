#include "mud/yaml_input.hpp"

namespace iotops::mud::yaml_input {

void fail(ErrorKind kind, const std::string& file, const YAML::Node& n, const std::string& what) {
    std::string where = n.Mark().is_null() ? "" : " (line " + std::to_string(n.Mark().line + 1) + ")";
    throw Error(kind, file + ": " + what + where);
}

std::string scalar(ErrorKind kind, const std::string& file, const YAML::Node& n, const std::string& what) {
    if (!n.IsScalar()) fail(kind, file, n, what + " must be a single value");
    return n.as<std::string>();
}

void known_keys(ErrorKind kind, const std::string& file, const YAML::Node& map,
                std::initializer_list<const char*> keys, const std::string& where) {
    for (const auto& kv : map) {
        std::string k = kv.first.as<std::string>();
        bool ok = false;
        for (const char* n : keys) ok = ok || k == n;
        if (!ok) fail(kind, file, kv.first, "unknown key '" + k + "' in " + where);
    }
}

}  // namespace iotops::mud::yaml_input
