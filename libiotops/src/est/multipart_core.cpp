#include "iotops/est/multipart_core.hpp"

#include <string>

#include "iotops/codec/cbor.hpp"
#include "iotops/core/error.hpp"

namespace iotops::est {

namespace {

// Where an item starts: the codec's value model keeps each item's span.
std::string at(const cbor::Value& v) {
    auto s = v.span();
    return s ? " at byte " + std::to_string(s->offset) : std::string();
}

}  // namespace

Bytes encode_multipart_core(const std::vector<CorePart>& parts) {
    cbor::Array items;
    items.reserve(parts.size() * 2);
    for (const auto& p : parts) {
        if (p.content_format > 65535)
            throw Error(ErrorKind::usage, "multipart-core: content-format " + std::to_string(p.content_format) + " is above 65535");
        items.push_back(cbor::Value::uint(p.content_format));
        items.push_back(p.data ? cbor::Value::bytes(*p.data) : cbor::Value::null());
    }
    return cbor::encode(cbor::Value::array(std::move(items)));
}

std::vector<CorePart> decode_multipart_core(ByteView data) {
    cbor::Value v;
    try {
        v = cbor::decode(data);
    } catch (const Error& e) {
        throw Error(ErrorKind::malformed, std::string("multipart-core: ") + e.what());
    }
    if (!v.is_array()) throw Error(ErrorKind::malformed, "multipart-core: not a CBOR array at byte 0");
    const auto& items = v.as_array();
    if (items.size() % 2 != 0)
        throw Error(ErrorKind::malformed, "multipart-core: " + std::to_string(items.size()) +
                                              " items, not content-format and representation pairs");
    std::vector<CorePart> out;
    out.reserve(items.size() / 2);
    for (std::size_t i = 0; i < items.size(); i += 2) {
        const std::string which = "part " + std::to_string(i / 2);
        if (!items[i].is_uint() || items[i].as_uint() > 65535)
            throw Error(ErrorKind::malformed, "multipart-core: " + which + ": the content-format is not an unsigned integer below 65536" + at(items[i]));
        CorePart p;
        p.content_format = static_cast<unsigned>(items[i].as_uint());
        if (items[i + 1].is_bytes()) p.data = items[i + 1].as_bytes();
        else if (!items[i + 1].is_null())
            throw Error(ErrorKind::malformed, "multipart-core: " + which + ": the representation is neither a byte string nor null" + at(items[i + 1]));
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace iotops::est
