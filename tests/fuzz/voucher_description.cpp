// Fuzz target: a voucher description (YAML or JSON, as `iot-voucher create` reads it) turned into a
// voucher must never crash; the only exception allowed out of the library is iotops::Error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "iotops/codec/yaml.hpp"
#include "iotops/core/error.hpp"
#include "iotops/voucher.hpp"

using namespace iotops;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        auto j = codec::parse_yaml(text, "description");  // YAML is a superset of the JSON descriptions
        if (j.is_object()) (void)voucher::create(voucher::Kind::voucher, j).dump();
    } catch (const Error&) {
    }
    return 0;
}
