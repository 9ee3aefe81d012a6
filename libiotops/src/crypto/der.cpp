#include "crypto/der.hpp"

namespace iotops::crypto::der {

void append_tlv(Bytes& out, std::uint8_t tag, ByteView value) {
    out.push_back(tag);
    std::size_t n = value.size();
    if (n < 0x80) {
        out.push_back(static_cast<std::uint8_t>(n));
    } else {
        int bytes = 0;
        for (std::size_t m = n; m != 0; m >>= 8) ++bytes;
        out.push_back(static_cast<std::uint8_t>(0x80 | bytes));
        for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
    }
    out.insert(out.end(), value.begin(), value.end());
}

Bytes tlv(std::uint8_t tag, ByteView value) {
    Bytes out;
    out.reserve(value.size() + 6);
    append_tlv(out, tag, value);
    return out;
}

std::optional<Element> read(ByteView data, std::size_t at) {
    if (at + 2 > data.size()) return std::nullopt;
    std::uint8_t tag = data[at];
    if ((tag & 0x1f) == 0x1f) return std::nullopt;  // multi-byte tags do not occur here
    std::size_t pos = at + 1;
    std::size_t len = data[pos++];
    if (len & 0x80) {
        std::size_t bytes = len & 0x7f;
        if (bytes == 0 || bytes > 4 || pos + bytes > data.size()) return std::nullopt;  // indefinite or huge
        len = 0;
        for (std::size_t i = 0; i < bytes; ++i) len = (len << 8) | data[pos++];
    }
    if (len > data.size() - pos) return std::nullopt;
    return Element{tag, data.subspan(at, pos + len - at), data.subspan(pos, len)};
}

}  // namespace iotops::crypto::der
