// SID tables and type tables: the data that drives YANG-CBOR conversion.
#include <charconv>
#include <sstream>

#include "iotops/codec/yang_cbor.hpp"
#include "iotops/core/error.hpp"

namespace iotops::yang {
namespace {

std::vector<std::string> words(std::string_view line) {
    std::vector<std::string> out;
    std::istringstream in{std::string(line)};
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

template <typename F>
void for_each_line(std::string_view text, F&& f) {
    std::size_t n = 0;
    while (!text.empty()) {
        auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        f(++n, line);
    }
}

bool parse_u64(std::string_view s, std::uint64_t& out) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty();
}

bool simple_type(const std::string& name, BaseType& out) {
    static const std::map<std::string, BaseType, std::less<>> names = {
        {"string", BaseType::string}, {"binary", BaseType::binary}, {"boolean", BaseType::boolean},
        {"int8", BaseType::int8},     {"int16", BaseType::int16},   {"int32", BaseType::int32},
        {"int64", BaseType::int64},   {"uint8", BaseType::uint8},   {"uint16", BaseType::uint16},
        {"uint32", BaseType::uint32}, {"uint64", BaseType::uint64}, {"empty", BaseType::empty}};
    auto it = names.find(name);
    if (it == names.end()) return false;
    out = it->second;
    return true;
}

// Parses "<type> ..." from words[i..]; throws a plain message the caller prefixes with the line.
LeafType parse_type(const std::vector<std::string>& w, std::size_t i) {
    if (i >= w.size()) throw std::invalid_argument("missing leaf type");
    LeafType t;
    if (w[i] == "enumeration") {
        t.base = BaseType::enumeration;
        for (std::size_t k = i + 1; k < w.size(); ++k) {
            auto eq = w[k].find('=');
            std::int64_t v = 0;
            if (eq == std::string::npos || eq == 0 ||
                std::from_chars(w[k].data() + eq + 1, w[k].data() + w[k].size(), v).ec != std::errc())
                throw std::invalid_argument("enum '" + w[k] + "' is not name=value");
            t.enums.emplace_back(w[k].substr(0, eq), v);
        }
        if (t.enums.empty()) throw std::invalid_argument("enumeration without enums");
        return t;
    }
    if (w[i] == "union") {
        t.base = BaseType::union_;
        for (std::size_t k = i + 1; k < w.size(); ++k) {
            LeafType m;
            if (!simple_type(w[k], m.base)) throw std::invalid_argument("union member '" + w[k] + "' is not a simple type");
            t.members.push_back(m);
        }
        if (t.members.empty()) throw std::invalid_argument("union without member types");
        return t;
    }
    if (!simple_type(w[i], t.base)) throw std::invalid_argument("unknown type '" + w[i] + "'");
    if (w.size() > i + 1) throw std::invalid_argument("unexpected '" + w[i + 1] + "' after the type");
    return t;
}

}  // namespace

SidTable SidTable::parse_text(std::string_view text) {
    SidTable t;
    for_each_line(text, [&](std::size_t n, std::string_view line) {
        auto w = words(line);
        if (w.empty()) return;
        if (w[0] == "SID" || w[0].find_first_not_of('-') == std::string::npos) return;  // header lines
        auto fail = [&](const std::string& why) {
            throw_malformed("sid table: line " + std::to_string(n) + ": " + why);
        };
        if (w.size() != 3) fail("expected 'SID namespace identifier'");
        SidItem item;
        if (!parse_u64(w[0], item.sid)) fail("'" + w[0] + "' is not a sid");
        item.ns = w[1];
        item.identifier = w[2];
        if (item.ns == "data" && item.identifier.front() != '/') fail("data identifier must be a path");
        try {
            t.add(std::move(item));
        } catch (const Error& e) {
            fail(e.what());
        }
    });
    return t;
}

SidTable SidTable::parse_json(const nlohmann::json& sid_file) {
    const nlohmann::json* root = &sid_file;
    if (sid_file.contains("ietf-sid-file:sid-file")) root = &sid_file["ietf-sid-file:sid-file"];
    if (!root->is_object() || !root->contains("item") || !(*root)["item"].is_array())
        throw_malformed("sid file: no \"item\" array");
    SidTable t;
    std::size_t index = 0;
    for (const auto& it : (*root)["item"]) {
        auto fail = [&](const std::string& why) {
            throw_malformed("sid file: item " + std::to_string(index) + ": " + why);
        };
        if (!it.is_object() || !it.contains("sid") || !it.contains("identifier") || !it.contains("namespace"))
            fail("needs namespace, identifier and sid");
        SidItem item;
        // RFC 9595 writes SIDs as strings (uint64 in YANG-JSON); accept numbers too.
        const auto& sid = it["sid"];
        if (sid.is_number_unsigned()) item.sid = sid.get<std::uint64_t>();
        else if (!sid.is_string() || !parse_u64(sid.get<std::string>(), item.sid)) fail("sid is not an unsigned integer");
        if (!it["namespace"].is_string() || !it["identifier"].is_string()) fail("namespace and identifier must be strings");
        item.ns = it["namespace"].get<std::string>();
        item.identifier = it["identifier"].get<std::string>();
        try {
            t.add(std::move(item));
        } catch (const Error& e) {
            fail(e.what());
        }
        ++index;
    }
    return t;
}

void SidTable::add(SidItem item) {
    if (item.ns == "data") {
        auto s = by_sid_.find(item.sid);
        if (s != by_sid_.end() && s->second != item.identifier)
            throw_malformed("sid " + std::to_string(item.sid) + " is assigned to both " + s->second + " and " +
                            item.identifier);
        auto p = by_path_.find(item.identifier);
        if (p != by_path_.end() && p->second != item.sid)
            throw_malformed(item.identifier + " has two sids");
        by_sid_[item.sid] = item.identifier;
        by_path_[item.identifier] = item.sid;
    }
    items_.push_back(std::move(item));
}

std::optional<std::uint64_t> SidTable::sid_of(std::string_view data_path) const {
    auto it = by_path_.find(data_path);
    if (it == by_path_.end()) return std::nullopt;
    return it->second;
}

const std::string* SidTable::path_of(std::uint64_t sid) const {
    auto it = by_sid_.find(sid);
    return it == by_sid_.end() ? nullptr : &it->second;
}

void Schema::add_sids(const SidTable& table) {
    for (const auto& item : table.items()) sids_.add(item);
}

void Schema::add_types(std::string_view table) {
    for_each_line(table, [&](std::size_t n, std::string_view line) {
        line = line.substr(0, line.find('#'));
        auto w = words(line);
        if (w.empty()) return;
        auto fail = [&](const std::string& why) {
            throw_malformed("yang type table: line " + std::to_string(n) + ": " + why);
        };
        if (w.size() < 2 || w[0].front() != '/') fail("expected '<path> <kind> [type]'");
        Node node;
        try {
            if (w[1] == "container" || w[1] == "list") {
                if (w.size() != 2) fail("a " + w[1] + " has no type");
                node.kind = w[1] == "container" ? NodeKind::container : NodeKind::list;
            } else if (w[1] == "leaf" || w[1] == "leaf-list") {
                node.kind = w[1] == "leaf" ? NodeKind::leaf : NodeKind::leaf_list;
                node.type = parse_type(w, 2);
            } else {
                fail("unknown node kind '" + w[1] + "'");
            }
        } catch (const std::invalid_argument& e) {
            fail(e.what());
        }
        set_node(w[0], std::move(node));
    });
}

void Schema::set_node(std::string path, Node node) { nodes_[std::move(path)] = std::move(node); }

const Node* Schema::node(std::string_view path) const {
    auto it = nodes_.find(path);
    return it == nodes_.end() ? nullptr : &it->second;
}

}  // namespace iotops::yang
