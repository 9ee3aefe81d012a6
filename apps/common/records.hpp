// Record streams: NDJSON, a JSON array or a CBOR sequence (RFC 8742), read one record at a time.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/json_framer.hpp"
#include "common/reader.hpp"
#include "iotops/core/bytes.hpp"

namespace iotops::cli {

enum class StreamKind { ndjson, json_array, cbor_sequence };

// Decides from the first bytes, without consuming them. With in_format "auto": optional
// whitespace then '[' -> json_array; leading whitespace or a byte that starts a JSON text
// ('{', '"', '-', a digit, 't', 'f', 'n') -> ndjson; anything else -> cbor_sequence. As CBOR those
// bytes would be small integers or strings (with an 8-byte length for '['), never the maps,
// arrays, tags and byte strings CBOR records are; --in-format cbor covers the odd case.
// "json" picks between the two JSON kinds the same way. Other formats are a usage error.
StreamKind detect_stream_kind(Reader& in, const std::string& in_format = "auto");

struct Record {
    std::size_t index = 0;  // 0-based position in the input stream
    bool cbor = false;      // data is one encoded CBOR item; otherwise JSON text
    std::string data;
    // Set when this record could not be cut out of the stream (an overlong NDJSON line) but the
    // stream goes on: the record becomes an error record.
    std::string framing_error;

    ByteView bytes() const { return as_bytes(data); }
};

// The record as JSON: JSON text is parsed, a CBOR item converted (tags dropped, byte strings
// become nlohmann binary values). Throws Error(malformed) naming the record index.
nlohmann::json record_json(const Record& r);

class RecordReader {
public:
    RecordReader(Reader& in, StreamKind kind);
    // The next record, or nullopt at the end. Throws Error(malformed) when the stream's framing
    // is broken beyond repair (the reader cannot go on after that) and Error(io) when reading fails.
    std::optional<Record> next();
    StreamKind kind() const { return kind_; }
    std::size_t next_index() const { return index_; }
    Reader& reader() { return in_; }

private:
    Reader& in_;
    StreamKind kind_;
    std::unique_ptr<JsonArrayFramer> array_;
    std::size_t index_ = 0;
};

}  // namespace iotops::cli
