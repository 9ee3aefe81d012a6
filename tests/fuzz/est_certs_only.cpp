// Fuzz the EST certificate answers: base64 or DER certs-only as a client decodes them.
#include <cstddef>
#include <cstdint>

#include "iotops/core/error.hpp"
#include "iotops/crypto/pkcs7.hpp"
#include "iotops/est/client.hpp"

using namespace iotops;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ByteView in(data, size);
    try {
        for (const auto& c : crypto::parse_certs_only(in)) (void)c.subject();
    } catch (const Error&) {
    }
    try {
        (void)est::decode_certs_only_body(in, "fuzz");
    } catch (const Error&) {
    }
    return 0;
}
