// CMS SignedData from outside: parse and verify must never crash or leak, only throw Error.
#include <cstddef>
#include <cstdint>

#include "iotops/core/error.hpp"
#include "iotops/crypto/cms.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    namespace cms = iotops::crypto::cms;
    iotops::ByteView input(data, size);
    try {
        cms::SignedData sd = cms::parse(input);
        // A detached signature is checked over the input itself, so that path is exercised too.
        std::optional<iotops::ByteView> content;
        if (sd.detached) content = input;
        cms::VerifyOptions options;  // no anchors
        (void)cms::verify(input, options, content);
        // The carried certificates as anchors, so the chain is built from outside input as well.
        options.trust_anchors = sd.certificates;
        options.required_eku = iotops::crypto::oid::kp_code_signing;
        (void)cms::verify(input, options, content);
    } catch (const iotops::Error&) {
    }
    return 0;
}
