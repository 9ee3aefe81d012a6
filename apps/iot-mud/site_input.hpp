// Reading the site file, shared by compile and quarantine.
#pragma once
#include <string>

#include "iotops/core/bytes.hpp"
#include "iotops/core/file.hpp"
#include "iotops/mud/site.hpp"

namespace iotops::mud_cli {

inline mud::Site load_site_file(const std::string& path) {
    Bytes b = read_file(path);
    return mud::load_site(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
}

}  // namespace iotops::mud_cli
