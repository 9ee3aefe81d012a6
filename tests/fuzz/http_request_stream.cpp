// Fuzz the HTTP/1.1 request stream of the event server: any bytes, split anywhere, give whole
// answers that each start with a status line, and after a closing answer nothing more.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "iotops/crypto/http_request_stream.hpp"

using namespace iotops;
using namespace iotops::crypto;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    HttpRequestStream stream(256);
    auto handler = [](const ServerRequest& r) {
        ServerResponse out;
        out.body.assign(r.body.begin(), r.body.end());
        return out;
    };
    // The first byte says where to split the rest, as a socket may deliver it.
    std::size_t cut = 1 + data[0] % size;
    std::string out;
    stream.feed(ByteView(data + 1, cut - 1), handler, out);
    bool closed = stream.closing();
    std::size_t before = out.size();
    stream.feed(ByteView(data + cut, size - cut), handler, out);
    if (closed && out.size() != before) std::abort();  // bytes after a closing answer were read
    if (!out.empty() && out.rfind("HTTP/1.1 ", 0) != 0) std::abort();
    return 0;
}
