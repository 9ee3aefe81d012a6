// Test helpers: read files from tests/vectors (copied public vectors, see SOURCES.md).
#pragma once
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "iotops/core/bytes.hpp"

namespace iotops::test {

inline std::string vector_path(const std::string& relative) {
    return std::string(IOTOPS_VECTORS_DIR) + "/" + relative;
}

inline Bytes read_vector(const std::string& relative) {
    std::ifstream in(vector_path(relative), std::ios::binary);
    if (!in) throw std::runtime_error("missing test vector " + relative);
    return Bytes(std::istreambuf_iterator<char>(in), {});
}

inline std::string read_vector_text(const std::string& relative) {
    Bytes b = read_vector(relative);
    return std::string(b.begin(), b.end());
}

}  // namespace iotops::test
