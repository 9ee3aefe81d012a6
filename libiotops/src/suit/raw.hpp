// Writing CBOR heads by hand: for envelopes re-assembled around original byte spans, which must
// never be re-encoded (their digests and signatures cover those exact bytes).
#pragma once
#include <cstdint>

#include "iotops/core/bytes.hpp"

namespace iotops::suit::raw {

inline void head(Bytes& out, std::uint8_t major, std::uint64_t n) {
    std::uint8_t m = static_cast<std::uint8_t>(major << 5);
    if (n < 24) {
        out.push_back(static_cast<std::uint8_t>(m | n));
        return;
    }
    int bytes = n <= 0xff ? 1 : n <= 0xffff ? 2 : n <= 0xffffffffULL ? 4 : 8;
    out.push_back(static_cast<std::uint8_t>(m | (bytes == 1 ? 24 : bytes == 2 ? 25 : bytes == 4 ? 26 : 27)));
    for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
}

inline void append(Bytes& out, ByteView data) { out.insert(out.end(), data.begin(), data.end()); }

// A bstr item around content.
inline Bytes bstr(ByteView content) {
    Bytes out;
    head(out, 2, content.size());
    append(out, content);
    return out;
}

inline void int_key(Bytes& out, std::int64_t k) {
    if (k >= 0) head(out, 0, static_cast<std::uint64_t>(k));
    else head(out, 1, static_cast<std::uint64_t>(-1 - k));
}

inline void text(Bytes& out, std::string_view s) {
    head(out, 3, s.size());
    append(out, as_bytes(s));
}

}  // namespace iotops::suit::raw
