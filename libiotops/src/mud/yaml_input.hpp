// Reading hand-written YAML (descriptions, site files) with errors that name the line.
#pragma once
#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <string>

#include "iotops/core/error.hpp"

namespace iotops::mud::yaml_input {

// Throws Error(kind) "<file>: <what> (line N)"; file is "description" or "site".
[[noreturn]] void fail(ErrorKind kind, const std::string& file, const YAML::Node& n, const std::string& what);
// The node's text; a mapping or sequence where one value belongs is an error.
std::string scalar(ErrorKind kind, const std::string& file, const YAML::Node& n, const std::string& what);
// Refuses any key of `map` not in `keys`, so that a misspelt key is never silently ignored.
void known_keys(ErrorKind kind, const std::string& file, const YAML::Node& map,
                std::initializer_list<const char*> keys, const std::string& where);

}  // namespace iotops::mud::yaml_input
