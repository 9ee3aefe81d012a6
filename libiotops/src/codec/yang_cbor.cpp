// YANG-JSON <-> YANG-CBOR conversion (RFC 7951, RFC 9254) driven by a Schema: the algorithm
// knows node kinds and base types, never particular modules.
#include <algorithm>
#include <charconv>
#include <limits>

#include "iotops/codec/cbor_head.hpp"
#include "iotops/codec/yang_cbor.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"

namespace iotops::yang {
namespace {

using cbor::Value;
using nlohmann::json;

constexpr std::uint64_t kSidTag = 47;  // RFC 9254 section 3.2: an absolute SID as a member key

[[noreturn]] void fail(const std::string& path, const std::string& why) {
    throw_malformed("yang-cbor: " + (path.empty() ? std::string("/") : path) + ": " + why);
}

struct Range {
    std::int64_t min;
    std::uint64_t max;
    bool as_string;  // RFC 7951 section 6.1: 64-bit integers are JSON strings
};

Range range_of(BaseType b) {
    switch (b) {
        case BaseType::int8: return {INT8_MIN, INT8_MAX, false};
        case BaseType::int16: return {INT16_MIN, INT16_MAX, false};
        case BaseType::int32: return {INT32_MIN, INT32_MAX, false};
        case BaseType::int64: return {INT64_MIN, INT64_MAX, true};
        case BaseType::uint8: return {0, UINT8_MAX, false};
        case BaseType::uint16: return {0, UINT16_MAX, false};
        case BaseType::uint32: return {0, UINT32_MAX, false};
        default: return {0, UINT64_MAX, true};
    }
}

// Signed integer values as (negative, magnitude-or-value) so the full uint64 range fits.
bool in_range(bool negative, std::uint64_t v, const Range& r) {
    if (negative) return r.min < 0 && v <= static_cast<std::uint64_t>(-(r.min + 1)) + 1;
    return v <= r.max;
}

// ---- JSON leaf -> CBOR bytes appended to out; false (out unchanged) when the JSON value does not
// fit the type.
bool put_leaf(const LeafType& t, const json& j, Bytes& out) {
    using cbor::Major;
    using cbor::put_head;
    using cbor::put_string;
    switch (t.base) {
        case BaseType::string: {
            if (!j.is_string()) return false;
            const auto& s = j.get_ref<const std::string&>();
            put_string(out, Major::text, s.data(), s.size());
            return true;
        }
        case BaseType::binary: {
            if (!j.is_string()) return false;
            try {
                Bytes b = base64_decode(j.get_ref<const std::string&>());
                put_string(out, Major::bytes, b.data(), b.size());
                return true;
            } catch (const Error&) {
                return false;
            }
        }
        case BaseType::boolean:
            if (!j.is_boolean()) return false;
            put_head(out, Major::simple, j.get<bool>() ? 21 : 20);
            return true;
        case BaseType::enumeration:
            if (!j.is_string()) return false;
            for (const auto& [name, v] : t.enums) {
                if (name != j.get_ref<const std::string&>()) continue;
                if (v < 0) put_head(out, Major::negative_int, static_cast<std::uint64_t>(-(v + 1)));
                else put_head(out, Major::unsigned_int, static_cast<std::uint64_t>(v));
                return true;
            }
            return false;
        case BaseType::empty:
            if (!(j.is_array() && j.size() == 1 && j[0].is_null())) return false;
            put_head(out, Major::simple, 22);
            return true;
        case BaseType::union_:
            for (const auto& m : t.members)
                if (put_leaf(m, j, out)) return true;
            return false;
        default: break;
    }
    // Integers: JSON numbers, or decimal strings (required for 64-bit types, RFC 7951).
    Range r = range_of(t.base);
    bool negative = false;
    std::uint64_t mag = 0;
    if (j.is_number_unsigned()) {
        mag = j.get<std::uint64_t>();
    } else if (j.is_number_integer()) {
        auto v = j.get<std::int64_t>();
        negative = v < 0;
        mag = negative ? static_cast<std::uint64_t>(-(v + 1)) + 1 : static_cast<std::uint64_t>(v);
    } else if (j.is_string() && r.as_string) {
        const auto& s = j.get_ref<const std::string&>();
        std::string_view digits = s;
        if (!digits.empty() && digits[0] == '-') {
            negative = true;
            digits.remove_prefix(1);
        }
        auto res = std::from_chars(digits.data(), digits.data() + digits.size(), mag);
        if (digits.empty() || res.ec != std::errc() || res.ptr != digits.data() + digits.size()) return false;
        if (negative && mag == 0) negative = false;
    } else {
        return false;
    }
    if (!in_range(negative, mag, r)) return false;
    if (negative) put_head(out, Major::negative_int, mag - 1);
    else put_head(out, Major::unsigned_int, mag);
    return true;
}

// ---- CBOR leaf -> JSON; nullopt when the CBOR value does not fit the type.
std::optional<json> leaf_to_json(const LeafType& t, const Value& v) {
    switch (t.base) {
        case BaseType::string:
            if (v.is_text()) return json(v.as_text());
            return std::nullopt;
        case BaseType::binary:
            if (v.is_bytes()) return json(base64_encode(v.as_bytes()));
            return std::nullopt;
        case BaseType::boolean:
            if (v.is_bool()) return json(v.as_bool());
            return std::nullopt;
        case BaseType::enumeration:
            if (!v.is_int()) return std::nullopt;
            for (const auto& [name, value] : t.enums)
                if (cbor::Value::integer(value) == v) return json(name);
            return std::nullopt;
        case BaseType::empty:
            if (v.is_null()) return json::array({nullptr});
            return std::nullopt;
        case BaseType::union_:
            for (const auto& m : t.members)
                if (auto j = leaf_to_json(m, v)) return j;
            return std::nullopt;
        default: break;
    }
    if (!v.is_int()) return std::nullopt;
    Range r = range_of(t.base);
    bool negative = !v.is_uint();
    std::uint64_t mag = negative ? v.negative_argument() : v.as_uint();
    if (negative) {
        if (mag == UINT64_MAX) return std::nullopt;
        ++mag;
    }
    if (!in_range(negative, mag, r)) return std::nullopt;
    if (r.as_string) return json(negative ? "-" + std::to_string(mag) : std::to_string(mag));
    if (negative) return json(-static_cast<std::int64_t>(mag - 1) - 1);
    return json(mag);
}

class Converter {
public:
    explicit Converter(const Schema& s) : schema_(s) {}

    // JSON member value at `path` (with SID `sid`) as CBOR appended to out. The members' paths are
    // built at the end of `path` and taken off again, so that the walk allocates none.
    void encode(std::string& path, std::uint64_t sid, const json& j, Bytes& out) {
        using cbor::Major;
        using cbor::put_head;
        const Node* node = schema_.node(path);
        if (!node) fail(path, "no type known for this node");
        switch (node->kind) {
            case NodeKind::container:
                if (!j.is_object()) fail(path, "expected an object");
                encode_members(path, sid, j, out);
                return;
            case NodeKind::list:
                if (!j.is_array()) fail(path, "expected an array of list entries");
                put_head(out, Major::array, j.size());
                for (const auto& entry : j) {
                    if (!entry.is_object()) fail(path, "expected a list entry object");
                    encode_members(path, sid, entry, out);
                }
                return;
            case NodeKind::leaf: leaf(path, node->type, j, out); return;
            case NodeKind::leaf_list:
                if (!j.is_array()) fail(path, "expected an array");
                put_head(out, Major::array, j.size());
                for (const auto& item : j) leaf(path, node->type, item, out);
                return;
        }
        fail(path, "unknown node kind");
    }

    json to_json(const std::string& path, std::uint64_t sid, const Value& v) {
        const Node* node = schema_.node(path);
        if (!node) fail(path, "no type known for this node");
        switch (node->kind) {
            case NodeKind::container:
                if (!v.is_map()) fail(path, "expected a map");
                return members_to_json(path, sid, v);
            case NodeKind::list: {
                if (!v.is_array()) fail(path, "expected an array of list entries");
                json out = json::array();
                for (const auto& entry : v.as_array()) {
                    if (!entry.is_map()) fail(path, "expected a list entry map");
                    out.push_back(members_to_json(path, sid, entry));
                }
                return out;
            }
            case NodeKind::leaf: return leaf(path, node->type, v);
            case NodeKind::leaf_list: {
                if (!v.is_array()) fail(path, "expected an array");
                json out = json::array();
                for (const auto& item : v.as_array()) out.push_back(leaf(path, node->type, item));
                return out;
            }
        }
        fail(path, "unknown node kind");
    }

private:
    // A container's members as a map in deterministic order: sorted by their encoded keys.
    void encode_members(std::string& path, std::uint64_t sid, const json& obj, Bytes& out) {
        using cbor::Major;
        using cbor::put_head;
        struct Member {
            std::size_t key_at, key_end;  // the encoded key in `keys`
            std::uint64_t sid;
            const std::string* name;
            const json* value;
        };
        Bytes keys;
        keys.reserve(obj.size() * 4);
        std::vector<Member> members;
        members.reserve(obj.size());
        const std::size_t base = path.size();
        for (auto it = obj.begin(); it != obj.end(); ++it) {
            const std::string& name = it.key();
            path.append("/").append(name);
            auto child_sid = schema_.sid_of(path);
            if (!child_sid) fail(path, "unknown member");
            path.resize(base);
            // A member from another module carries its module name; key it by absolute SID.
            std::size_t at = keys.size();
            if (name.find(':') != std::string::npos) {
                put_head(keys, Major::tag, kSidTag);
                put_head(keys, Major::unsigned_int, *child_sid);
            } else if (*child_sid >= sid) {
                put_head(keys, Major::unsigned_int, *child_sid - sid);
            } else {
                put_head(keys, Major::negative_int, sid - *child_sid - 1);
            }
            members.push_back({at, keys.size(), *child_sid, &name, &it.value()});
        }
        std::sort(members.begin(), members.end(), [&keys](const Member& a, const Member& b) {
            return std::lexicographical_compare(keys.begin() + a.key_at, keys.begin() + a.key_end, keys.begin() + b.key_at,
                                                keys.begin() + b.key_end);
        });
        put_head(out, Major::map, members.size());
        for (const auto& m : members) {
            out.insert(out.end(), keys.begin() + m.key_at, keys.begin() + m.key_end);
            path.append("/").append(*m.name);
            encode(path, m.sid, *m.value, out);
            path.resize(base);
        }
    }

    json members_to_json(const std::string& path, std::uint64_t sid, const Value& map) {
        json out = json::object();
        for (const auto& [key, value] : map.as_map()) {
            std::string child;
            std::uint64_t child_sid = 0;
            if (key.is_text()) {
                child = path + "/" + key.as_text();
                auto s = schema_.sid_of(child);
                if (!s) fail(child, "unknown member");
                child_sid = *s;
            } else {
                child_sid = absolute_sid(path, sid, key);
                const std::string* p = schema_.path_of(child_sid);
                if (!p) fail(path, "unknown sid " + std::to_string(child_sid));
                child = *p;
            }
            // The member must be a direct child of this node.
            if (child.size() <= path.size() + 1 || child.compare(0, path.size(), path) != 0 ||
                child[path.size()] != '/' || child.find('/', path.size() + 1) != std::string::npos)
                fail(path, "sid " + std::to_string(child_sid) + " (" + child + ") is not a member here");
            std::string name = child.substr(path.size() + 1);
            if (out.contains(name)) fail(child, "member appears twice");
            out[name] = to_json(child, child_sid, value);
        }
        return out;
    }

    std::uint64_t absolute_sid(const std::string& path, std::uint64_t parent, const Value& key) {
        if (key.is_tag() && key.tag_number() == kSidTag && key.tag_content().is_uint())
            return key.tag_content().as_uint();
        if (key.is_uint()) {
            if (key.as_uint() > UINT64_MAX - parent) fail(path, "sid delta overflows");
            return parent + key.as_uint();
        }
        if (key.is_int()) {
            std::uint64_t n = key.negative_argument();  // delta is -1 - n
            if (n >= parent) fail(path, "sid delta underflows");
            return parent - n - 1;
        }
        fail(path, "member key " + cbor::diagnostic(key) + " is not a sid delta, tag 47 or a name");
    }

    void leaf(const std::string& path, const LeafType& t, const json& j, Bytes& out) {
        if (!put_leaf(t, j, out)) fail(path, "value " + j.dump() + " does not fit the leaf's type");
    }

    json leaf(const std::string& path, const LeafType& t, const Value& v) {
        auto j = leaf_to_json(t, v);
        if (!j) fail(path, "value " + cbor::diagnostic(v) + " does not fit the leaf's type");
        return std::move(*j);
    }

    const Schema& schema_;
};

}  // namespace

Bytes encode_cbor(const json& instance, const Schema& schema) {
    if (!instance.is_object()) fail("", "expected a json object");
    Converter c(schema);
    // Top-level keys are absolute SIDs: in deterministic order when sorted by value.
    std::vector<std::pair<std::uint64_t, json::const_iterator>> members;
    std::string path;
    for (auto it = instance.begin(); it != instance.end(); ++it) {
        if (it.key().find(':') == std::string::npos) fail("/" + it.key(), "top-level member must be module-qualified");
        path.assign("/").append(it.key());
        auto sid = schema.sid_of(path);
        if (!sid) fail(path, "unknown top-level member");
        members.emplace_back(*sid, it);
    }
    std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    Bytes out;
    out.reserve(1024);
    cbor::put_head(out, cbor::Major::map, members.size());
    for (const auto& [sid, it] : members) {
        cbor::put_head(out, cbor::Major::unsigned_int, sid);
        path.assign("/").append(it.key());
        c.encode(path, sid, it.value(), out);
    }
    return out;
}

cbor::Value to_cbor(const json& instance, const Schema& schema) { return cbor::decode(encode_cbor(instance, schema)); }

json to_json(const cbor::Value& instance, const Schema& schema) {
    if (!instance.is_map()) fail("", "expected a cbor map");
    Converter c(schema);
    json out = json::object();
    for (const auto& [key, value] : instance.as_map()) {
        std::uint64_t sid = 0;
        std::string path;
        if (key.is_uint() || (key.is_tag() && key.tag_number() == kSidTag && key.tag_content().is_uint())) {
            sid = key.is_uint() ? key.as_uint() : key.tag_content().as_uint();
            const std::string* p = schema.path_of(sid);
            if (!p) fail("", "unknown top-level sid " + std::to_string(sid));
            path = *p;
        } else if (key.is_text()) {
            path = "/" + key.as_text();
            auto s = schema.sid_of(path);
            if (!s) fail(path, "unknown top-level member");
            sid = *s;
        } else {
            fail("", "top-level key " + cbor::diagnostic(key) + " is not a sid");
        }
        if (path.find('/', 1) != std::string::npos) fail(path, "is not a top-level node");
        std::string name = path.substr(1);
        if (out.contains(name)) fail(path, "member appears twice");
        out[name] = c.to_json(path, sid, value);
    }
    return out;
}

}  // namespace iotops::yang
