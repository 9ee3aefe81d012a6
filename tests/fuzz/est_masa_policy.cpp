// Fuzz target: a MASA ownership policy file (YAML or JSON) must parse or be refused with
// iotops::Error, and a parsed policy must decide without crashing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "iotops/core/error.hpp"
#include "iotops/est/masa_policy.hpp"

using namespace iotops;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        auto p = est::OwnershipPolicy::parse(text, "policy");
        for (const auto& d : p.domains()) (void)d.may_claim(d.name);
        (void)p.decide({}, "SN-0001");
    } catch (const Error&) {
    }
    return 0;
}
