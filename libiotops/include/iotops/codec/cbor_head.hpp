// Writing CBOR heads (RFC 8949 section 3) in their shortest form, the one rule deterministic
// encoding (section 4.2.1) has for them. The value encoder, the YANG-CBOR encoder and the SUIT
// envelope writer (which re-assembles original byte spans around fresh heads) all write through these.
#pragma once
#include <cstdint>

#include "iotops/core/bytes.hpp"

namespace iotops::cbor {

enum class Major : std::uint8_t { unsigned_int = 0, negative_int = 1, bytes = 2, text = 3, array = 4, map = 5, tag = 6, simple = 7 };

// The head of major type `major` with `argument` (the value, length, count or tag number).
inline void put_head(Bytes& out, Major major, std::uint64_t argument) {
    std::uint8_t m = static_cast<std::uint8_t>(static_cast<std::uint8_t>(major) << 5);
    if (argument < 24) {
        out.push_back(static_cast<std::uint8_t>(m | argument));
        return;
    }
    int width = argument <= 0xff ? 1 : argument <= 0xffff ? 2 : argument <= 0xffffffffu ? 4 : 8;
    out.push_back(static_cast<std::uint8_t>(m | (width == 1 ? 24 : width == 2 ? 25 : width == 4 ? 26 : 27)));
    for (int shift = (width - 1) * 8; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(argument >> shift));
}

// A byte or text string: its head, then its bytes.
inline void put_string(Bytes& out, Major major, const void* data, std::size_t size) {
    put_head(out, major, size);
    const auto* p = static_cast<const std::uint8_t*>(data);
    out.insert(out.end(), p, p + size);
}

}  // namespace iotops::cbor
