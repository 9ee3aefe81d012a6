// CMS SignedData from outside: parse and verify (no anchors) must never crash or leak, only throw Error.
#include <cstddef>
#include <cstdint>

#include "iotops/core/error.hpp"
#include "iotops/crypto/cms.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    iotops::ByteView input(data, size);
    try {
        iotops::crypto::cms::SignedData sd = iotops::crypto::cms::parse(input);
        iotops::crypto::cms::VerifyOptions options;
        // A detached signature is checked over the input itself, so that path is exercised too.
        std::optional<iotops::ByteView> content;
        if (sd.detached) content = input;
        (void)iotops::crypto::cms::verify(input, options, content);
    } catch (const iotops::Error&) {
    }
    return 0;
}
