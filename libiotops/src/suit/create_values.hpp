// Pieces of a create description turned into CBOR: typed byte strings, UUIDs, digests, parameters
// and command sequences. Every error names the place in the description (a JSON pointer).
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "iotops/codec/cbor.hpp"
#include "iotops/suit/create.hpp"

namespace iotops::suit::detail {

using Json = nlohmann::ordered_json;

struct Context {
    const CreateOptions& options;
    std::string path(const std::string& file) const;  // relative to options.base_dir
    Bytes encode(const cbor::Value& v) const;          // canonical or order-preserving
};

[[noreturn]] void fail(const std::string& where, const std::string& why);

std::uint64_t to_uint(const Json& j, const std::string& where);
std::string to_text(const Json& j, const std::string& where);
// {hex: ..} / {text: ..} / {base64: ..} / {file: ..}
Bytes to_bytes(const Context& c, const Json& j, const std::string& where);
// "uuid" / {uuid5: {namespace, name}} / {domain: name} / {vendor: uuid-spec, model: name}
Bytes to_uuid(const Context& c, const Json& j, const std::string& where);
Bytes decode_hex(const std::string& s, const std::string& where);
// A SUIT_Parameters map, in the description's order (create_parameters.cpp).
cbor::Value parameters(const Context& c, const Json& j, const std::string& where);
// A component identifier: [typed bytes...]
cbor::Value to_component_id(const Context& c, const Json& j, const std::string& where);
// A command sequence: [{name: argument}...] -> the encoded array (not yet bstr-wrapped)
Bytes to_command_sequence(const Context& c, const Json& j, const std::string& where);
// Any value, for custom parameters and commands: ints, text, bools, null, typed bytes, arrays, maps.
cbor::Value to_generic(const Context& c, const Json& j, const std::string& where, int depth = 0);

}  // namespace iotops::suit::detail
