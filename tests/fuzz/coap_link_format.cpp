// Fuzz target: a CoRE link-format document (what a server answers on /.well-known/core) must
// parse or be refused with iotops::Error, and the parsed links' attributes must read without crashing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "iotops/core/error.hpp"
#include "iotops/est/coap.hpp"

using namespace iotops;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        for (const auto& link : est::parse_link_format(text)) {
            (void)link.attribute("rt");
            (void)link.resource_types();
            (void)link.content_formats();
        }
    } catch (const Error&) {
    }
    return 0;
}
