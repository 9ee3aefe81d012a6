// A machine-readable description of a CLI11 app tree, so completions and man-page checks are
// generated from the same source as --help.
#pragma once
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>

namespace iotops::cli {

// {"name","description","options":[{"names","takes_value","description","type","choices"?,"required"}],
//  "positionals":[{"name","description","required"}],"verbs":[<same shape, recursively>]}.
// Options in the hidden group (group "") are left out.
nlohmann::json describe_app(const CLI::App& app);

}  // namespace iotops::cli
