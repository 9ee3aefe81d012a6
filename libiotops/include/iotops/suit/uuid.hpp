// UUIDs for SUIT vendor and class identifiers (RFC 9124 section 4: name-based UUIDv5, RFC 9562).
#pragma once
#include <string_view>

#include "iotops/core/bytes.hpp"

namespace iotops::suit {

// "fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe" -> 16 bytes; Error(malformed) for anything else.
Bytes parse_uuid(std::string_view text);
std::string format_uuid(ByteView uuid);
// UUIDv5: SHA-1 over the namespace's 16 raw bytes then the name's bytes.
Bytes uuid5(ByteView namespace_uuid, ByteView name);
// The RFC 9562 namespaces by name ("dns", "url", "oid", "x500"); empty when not one of them.
Bytes named_namespace(std::string_view name);

}  // namespace iotops::suit
