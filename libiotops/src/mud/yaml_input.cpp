#include "mud/yaml_input.hpp"

#include "iotops/core/encoding.hpp"

namespace iotops::mud::yaml_input {

void fail(ErrorKind kind, const std::string& file, const YAML::Node& n, const std::string& what) {
    std::string where = n.Mark().is_null() ? "" : " (line " + std::to_string(n.Mark().line + 1) + ")";
    throw Error(kind, file + ": " + what + where);
}

std::string scalar(ErrorKind kind, const std::string& file, const YAML::Node& n, const std::string& what) {
    if (!n.IsScalar()) fail(kind, file, n, what + " must be a single value");
    // JSON output carries only UTF-8
    if (!valid_utf8(n.Scalar())) fail(kind, file, n, what + " is not UTF-8 text");
    return n.Scalar();
}

void known_keys(ErrorKind kind, const std::string& file, const YAML::Node& map,
                std::initializer_list<const char*> keys, const std::string& where) {
    for (const auto& kv : map) {
        std::string k = scalar(kind, file, kv.first, "a key in " + where);
        bool ok = false;
        for (const char* n : keys) ok = ok || k == n;
        if (!ok) fail(kind, file, kv.first, "unknown key '" + k + "' in " + where);
    }
}

}  // namespace iotops::mud::yaml_input
