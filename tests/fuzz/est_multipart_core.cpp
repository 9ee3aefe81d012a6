// Fuzz the multipart-core (RFC 8710) decoder of EST-coaps /crts and /skg answers.
#include <cstddef>
#include <cstdint>

#include "iotops/core/error.hpp"
#include "iotops/est/multipart_core.hpp"

using namespace iotops;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        auto parts = est::decode_multipart_core(ByteView(data, size));
        // What decodes must encode and decode to the same parts.
        auto again = est::decode_multipart_core(est::encode_multipart_core(parts));
        if (again.size() != parts.size()) __builtin_trap();
        for (std::size_t i = 0; i < parts.size(); ++i)
            if (again[i].content_format != parts[i].content_format || again[i].data != parts[i].data) __builtin_trap();
    } catch (const Error&) {
    }
    return 0;
}
