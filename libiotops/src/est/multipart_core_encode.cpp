// RFC 8710 multipart-core encoding: a deterministic CBOR array [content-format, bytes, ...].
#include "iotops/codec/cbor.hpp"
#include "iotops/est/multipart_core.hpp"

namespace iotops::est {

Bytes encode_multipart_core(const std::vector<MultipartPart>& parts) {
    cbor::Array items;
    items.reserve(parts.size() * 2);
    for (const auto& p : parts) {
        items.push_back(cbor::Value::uint(p.content_format));
        items.push_back(cbor::Value::bytes(p.data));
    }
    return cbor::encode(cbor::Value::array(std::move(items)));
}

}  // namespace iotops::est
