// RFC 8710 multipart-core decoding on the codec's CBOR value model (which keeps each item's span,
// so an error can say where the bad item starts).
#include "iotops/codec/cbor.hpp"
#include "iotops/core/error.hpp"
#include "iotops/est/multipart_core.hpp"

namespace iotops::est {

namespace {

std::string at(const cbor::Value& v) {
    auto s = v.span();
    return s ? " at byte " + std::to_string(s->offset) : std::string();
}

}  // namespace

std::vector<MultipartPart> decode_multipart_core(ByteView body) {
    cbor::Value top;
    try {
        top = cbor::decode(body);
    } catch (const Error& e) {
        throw Error(ErrorKind::malformed, std::string("multipart-core: ") + e.what());
    }
    if (!top.is_array()) throw Error(ErrorKind::malformed, "multipart-core: not a CBOR array at byte 0");
    const cbor::Array& items = top.as_array();
    if (items.size() % 2 != 0)
        throw Error(ErrorKind::malformed, "multipart-core: the array has " + std::to_string(items.size()) +
                                              " items, not content-format and representation pairs");
    std::vector<MultipartPart> parts;
    parts.reserve(items.size() / 2);
    for (std::size_t i = 0; i < items.size(); i += 2) {
        const cbor::Value& cf = items[i];
        const cbor::Value& rep = items[i + 1];
        if (!cf.is_uint() || cf.as_uint() > 0xffff)
            throw Error(ErrorKind::malformed, "multipart-core: part " + std::to_string(i / 2) +
                                                  ": the content-format is not an unsigned integer below 65536" + at(cf));
        if (!rep.is_bytes() && !rep.is_null())
            throw Error(ErrorKind::malformed,
                        "multipart-core: part " + std::to_string(i / 2) + ": the representation is not a byte string" + at(rep));
        parts.push_back({static_cast<unsigned>(cf.as_uint()), rep.is_bytes() ? rep.as_bytes() : Bytes{}});
    }
    return parts;
}

}  // namespace iotops::est
