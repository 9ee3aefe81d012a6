// Fuzz format sniffing and, for what sniffs as JSON, the JSON parser with its error offsets.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "iotops/codec/json.hpp"
#include "iotops/codec/sniff.hpp"
#include "iotops/core/error.hpp"

using namespace iotops;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ByteView in(data, size);
    codec::Format f = codec::sniff(in);
    if (std::string(codec::format_name(f)).empty()) std::abort();
    if (f == codec::Format::json) {
        try {
            auto j = codec::parse_json(in);
            codec::json_to_cbor(j);
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::malformed) std::abort();
        }
    }
    return 0;
}
