// What is this input? JSON, CBOR, PEM, DER, base64 or something else.
#pragma once
#include "iotops/core/bytes.hpp"

namespace iotops::codec {

enum class Format { json, cbor, pem, der, base64, unknown };

const char* format_name(Format f);  // "json", "cbor", ...
// Decides from the content alone. Checks: leading whitespace then '{' or '[' or '"' -> json
// (NDJSON and JSON arrays too); "-----BEGIN " -> pem; a DER SEQUENCE whose length covers the
// input -> der; all base64 characters -> base64; a well-formed CBOR item (or sequence) -> cbor.
Format sniff(ByteView data);

}  // namespace iotops::codec
