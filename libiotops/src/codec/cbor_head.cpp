#include "codec/cbor_head.hpp"

#include "iotops/core/error.hpp"

namespace iotops::cbor::detail {

void fail_at(std::size_t pos, const std::string& why) {
    throw_malformed("cbor: at byte " + std::to_string(pos) + ": " + why);
}

Head read_head(ByteView data, std::size_t pos) {
    if (pos >= data.size()) fail_at(pos, "truncated: expected a data item");
    Head h;
    h.major = data[pos] >> 5;
    h.info = data[pos] & 0x1f;
    if (h.info >= 28 && h.info <= 30)
        fail_at(pos, "reserved additional information " + std::to_string(h.info));
    if (h.info == 31) {
        // Indefinite length exists for strings, arrays and maps; 0xff is the break stop code.
        if (h.major == 0 || h.major == 1 || h.major == 6)
            fail_at(pos, "indefinite length is not allowed for major type " + std::to_string(h.major));
        h.indefinite = true;
        h.length = 1;
        return h;
    }
    std::size_t extra = h.info < 24 ? 0 : std::size_t{1} << (h.info - 24);
    if (data.size() - pos - 1 < extra)
        fail_at(pos, "truncated: head needs " + std::to_string(1 + extra) + " bytes, " +
                         std::to_string(data.size() - pos) + " remain");
    h.length = 1 + extra;
    h.argument = h.info < 24 ? h.info : 0;
    for (std::size_t i = 0; i < extra; ++i) h.argument = (h.argument << 8) | data[pos + 1 + i];
    if (h.major == 7 && h.info == 24 && h.argument < 32)
        fail_at(pos, "simple value " + std::to_string(h.argument) + " must use the one-byte form");
    if ((h.major == 2 || h.major == 3) && h.argument > data.size() - pos - h.length)
        fail_at(pos, "truncated: string declares " + std::to_string(h.argument) + " bytes, " +
                         std::to_string(data.size() - pos - h.length) + " remain");
    return h;
}
}  // namespace iotops::cbor::detail
