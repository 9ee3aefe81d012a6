// Parameters of override-parameters / set-parameters: UUIDs, image digests and sizes (from
// files when asked), and the rest by their declared types.
#include <filesystem>

#include "create_values.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/hasher.hpp"
#include "iotops/suit/names.hpp"
#include "iotops/suit/uuid.hpp"

namespace iotops::suit::detail {
namespace {

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

}  // namespace

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

}  // namespace iotops::suit::detail
