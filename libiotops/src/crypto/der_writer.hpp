// Inside crypto only: a minimal DER writer for structures built in bulk (CRLs), where going
// through OpenSSL's ASN.1 objects one entry at a time would dominate the cost.
#pragma once
#include <cstdint>
#include <string_view>

#include "iotops/core/bytes.hpp"
#include "iotops/core/time.hpp"

namespace iotops::crypto::der {

inline void put_length(Bytes& out, std::size_t n) {
    if (n < 0x80) {
        out.push_back(static_cast<std::uint8_t>(n));
        return;
    }
    std::uint8_t buf[8];
    int k = 0;
    while (n) {
        buf[k++] = static_cast<std::uint8_t>(n & 0xFF);
        n >>= 8;
    }
    out.push_back(static_cast<std::uint8_t>(0x80 | k));
    while (k) out.push_back(buf[--k]);
}

inline void put_tlv(Bytes& out, std::uint8_t tag, ByteView content) {
    out.push_back(tag);
    put_length(out, content.size());
    out.insert(out.end(), content.begin(), content.end());
}

inline Bytes tlv(std::uint8_t tag, ByteView content) {
    Bytes out;
    out.reserve(content.size() + 6);
    put_tlv(out, tag, content);
    return out;
}

// INTEGER from upper/lower-case hex of a non-negative number.
void put_integer_hex(Bytes& out, std::string_view hex);
// UTCTime before 2050, GeneralizedTime from 2050 (RFC 5280 4.1.2.5).
void put_time(Bytes& out, Time t);
void put_generalized_time(Bytes& out, Time t);

}  // namespace iotops::crypto::der
