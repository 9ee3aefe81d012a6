// Reading a whole file, with the error kind its failure deserves.
#pragma once
#include <string>

#include "iotops/core/bytes.hpp"

namespace iotops {

// Throws Error(missing) when it does not exist, Error(permission) when it may not be read,
// Error(io) when reading fails; each message names the path.
Bytes read_file(const std::string& path);

}  // namespace iotops
