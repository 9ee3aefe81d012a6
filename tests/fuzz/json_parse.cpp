// Fuzz the JSON text parser against nlohmann's: the same value for every text nlohmann accepts, a
// malformed error for every text it refuses (and for a NUL byte after the value, which nlohmann
// takes for the end), and dump_json writing the parsed value as nlohmann writes it.
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
        if (codec::dump_json(j, true) != j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) std::abort();
    } catch (const Error& e) {
        // nlohmann stops at a NUL byte after the value; parse_json calls what follows trailing input.
        bool nul_after_value = std::string(e.what()).find("unexpected byte 0x00; expected end of input") != std::string::npos;
        if ((reference_ok && !nul_after_value) || e.kind() != ErrorKind::malformed) std::abort();
    }
    return 0;
}
