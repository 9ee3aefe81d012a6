// Fuzz YANG-CBOR decoding with the voucher schema: what converts to JSON must convert back and
// give the same JSON again.
#include <cstdint>
#include <cstdlib>

#include "iotops/codec/yang_cbor.hpp"
#include "iotops/core/error.hpp"

using namespace iotops;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto& schema = yang::Schema::voucher();
    nlohmann::json j;
    try {
        j = yang::to_json(cbor::decode(ByteView(data, size)), schema);
    } catch (const Error&) {
        return 0;
    }
    cbor::Value back = yang::to_cbor(j, schema);
    if (yang::to_json(back, schema) != j) std::abort();
    return 0;
}
