// Fuzz the multipart/mixed parser of serverkeygen answers: the first line is the Content-Type,
// the rest the body.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "iotops/core/error.hpp"
#include "iotops/est/multipart.hpp"

using namespace iotops;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view all(reinterpret_cast<const char*>(data), size);
    std::size_t nl = all.find('\n');
    std::string_view ct = all.substr(0, nl);
    ByteView body = nl == std::string_view::npos ? ByteView{} : ByteView(data + nl + 1, size - nl - 1);
    try {
        for (const auto& p : est::parse_multipart(ct, body)) (void)p.header("Content-Type");
    } catch (const Error&) {
    }
    return 0;
}
