// application/multipart-core (RFC 8710, CoAP content-format 62): a CBOR array of pairs
// [content-format, representation, ...], as EST-coaps /crts and /skg answer with.
#pragma once
#include <vector>

#include "iotops/core/bytes.hpp"

namespace iotops::est {

struct MultipartPart {
    unsigned content_format;
    Bytes data;
};

// Error(malformed) naming the byte offset when the input is not one CBOR array of an even number
// of items alternating a content-format (unsigned, below 65536) and a byte string. A null
// representation (RFC 8710 allows it) comes back as empty data.
std::vector<MultipartPart> decode_multipart_core(ByteView body);

Bytes encode_multipart_core(const std::vector<MultipartPart>& parts);

}  // namespace iotops::est
