#include "create_values.hpp"

#include <filesystem>

#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/file.hpp"
#include "iotops/suit/names.hpp"

namespace iotops::suit::detail {

std::string Context::path(const std::string& file) const {
    if (!options.allow_files) throw Error(ErrorKind::usage, "description: file references are not allowed here: " + file);
    std::filesystem::path p(file);
    if (p.is_absolute() || options.base_dir.empty()) return file;
    return (std::filesystem::path(options.base_dir) / p).string();
}

Bytes Context::encode(const cbor::Value& v) const {
    return options.canonical ? cbor::encode(v) : cbor::encode_preserving_order(v);
}

void fail(const std::string& where, const std::string& why) {
    throw Error(ErrorKind::malformed, "description: " + (where.empty() ? std::string("/") : where) + ": " + why);
}

std::uint64_t to_uint(const Json& j, const std::string& where) {
    if (!j.is_number_unsigned()) fail(where, "expected an unsigned integer, got " + j.dump());
    return j.get<std::uint64_t>();
}

std::string to_text(const Json& j, const std::string& where) {
    if (!j.is_string()) fail(where, "expected a string, got " + j.dump());
    return j.get<std::string>();
}

Bytes decode_hex(const std::string& s, const std::string& where) {
    try {
        return hex_decode(s);
    } catch (const Error&) {
        fail(where, "\"" + s + "\" is not hex (an even number of 0-9a-f digits)");
    }
}

namespace {

// A map with exactly one member; its name and value.
std::pair<std::string, const Json*> single(const Json& j, const std::string& where, const char* what) {
    if (!j.is_object() || j.size() != 1) fail(where, std::string("expected ") + what);
    return {j.begin().key(), &j.begin().value()};
}

std::optional<std::int64_t> command_key(const std::string& name) {
    if (auto k = key_of(Space::command, name)) return k;
    if (auto k = key_of(Space::command, "condition-" + name)) return k;
    if (auto k = key_of(Space::command, "directive-" + name)) return k;
    return std::nullopt;
}

cbor::Value command_argument(const Context& c, std::int64_t id, const Json& arg, const std::string& at) {
    switch (id) {
        case 12:  // set-component-index: uint / true / [+ uint]
            if (arg.is_boolean() && arg.get<bool>()) return cbor::Value::boolean(true);
            if (arg.is_array()) {
                if (arg.empty()) fail(at, "expected at least one component index");
                cbor::Array a;
                for (std::size_t i = 0; i < arg.size(); ++i) a.push_back(cbor::Value::uint(to_uint(arg[i], at + "/" + std::to_string(i))));
                return cbor::Value::array(std::move(a));
            }
            return cbor::Value::uint(to_uint(arg, at));
        case 19:
        case 20: return parameters(c, arg, at);
        case 15: {  // try-each: [2* bstr .cbor sequence] (nil for an empty fallback)
            if (!arg.is_array() || arg.size() < 2) fail(at, "expected a list of at least two command sequences");
            cbor::Array a;
            for (std::size_t i = 0; i < arg.size(); ++i) {
                if (arg[i].is_null()) a.push_back(cbor::Value::null());
                else a.push_back(cbor::Value::bytes(to_command_sequence(c, arg[i], at + "/" + std::to_string(i))));
            }
            return cbor::Value::array(std::move(a));
        }
        case 32: return cbor::Value::bytes(to_command_sequence(c, arg, at));
        default:
            if (id >= 0) return cbor::Value::uint(to_uint(arg, at));  // a reporting policy
            return to_generic(c, arg, at);
    }
}

}  // namespace

Bytes to_bytes(const Context& c, const Json& j, const std::string& where) {
    if (j.is_string())
        fail(where, "untyped string " + j.dump() + ": write {hex: " + j.dump() + "} or {text: " + j.dump() + "}");
    auto [kind, value] = single(j, where, "typed bytes: {hex: ..}, {text: ..}, {base64: ..} or {file: ..}");
    std::string s = to_text(*value, where + "/" + kind);
    if (kind == "hex") return decode_hex(s, where + "/hex");
    if (kind == "text") return Bytes(s.begin(), s.end());
    if (kind == "base64") {
        try {
            return base64_decode(s);
        } catch (const Error&) {
            fail(where + "/base64", "not base64");
        }
    }
    if (kind == "file") {
        try {
            return read_file(c.path(s));
        } catch (const Error& e) {
            throw Error(e.kind(), "description: " + where + ": " + e.what());
        }
    }
    fail(where, "unknown byte string type \"" + kind + "\" (hex, text, base64, file)");
}

cbor::Value to_component_id(const Context& c, const Json& j, const std::string& where) {
    if (!j.is_array()) fail(where, "a component identifier is a list of typed byte strings, e.g. [{hex: \"00\"}]");
    cbor::Array parts;
    for (std::size_t i = 0; i < j.size(); ++i) parts.push_back(cbor::Value::bytes(to_bytes(c, j[i], where + "/" + std::to_string(i))));
    return cbor::Value::array(std::move(parts));
}

Bytes to_command_sequence(const Context& c, const Json& j, const std::string& where) {
    if (!j.is_array() || j.empty()) fail(where, "expected a non-empty list of commands, each {name: argument}");
    cbor::Array seq;
    for (std::size_t i = 0; i < j.size(); ++i) {
        std::string at = where + "/" + std::to_string(i);
        if (!j[i].is_object() || j[i].size() != 1) fail(at, "expected one command as {name: argument}");
        const std::string& name = j[i].begin().key();
        std::optional<std::int64_t> id = command_key(name);
        if (!id) {
            char* end = nullptr;
            long long custom = std::strtoll(name.c_str(), &end, 10);
            if (name.empty() || *end != '\0' || custom >= 0)
                fail(at, "unknown command \"" + name + "\" (custom commands are negative integers)");
            id = custom;
        }
        seq.push_back(cbor::Value::integer(*id));
        seq.push_back(command_argument(c, *id, j[i].begin().value(), at + "/" + name));
    }
    return c.encode(cbor::Value::array(std::move(seq)));
}

cbor::Value to_generic(const Context& c, const Json& j, const std::string& where, int depth) {
    if (depth > 32) fail(where, "nested too deeply");
    if (j.is_number_unsigned()) return cbor::Value::uint(j.get<std::uint64_t>());
    if (j.is_number_integer()) return cbor::Value::integer(j.get<std::int64_t>());
    if (j.is_string()) return cbor::Value::text(j.get<std::string>());
    if (j.is_boolean()) return cbor::Value::boolean(j.get<bool>());
    if (j.is_null()) return cbor::Value::null();
    if (j.is_array()) {
        cbor::Array a;
        for (std::size_t i = 0; i < j.size(); ++i) a.push_back(to_generic(c, j[i], where + "/" + std::to_string(i), depth + 1));
        return cbor::Value::array(std::move(a));
    }
    if (j.is_object() && j.size() == 1 &&
        (j.contains("hex") || j.contains("text") || j.contains("base64") || j.contains("file")))
        return cbor::Value::bytes(to_bytes(c, j, where));
    if (j.is_object()) {
        cbor::Map m;
        for (const auto& [k, v] : j.items()) {
            char* end = nullptr;
            long long n = std::strtoll(k.c_str(), &end, 10);
            cbor::Value key = (!k.empty() && *end == '\0') ? cbor::Value::integer(n) : cbor::Value::text(k);
            m.emplace_back(std::move(key), to_generic(c, v, where + "/" + k, depth + 1));
        }
        return cbor::Value::map(std::move(m));
    }
    fail(where, "floating-point numbers are not used in SUIT manifests");
}

}  // namespace iotops::suit::detail
