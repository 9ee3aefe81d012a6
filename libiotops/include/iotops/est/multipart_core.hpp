// application/multipart-core (RFC 8710, CoAP content-format 62): a CBOR array of
// [content-format, representation, content-format, representation, ...], as EST-coaps uses it for
// server-side key generation (RFC 9148 4.8) and cBRSKI for the CA certificates of /crts.
#pragma once
#include <optional>
#include <vector>

#include "iotops/core/bytes.hpp"

namespace iotops::est {

struct CorePart {
    unsigned content_format = 0;  // 0..65535
    std::optional<Bytes> data;    // nullopt: the representation was sent as null (RFC 8710 section 2)
};

// A definite-length array; Error(usage) for a content-format above 65535.
Bytes encode_multipart_core(const std::vector<CorePart>& parts);

// Error(malformed), saying which item, unless the input is one CBOR array of an even number of
// items alternating uint (.size 2) and bstr / null.
std::vector<CorePart> decode_multipart_core(ByteView data);

}  // namespace iotops::est
