// Finds where one CBOR data item ends in a stream, without decoding it, so a CBOR sequence
// (RFC 8742) can be cut into records while reading. The record is decoded later, by its verb.
#pragma once
#include <cstddef>
#include <string>

#include "common/reader.hpp"

namespace iotops::cli {

struct FrameLimits {
    std::size_t max_depth = 64;
    std::size_t max_item = 64u << 20;  // bytes in one record
};

// Appends the bytes of the next item to `out`. Returns false at a clean end of input (no byte
// read). Throws Error(malformed) with the byte offset for a truncated or ill-formed head
// (reserved additional information, misplaced break, indefinite integer), too much nesting or
// an item larger than the limit. Well-formedness inside strings (UTF-8, chunk types) is left to
// the decoder.
bool frame_cbor_item(Reader& in, std::string& out, const FrameLimits& limits = {});

}  // namespace iotops::cli
