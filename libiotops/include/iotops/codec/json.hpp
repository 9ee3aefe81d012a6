// JSON helpers on nlohmann::json: parsing with a clear error, writing, and CBOR <-> JSON conversion.
#pragma once
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "iotops/codec/cbor.hpp"

namespace iotops::codec {

// Parses one JSON text. Throws Error(malformed) "json: at byte N: <why>" (N counts from 0).
// `what` names the input in the message instead of "json", e.g. "voucher".
nlohmann::json parse_json(std::string_view text, std::string_view what = "json");
nlohmann::json parse_json(ByteView data, std::string_view what = "json");

// Compact JSON text, the same as j.dump() (or with replace_invalid_utf8, as
// j.dump(-1, ' ', false, error_handler_t::replace)), written faster for what artifacts and records
// hold: strings of printable ASCII with nothing to escape, long base64 above all, are copied as they
// are instead of going through nlohmann's per-character UTF-8 escaper.
std::string dump_json(const nlohmann::json& j, bool replace_invalid_utf8 = false);
void append_json(std::string& out, const nlohmann::json& j, bool replace_invalid_utf8 = false);

enum class BytesInJson { base64url, base64, hex };

struct JsonOptions {
    // Byte strings become text in this encoding. base64url without padding is the default, as
    // RFC 8949 section 6.1 suggests (and as JOSE and YANG-JSON readers accept with lenient decode).
    BytesInJson bytes = BytesInJson::base64url;
    // false: a tag is replaced by its content (RFC 8949 section 6.1), except that tags 21, 22 and
    // 23 on a byte string pick base64url, base64 or hex for it. true: {"tag": N, "value": content}.
    bool keep_tags = false;
};

// CBOR to JSON. Integers stay exact (int64/uint64); a negative integer below -2^63 throws
// Error(malformed). Map keys: text as is, integers as decimal text ("1", "-7"), anything else as
// its diagnostic notation. NaN and infinities, undefined and other simple values become null.
nlohmann::json cbor_to_json(const cbor::Value& v, const JsonOptions& options = {});

// JSON to CBOR: objects become maps with text keys (in nlohmann::json's key order), strings stay text
// (JSON cannot tell bytes from text; schema-aware code such as yang_cbor.hpp converts those),
// integers become CBOR integers, other numbers floats, nlohmann binary values byte strings.
// Nesting deeper than 256 levels throws Error(malformed).
cbor::Value json_to_cbor(const nlohmann::json& j);

}  // namespace iotops::codec
