// Inside the crypto area: the little DER the hand-made CMS code reads and writes (definite lengths).
#pragma once
#include <optional>

#include "iotops/core/bytes.hpp"

namespace iotops::crypto::der {

// tag, length and value appended to out; tlv() returns them alone.
void append_tlv(Bytes& out, std::uint8_t tag, ByteView value);
Bytes tlv(std::uint8_t tag, ByteView value);

struct Element {
    std::uint8_t tag = 0;
    ByteView whole;  // tag, length and value
    ByteView value;
};

// The element starting at `at` (single-byte tags, definite lengths); nullopt when there is none whole.
std::optional<Element> read(ByteView data, std::size_t at);

}  // namespace iotops::crypto::der
