#include "common/records.hpp"

#include "common/cbor_framer.hpp"
#include "iotops/codec/json.hpp"
#include "iotops/core/error.hpp"

namespace iotops::cli {
namespace {
bool is_space(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
// Bytes a JSON text can start with. As CBOR they would be small integers or short text strings,
// never the maps, arrays, tags or byte strings that CBOR records are.
bool looks_like_json_start(int c) {
    return c == '{' || c == '"' || c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n';
}
}  // namespace

StreamKind detect_stream_kind(Reader& in, const std::string& in_format) {
    if (in_format == "cbor") return StreamKind::cbor_sequence;
    if (in_format != "auto" && in_format != "json" && !in_format.empty())
        throw Error(ErrorKind::usage, "a record stream is json or cbor, not " + in_format,
                    "use --in-format json, cbor or auto");
    std::size_t i = 0;
    while (is_space(in.peek_at(i))) ++i;
    int first = in.peek_at(i);
    if (first == '[') return StreamKind::json_array;
    if (in_format == "json" || i > 0 || first < 0 || looks_like_json_start(first)) return StreamKind::ndjson;
    return StreamKind::cbor_sequence;
}

nlohmann::json record_json(const Record& r) {
    if (!r.cbor) return codec::parse_json(std::string_view(r.data), "record " + std::to_string(r.index));
    try {
        return nlohmann::json::from_cbor(r.data, true, true, nlohmann::json::cbor_tag_handler_t::ignore);
    } catch (const nlohmann::json::exception& e) {
        throw Error(ErrorKind::malformed, "record " + std::to_string(r.index) + ": " + e.what());
    }
}

RecordReader::RecordReader(Reader& in, StreamKind kind) : in_(in), kind_(kind) {
    if (kind_ == StreamKind::json_array) array_ = std::make_unique<JsonArrayFramer>(in_);
}

std::optional<Record> RecordReader::next() {
    Record r;
    r.index = index_;
    bool got = false;
    switch (kind_) {
        case StreamKind::ndjson:
            try {
                got = frame_ndjson_line(in_, r.data);
            } catch (const Error& e) {
                if (e.kind() != ErrorKind::malformed) throw;
                r.data.clear();
                r.framing_error = e.what();
                got = true;
            }
            break;
        case StreamKind::json_array: got = array_->next(r.data); break;
        case StreamKind::cbor_sequence:
            r.cbor = true;
            got = frame_cbor_item(in_, r.data);
            break;
    }
    if (!got) return std::nullopt;
    ++index_;
    return r;
}

}  // namespace iotops::cli
