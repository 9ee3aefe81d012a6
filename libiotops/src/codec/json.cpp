// JSON parsing with byte offsets, and CBOR <-> JSON conversion (RFC 8949 section 6).
#include "iotops/codec/json.hpp"

#include <cmath>

#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"

namespace iotops::codec {
namespace {

// nlohmann's message is "[json.exception.parse_error.101] parse error at line 1, column 2: why; last read: '...'";
// keep only "why", since the byte offset says where. The "last read" excerpt goes: it quotes the
// input raw, so it may hold invalid UTF-8 that no JSON report could then carry.
std::string reason(const nlohmann::json::parse_error& e) {
    std::string m = e.what();
    auto col = m.find("column ");
    auto colon = col == std::string::npos ? std::string::npos : m.find(": ", col);
    std::string why = colon == std::string::npos ? m : m.substr(colon + 2);
    return why.substr(0, why.find("; last read:"));
}

std::string bytes_text(const Bytes& b, BytesInJson how) {
    switch (how) {
        case BytesInJson::base64: return base64_encode(b);
        case BytesInJson::hex: return hex_encode(b);
        case BytesInJson::base64url: break;
    }
    return base64url_encode(b);
}

std::string key_text(const cbor::Value& k) { return k.is_text() ? k.as_text() : cbor::diagnostic(k); }

// JSON from outside can nest far deeper than any artifact needs; conversion recurses, so cap it.
constexpr int kMaxJsonDepth = 256;

cbor::Value from_json(const nlohmann::json& j, int depth);

nlohmann::json convert(const cbor::Value& v, const JsonOptions& o, BytesInJson bytes_as) {
    using cbor::Type;
    switch (v.type()) {
        case Type::unsigned_int: return v.as_uint();
        case Type::negative_int:
            if (v.negative_argument() > static_cast<std::uint64_t>(INT64_MAX))
                throw_malformed("json: integer " + cbor::diagnostic(v) + " does not fit in json's 64-bit range");
            return v.as_int();
        case Type::bytes: return bytes_text(v.as_bytes(), bytes_as);
        case Type::text: return v.as_text();
        case Type::array: {
            auto out = nlohmann::json::array();
            for (const auto& item : v.as_array()) out.push_back(convert(item, o, o.bytes));
            return out;
        }
        case Type::map: {
            auto out = nlohmann::json::object();
            for (const auto& [k, val] : v.as_map()) out[key_text(k)] = convert(val, o, o.bytes);
            return out;
        }
        case Type::tag: {
            if (o.keep_tags)
                return {{"tag", v.tag_number()}, {"value", convert(v.tag_content(), o, o.bytes)}};
            BytesInJson next = bytes_as;
            if (v.tag_number() == 21) next = BytesInJson::base64url;
            if (v.tag_number() == 22) next = BytesInJson::base64;
            if (v.tag_number() == 23) next = BytesInJson::hex;
            return convert(v.tag_content(), o, next);
        }
        case Type::simple:
            if (v.is_bool()) return v.as_bool();
            return nullptr;
        case Type::floating: {
            double d = v.as_float();
            if (!std::isfinite(d)) return nullptr;
            return d;
        }
    }
    return nullptr;
}

}  // namespace

nlohmann::json parse_json(std::string_view text, std::string_view what) {
    try {
        return nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::parse_error& e) {
        // nlohmann counts bytes read, so the offending byte is one before.
        std::size_t at = e.byte > 0 ? e.byte - 1 : 0;
        throw_malformed(std::string(what) + ": at byte " + std::to_string(at) + ": " + reason(e));
    } catch (const nlohmann::json::exception& e) {
        // e.g. out_of_range 406 for a number beyond double; nlohmann gives no offset for these.
        std::string m = e.what();
        auto close = m.find("] ");
        throw_malformed(std::string(what) + ": " + (close == std::string::npos ? m : m.substr(close + 2)));
    }
}

nlohmann::json parse_json(ByteView data, std::string_view what) {
    return parse_json(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()), what);
}

nlohmann::json cbor_to_json(const cbor::Value& v, const JsonOptions& options) {
    return convert(v, options, options.bytes);
}

cbor::Value json_to_cbor(const nlohmann::json& j) { return from_json(j, 0); }

namespace {
cbor::Value from_json(const nlohmann::json& j, int depth) {
    using cbor::Value;
    if (depth > kMaxJsonDepth) throw_malformed("json: nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    switch (j.type()) {
        case nlohmann::json::value_t::null: return Value::null();
        case nlohmann::json::value_t::boolean: return Value::boolean(j.get<bool>());
        case nlohmann::json::value_t::number_integer: return Value::integer(j.get<std::int64_t>());
        case nlohmann::json::value_t::number_unsigned: return Value::uint(j.get<std::uint64_t>());
        case nlohmann::json::value_t::number_float: return Value::floating(j.get<double>());
        case nlohmann::json::value_t::string: return Value::text(j.get<std::string>());
        case nlohmann::json::value_t::binary: {
            const auto& b = j.get_binary();
            return Value::bytes(Bytes(b.begin(), b.end()));
        }
        case nlohmann::json::value_t::array: {
            cbor::Array a;
            a.reserve(j.size());
            for (const auto& item : j) a.push_back(from_json(item, depth + 1));
            return Value::array(std::move(a));
        }
        case nlohmann::json::value_t::object: {
            cbor::Map m;
            m.reserve(j.size());
            for (const auto& [k, val] : j.items()) m.emplace_back(Value::text(k), from_json(val, depth + 1));
            return Value::map(std::move(m));
        }
        case nlohmann::json::value_t::discarded: break;
    }
    throw_malformed("json: a discarded value cannot be converted to cbor");
}
}  // namespace

}  // namespace iotops::codec
