// Writing CBOR heads by hand: for envelopes re-assembled around original byte spans, which must
// never be re-encoded (their digests and signatures cover those exact bytes).
#pragma once
#include <cstdint>

#include "iotops/codec/cbor_head.hpp"
#include "iotops/core/bytes.hpp"

namespace iotops::suit::raw {

inline void head(Bytes& out, std::uint8_t major, std::uint64_t n) { cbor::put_head(out, static_cast<cbor::Major>(major), n); }

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
