#include "create_values.hpp"

#include <filesystem>

#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/file.hpp"
#include "iotops/crypto/hasher.hpp"
#include "iotops/suit/names.hpp"
#include "iotops/suit/uuid.hpp"

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

namespace {

// A map with exactly one member; its name and value.
std::pair<std::string, const Json*> single(const Json& j, const std::string& where, const char* what) {
    if (!j.is_object() || j.size() != 1) fail(where, std::string("expected ") + what);
    return {j.begin().key(), &j.begin().value()};
}

Bytes decode_hex(const std::string& s, const std::string& where) {
    try {
        return hex_decode(s);
    } catch (const Error&) {
        fail(where, "\"" + s + "\" is not hex (an even number of 0-9a-f digits)");
    }
}

Bytes namespace_uuid(const Context& c, const Json& j, const std::string& where) {
    if (j.is_string()) {
        Bytes n = named_namespace(j.get<std::string>());
        if (!n.empty()) return n;
    }
    return to_uuid(c, j, where);
}

std::int64_t digest_algorithm(const Json& j, const std::string& where) {
    if (j.is_number_integer()) return j.get<std::int64_t>();
    auto id = key_of(Space::digest_algorithm, to_text(j, where));
    if (!id) fail(where, "unknown digest algorithm " + j.dump() + " (sha256, sha384, sha512)");
    return *id;
}

std::optional<crypto::Hash> hash_of(std::int64_t alg) {
    switch (alg) {
        case -16: return crypto::Hash::sha256;
        case -43: return crypto::Hash::sha384;
        case -44: return crypto::Hash::sha512;
        default: return std::nullopt;
    }
}

crypto::FileDigest file_digest(const Context& c, const Json& j, std::int64_t alg, const std::string& where) {
    auto h = hash_of(alg);
    if (!h) fail(where, "cannot compute digest algorithm " + std::to_string(alg) + " from a file");
    std::string file = c.path(to_text(j, where + "/file"));
    try {
        return crypto::digest_file(*h, file);
    } catch (const Error& e) {
        throw Error(e.kind(), "description: " + where + ": image " + e.what());
    }
}

// image-digest: {file: F [, algorithm: A]} / {sha256: hex} / {algorithm: A, bytes: typed-or-hex}
cbor::Value image_digest(const Context& c, const Json& j, const std::string& where) {
    if (!j.is_object()) fail(where, "expected {file: NAME} or {algorithm: sha256, bytes: {hex: ..}}");
    std::int64_t alg = -16;
    if (j.contains("algorithm")) alg = digest_algorithm(j["algorithm"], where + "/algorithm");
    Bytes digest;
    if (j.contains("file")) {
        digest = file_digest(c, j["file"], alg, where).digest;
    } else if (j.contains("bytes")) {
        digest = to_bytes(c, j["bytes"], where + "/bytes");
    } else if (j.contains("sha256")) {
        alg = -16;
        digest = decode_hex(to_text(j["sha256"], where + "/sha256"), where + "/sha256");
    } else {
        fail(where, "expected {file: NAME} or {algorithm: sha256, bytes: {hex: ..}}");
    }
    if (auto h = hash_of(alg); h && digest.size() != crypto::digest_size(*h))
        fail(where, "a " + std::string(*name_of(Space::digest_algorithm, alg)) + " digest has " +
                        std::to_string(crypto::digest_size(*h)) + " bytes, not " + std::to_string(digest.size()));
    Digest d{alg, std::move(digest)};
    return cbor::Value::bytes(c.encode(d.to_value()));
}

cbor::Value image_size(const Context& c, const Json& j, const std::string& where) {
    if (j.is_object() && j.size() == 1 && j.contains("file")) {
        std::string file = c.path(to_text(j["file"], where + "/file"));
        std::error_code ec;
        if (!std::filesystem::is_regular_file(file, ec))
            throw Error(std::filesystem::exists(file, ec) ? ErrorKind::io : ErrorKind::missing,
                        "description: " + where + ": image " + file + ": " +
                            (std::filesystem::exists(file, ec) ? "not a regular file" : "No such file"));
        return cbor::Value::uint(std::filesystem::file_size(file, ec));
    }
    return cbor::Value::uint(to_uint(j, where));
}

cbor::Value uuid_value(const Context& c, const Json& j, const std::string& where) { return cbor::Value::bytes(to_uuid(c, j, where)); }

// Short names accepted beside the spec's parameter names.
std::optional<std::int64_t> parameter_key(const std::string& name) {
    static const std::pair<const char*, std::int64_t> aliases[] = {
        {"vendor-id", 1}, {"class-id", 2}, {"slot", 5}, {"device-id", 24}};
    for (const auto& [alias, k] : aliases)
        if (name == alias) return k;
    return key_of(Space::parameter, name);
}

cbor::Value parameters(const Context& c, const Json& j, const std::string& where) {
    if (!j.is_object()) fail(where, "expected a map of parameters");
    cbor::Map out;
    for (const auto& [name, value] : j.items()) {
        std::string at = where + "/" + name;
        std::optional<std::int64_t> k = parameter_key(name);
        if (!k) {
            char* end = nullptr;
            long long custom = std::strtoll(name.c_str(), &end, 10);
            if (name.empty() || *end != '\0' || custom >= 0)
                fail(at, "unknown parameter \"" + name + "\" (custom parameters are negative integers)");
            k = custom;
        }
        cbor::Value v;
        switch (*k) {
            case 1:
                if (value.is_object() && value.contains("pen"))
                    v = cbor::Value::tag(112, cbor::Value::bytes(to_bytes(c, value["pen"], at + "/pen")));
                else
                    v = uuid_value(c, value, at);
                break;
            case 2:
            case 24: v = uuid_value(c, value, at); break;
            case 3: v = image_digest(c, value, at); break;
            case 14: v = image_size(c, value, at); break;
            case 5:
            case 22: v = cbor::Value::uint(to_uint(value, at)); break;
            case 12:
            case 13:
                if (!value.is_boolean()) fail(at, "expected true or false");
                v = cbor::Value::boolean(value.get<bool>());
                break;
            case 21: v = cbor::Value::text(to_text(value, at)); break;
            case 18:
            case 23:
            case 25: v = cbor::Value::bytes(to_bytes(c, value, at)); break;
            default: v = to_generic(c, value, at); break;
        }
        out.emplace_back(cbor::Value::integer(*k), std::move(v));
    }
    return cbor::Value::map(std::move(out));
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

Bytes to_uuid(const Context& c, const Json& j, const std::string& where) {
    if (j.is_string()) {
        try {
            return parse_uuid(j.get<std::string>());
        } catch (const Error& e) {
            fail(where, e.what());
        }
    }
    if (!j.is_object()) fail(where, "expected a UUID, {uuid5: {namespace, name}}, {domain: NAME} or {vendor: .., model: ..}");
    if (j.size() == 1 && j.contains("domain"))
        return uuid5(named_namespace("dns"), as_bytes(to_text(j["domain"], where + "/domain")));
    if (j.size() == 2 && j.contains("vendor") && j.contains("model"))
        return uuid5(to_uuid(c, j["vendor"], where + "/vendor"), as_bytes(to_text(j["model"], where + "/model")));
    if (j.size() == 1 && j.contains("uuid5")) {
        const Json& u = j["uuid5"];
        if (!u.is_object() || !u.contains("namespace") || !u.contains("name"))
            fail(where + "/uuid5", "expected {namespace: dns|url|oid|x500|UUID, name: ..}");
        Bytes ns = namespace_uuid(c, u["namespace"], where + "/uuid5/namespace");
        const Json& name = u["name"];
        if (name.is_string()) return uuid5(ns, as_bytes(name.get<std::string>()));
        return uuid5(ns, to_bytes(c, name, where + "/uuid5/name"));
    }
    fail(where, "expected a UUID, {uuid5: {namespace, name}}, {domain: NAME} or {vendor: .., model: ..}");
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
