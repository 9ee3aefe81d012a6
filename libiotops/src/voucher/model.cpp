#include "iotops/voucher/model.hpp"

#include <array>

#include "iotops/codec/json.hpp"
#include "iotops/codec/yang_cbor.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"

namespace iotops::voucher {
namespace {

constexpr std::array<std::string_view, 3> date_leaves = {"created-on", "expires-on", "last-renewal-date"};

bool is_date_leaf(std::string_view leaf) {
    for (auto d : date_leaves)
        if (d == leaf) return true;
    return false;
}

std::string leaf_path(Kind k, std::string_view leaf) {
    return "/" + std::string(top_level_name(k)) + "/" + std::string(leaf);
}

// Why a value does not fit a YANG leaf type; empty when it fits.
std::string type_problem(const std::string& leaf, const yang::LeafType& type, const nlohmann::json& v) {
    switch (type.base) {
    case yang::BaseType::string:
        if (!v.is_string()) return leaf + ": not a string";
        if (is_date_leaf(leaf)) {
            try {
                parse_rfc3339(v.get_ref<const std::string&>());
            } catch (const Error& e) {
                return leaf + ": not a date-and-time: " + e.what();
            }
        }
        return {};
    case yang::BaseType::binary:
        if (!v.is_string()) return leaf + ": not a base64 string";
        try {
            base64_decoded_size(v.get_ref<const std::string&>());  // checked here, decoded where it is encoded
        } catch (const Error& e) {
            return leaf + ": not base64: " + e.what();
        }
        return {};
    case yang::BaseType::boolean:
        return v.is_boolean() ? std::string() : leaf + ": not a boolean";
    case yang::BaseType::enumeration: {
        if (!v.is_string()) return leaf + ": not an enumeration name";
        std::string names;
        for (const auto& [name, value] : type.enums) {
            if (name == v.get_ref<const std::string&>()) return {};
            names += (names.empty() ? "" : ", ") + name;
        }
        return leaf + ": \"" + v.get<std::string>() + "\" is not one of " + names;
    }
    default:
        return {};
    }
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : std::string(sep)) + p;
    return out;
}

}  // namespace

std::string_view kind_name(Kind k) { return k == Kind::voucher ? "voucher" : "voucher-request"; }
std::string_view top_level_name(Kind k) {
    return k == Kind::voucher ? "ietf-voucher:voucher" : "ietf-voucher-request:voucher";
}

Voucher::Voucher() : Voucher(Kind::voucher, {{std::string(top_level_name(Kind::voucher)), nlohmann::json::object()}}) {}
Voucher::Voucher(Kind kind, nlohmann::json instance) : kind_(kind), instance_(std::move(instance)) {}

Voucher Voucher::from_json(nlohmann::json instance) {
    if (!instance.is_object()) throw_malformed("voucher: not a JSON object");
    if (instance.size() != 1)
        throw_malformed("voucher: want exactly one top-level member (ietf-voucher:voucher or "
                        "ietf-voucher-request:voucher), got " + std::to_string(instance.size()));
    auto it = instance.begin();
    const std::string& name = it.key();
    Kind kind = Kind::voucher;
    if (name == top_level_name(Kind::voucher)) kind = Kind::voucher;
    else if (name == top_level_name(Kind::voucher_request)) kind = Kind::voucher_request;
    else throw_malformed("voucher: unknown top-level member \"" + name + "\"");
    if (!it.value().is_object()) throw_malformed("voucher: " + name + " is not an object");
    return Voucher(kind, std::move(instance));
}

Voucher Voucher::from_leaves(Kind kind, nlohmann::json leaves) {
    if (!leaves.is_object()) throw_malformed("voucher: " + std::string(top_level_name(kind)) + " is not an object");
    nlohmann::json instance = nlohmann::json::object();
    instance[std::string(top_level_name(kind))] = std::move(leaves);
    return Voucher(kind, std::move(instance));
}

Voucher Voucher::parse_json(ByteView text) { return from_json(codec::parse_json(text, "voucher")); }

Voucher Voucher::from_cbor(const cbor::Value& instance) {
    return from_json(yang::to_json(instance, yang::Schema::voucher()));
}

Voucher Voucher::decode_cbor(ByteView data) { return from_cbor(cbor::decode(data)); }

std::string Voucher::dump() const { return codec::dump_json(instance_); }
cbor::Value Voucher::to_cbor() const { return cbor::decode(encode_cbor()); }
Bytes Voucher::encode_cbor() const { return yang::encode_cbor(instance_, yang::Schema::voucher()); }

std::optional<std::string> Voucher::text(std::string_view leaf) const {
    const auto& leaves = this->leaves();
    auto it = leaves.find(leaf);
    if (it == leaves.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

std::optional<Bytes> Voucher::binary(std::string_view leaf) const {
    const auto& leaves = this->leaves();
    auto it = leaves.find(leaf);
    if (it == leaves.end()) return std::nullopt;
    if (!it->is_string()) throw_malformed("voucher: " + std::string(leaf) + ": not a base64 string");
    return base64_decode(it->get_ref<const std::string&>());
}

std::vector<Check> check_rules(const Voucher& v, const RuleOptions& options) {
    const auto& schema = yang::Schema::voucher();
    std::vector<Check> checks;

    checks.reserve(6);

    std::vector<std::string> unknown, bad;
    // The leaves' schema paths are built in one buffer: "/<top level>/" then the leaf name.
    std::string path = leaf_path(v.kind(), "");
    const std::size_t base = path.size();
    for (const auto& [leaf, value] : v.leaves().items()) {
        path.resize(base);
        path += leaf;
        const yang::Node* node = schema.node(path);
        if (!node || (node->kind != yang::NodeKind::leaf && node->kind != yang::NodeKind::leaf_list)) {
            unknown.push_back(leaf);
            continue;
        }
        if (node->kind == yang::NodeKind::leaf_list) {
            if (!value.is_array()) bad.push_back(leaf + ": not a list");
            continue;
        }
        if (auto p = type_problem(leaf, node->type, value); !p.empty()) bad.push_back(p);
    }
    checks.push_back({"known-leaves", unknown.empty(),
                      unknown.empty() ? std::string() : "unknown leaf in " + std::string(kind_name(v.kind())) + ": " + join(unknown, ", ")});
    checks.push_back({"leaf-types", bad.empty(), join(bad, "; ")});

    std::vector<std::string> missing;
    if (v.kind() == Kind::voucher) {
        for (auto leaf : {"created-on", "assertion", "serial-number"})
            if (!v.leaves().contains(leaf)) missing.push_back(leaf);
        if (!v.leaves().contains("pinned-domain-cert") && !v.leaves().contains("pinned-domain-pubk") &&
            !v.leaves().contains("pinned-domain-pubk-sha256"))
            missing.push_back("one of pinned-domain-cert, pinned-domain-pubk, pinned-domain-pubk-sha256");
    }
    checks.push_back({"required-leaves", missing.empty(), missing.empty() ? std::string() : "missing " + join(missing, ", ")});

    // nonce: binary, 8..32 bytes (8366bis); base64url without padding is accepted (RFC 8995 App. C).
    if (v.leaves().contains("nonce")) {
        try {
            auto n = v.binary("nonce");
            bool ok = n->size() >= 8 && n->size() <= 32;
            checks.push_back({"nonce-length", ok, ok ? std::string() : "nonce is " + std::to_string(n->size()) + " bytes, want 8..32"});
        } catch (const Error& e) {
            checks.push_back({"nonce-length", false, e.what()});
        }
    }

    if (auto exp = v.text("expires-on")) {
        try {
            Time e = parse_rfc3339(*exp);
            Time at = options.at.value_or(now());
            std::string why;
            if (e < at) why = "expired at " + format_rfc3339(e) + " (checked at " + format_rfc3339(at) + ")";
            if (auto created = v.text("created-on"); why.empty() && created && parse_rfc3339(*created) > e)
                why = "expires-on is before created-on";
            checks.push_back({"expires-on", why.empty(), why});
        } catch (const Error& e) {
            checks.push_back({"expires-on", false, e.what()});
        }
    }
    return checks;
}

}  // namespace iotops::voucher
