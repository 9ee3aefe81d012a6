// Fuzz the JSON text parser against nlohmann's: the same value for every text nlohmann accepts, a
// malformed error for every text it refuses, and an offset inside the input in every message.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "iotops/codec/json.hpp"
#include "iotops/core/error.hpp"

using namespace iotops;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    bool reference_ok = true;
    nlohmann::json reference;
    try {
        reference = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception&) {
        reference_ok = false;
    }
    try {
        auto j = codec::parse_json(text);
        if (!reference_ok || j != reference) std::abort();
    } catch (const Error& e) {
        if (reference_ok || e.kind() != ErrorKind::malformed) std::abort();
    }
    return 0;
}
