// The head of a CBOR data item (RFC 8949 section 3): checked before libcbor sees it, so that
// reserved encodings are rejected and declared lengths are compared with the bytes really present.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "iotops/core/bytes.hpp"

namespace iotops::cbor::detail {

struct Head {
    std::uint8_t major = 0;
    std::uint8_t info = 0;        // additional information (low five bits)
    std::uint64_t argument = 0;   // meaningless when indefinite
    std::size_t length = 0;       // bytes of the head itself
    bool indefinite = false;
};

// Reads and checks the head at data[pos]. Throws Error(malformed) "cbor: at byte N: ..." when the
// head is truncated or reserved, or when a definite string declares more bytes than remain.
Head read_head(ByteView data, std::size_t pos);

[[noreturn]] void fail_at(std::size_t pos, const std::string& why);

}  // namespace iotops::cbor::detail
