// Fuzz the csrattrs parser (RFC 7030 4.5.2) and check that what it accepts encodes back.
#include <cstddef>
#include <cstdint>

#include "iotops/core/error.hpp"
#include "iotops/crypto/pkcs7.hpp"

using namespace iotops;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        auto attrs = crypto::parse_csr_attrs(ByteView(data, size));
        (void)crypto::encode_csr_attrs(attrs);
    } catch (const Error&) {
    }
    return 0;
}
