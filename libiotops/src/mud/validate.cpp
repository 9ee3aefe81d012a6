// MUD validation: one walk over the JSON that checks it against ietf-mud, ietf-access-control-list,
// ietf-packet-fields, ietf-acldns and ietf-ethertypes, and reads the model out on the way.
#include "iotops/mud/validate.hpp"

#include <algorithm>
#include <regex>
#include <set>

#include "iotops/codec/json.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/time.hpp"
#include "mud/syntax.hpp"

namespace iotops::mud {
namespace {

using nlohmann::json;

std::string key_path(const std::string& parent, const std::string& key) {
    std::string out = parent + "/";
    for (char c : key) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}
std::string index_path(const std::string& parent, size_t i) { return parent + "/" + std::to_string(i); }

// A JSON path made into text only when a finding needs it: checking a valid file builds none.
class Path {
public:
    Path(const std::string& s) : parent_(&s) {}  // NOLINT: implicit on purpose
    Path(const std::string& parent, const char* key) : parent_(&parent), key_(key) {}
    std::string str() const { return key_ ? key_path(*parent_, key_) : *parent_; }

private:
    const std::string* parent_;
    const char* key_ = nullptr;
};

// Strips a module prefix "mod:" from an identity or member name; "" when there is none.
std::pair<std::string, std::string> split_prefix(const std::string& s) {
    auto colon = s.find(':');
    if (colon == std::string::npos) return {"", s};
    return {s.substr(0, colon), s.substr(colon + 1)};
}

class Walker {
public:
    explicit Walker(const ValidateOptions& o) : opts_(o) {}

    std::vector<Check> checks;
    Mud mud;

    void run(const json& doc);

private:
    void error(const Path& at, const std::string& rule, const std::string& msg) {
        std::string path = at.str();
        checks.push_back({rule, false, (path.empty() ? "/" : path) + ": " + msg, false});
    }
    void warn(const Path& at, const std::string& rule, const std::string& msg) {
        std::string path = at.str();
        checks.push_back({rule, true, (path.empty() ? "/" : path) + ": " + msg, true});
    }
    // A legacy form real generators emit: a warning with --compat, a failure otherwise.
    void legacy(const Path& path, const std::string& rule, const std::string& msg) {
        if (opts_.compat) warn(path, rule, msg + " (accepted by --compat)");
        else error(path, rule, msg + " (--compat accepts it)");
    }

    // Reports members not in `known`. Prefixed members of other modules pass when declared in extensions.
    void members(const json& obj, const std::string& path, std::initializer_list<const char*> known);

    bool object(const json& j, const Path& path) {
        if (j.is_object()) return true;
        error(path, "type", std::string("must be an object, not ") + j.type_name());
        return false;
    }
    std::optional<std::string> string(const json& j, const Path& path, size_t min = 0, size_t max = 0) {
        if (!j.is_string()) {
            error(path, "type", std::string("must be a string, not ") + j.type_name());
            return std::nullopt;
        }
        auto s = j.get<std::string>();
        if (s.size() < min || (max && s.size() > max)) {
            error(path, "length", "length " + std::to_string(s.size()) + " is outside " + std::to_string(min) + ".." +
                                      std::to_string(max));
            return std::nullopt;
        }
        return s;
    }
    // RFC 7951 integers are JSON numbers; a string holding a number is a legacy form.
    std::optional<long long> integer(const json& j, const Path& path, long long min, long long max,
                                     const char* type) {
        long long v = 0;
        if (j.is_number_integer()) {
            v = j.get<long long>();
        } else if (j.is_string() && syntax::is_uint(j.get<std::string>())) {
            legacy(path, "type", std::string(type) + " written as a string");
            v = std::stoll(j.get<std::string>().substr(0, 12));
        } else {
            error(path, "type", std::string("must be a ") + type + " number, not " + j.type_name());
            return std::nullopt;
        }
        if (v < min || v > max) {
            error(path, "range", std::to_string(v) + " is outside " + std::to_string(min) + ".." + std::to_string(max));
            return std::nullopt;
        }
        return v;
    }
    std::optional<std::string> uri(const json& j, const Path& path) {
        auto s = string(j, path);
        if (s && !syntax::is_uri(*s)) {
            error(path, "uri", "'" + *s + "' is not an absolute URI");
            return std::nullopt;
        }
        return s;
    }
    std::optional<std::string> host(const json& j, const Path& path) {
        auto s = string(j, path);
        if (s && !syntax::is_host(*s)) {
            error(path, "host", "'" + *s + "' is not a host name or address");
            return std::nullopt;
        }
        return s;
    }
    // YANG `empty`: [null] in RFC 7951.
    bool empty_leaf(const json& j, const Path& path) {
        if (j.is_array() && j.size() == 1 && j[0].is_null()) return true;
        if (j.is_array() && j.empty()) {
            legacy(path, "empty-leaf", "an empty leaf is [null], not []");
            return true;
        }
        error(path, "empty-leaf", std::string("an empty leaf must be [null], not ") + j.dump());
        return false;
    }

    void mud_container(const json& m, const std::string& path);
    void policy(const json& p, const std::string& path, std::vector<std::string>& names);
    void acls(const json& a, const std::string& path);
    void acl(const json& a, const std::string& path, std::set<std::string>& names);
    void ace(const json& a, const std::string& path, Acl& acl, std::set<std::string>& names);
    void matches(const json& m, const std::string& path, const Acl& acl, Ace& ace);
    void ip_match(const json& m, const std::string& path, bool v6, Ace& ace);
    void eth_match(const json& m, const std::string& path, Ace& ace);
    void l4_match(const json& m, const std::string& path, const std::string& proto, Ace& ace);
    std::optional<PortMatch> port(const json& p, const std::string& path);
    void mud_match(const json& m, const std::string& path, MudMatch& out);
    void references(const std::string& base);

    const ValidateOptions& opts_;
    std::set<std::string> extensions_;
};

void Walker::members(const json& obj, const std::string& path, std::initializer_list<const char*> known) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        const std::string& k = it.key();
        if (std::any_of(known.begin(), known.end(), [&](const char* n) { return k == n; })) continue;
        auto [prefix, name] = split_prefix(k);
        if (prefix.empty()) {
            error(key_path(path, k), "unknown-member", "'" + k + "' is not in the schema");
        } else if (extensions_.count(prefix) || extensions_.count(name)) {
            warn(key_path(path, k), "extension", "extension member '" + k + "' is not validated");
        } else {
            legacy(key_path(path, k), "undeclared-extension",
                   "member '" + k + "' of module '" + prefix + "' is not declared in extensions");
        }
    }
}

void Walker::run(const json& doc) {
    if (!doc.is_object()) throw Error(ErrorKind::malformed, "not a MUD file: the top level is not a JSON object");
    auto m = doc.find("ietf-mud:mud");
    if (m == doc.end() || !m->is_object())
        throw Error(ErrorKind::malformed, "not a MUD file: no \"ietf-mud:mud\" object at the top level");
    if (auto e = m->find("extensions"); e != m->end() && e->is_array())
        for (const auto& x : *e)
            if (x.is_string()) extensions_.insert(x.get<std::string>());
    members(doc, "", {"ietf-mud:mud", "ietf-access-control-list:acls", "ietf-access-control-list:access-lists"});
    mud_container(*m, "/ietf-mud:mud");
    auto a = doc.find("ietf-access-control-list:acls");
    std::string base = "/ietf-access-control-list:acls";
    if (a == doc.end()) {
        a = doc.find("ietf-access-control-list:access-lists");
        if (a != doc.end()) {
            base = "/ietf-access-control-list:access-lists";
            legacy(base, "acls-name", "the draft-era container name; RFC 8519 calls it 'ietf-access-control-list:acls'");
        }
    }
    if (a != doc.end()) acls(*a, base);
    references(base);
}

void Walker::mud_container(const json& m, const std::string& path) {
    members(m, path,
            {"mud-version", "mud-url", "last-update", "mud-signature", "cache-validity", "is-supported", "systeminfo",
             "mfg-name", "model-name", "firmware-rev", "software-rev", "documentation", "extensions",
             "from-device-policy", "to-device-policy"});
    auto get = [&](const char* k) -> const json* {
        auto it = m.find(k);
        return it == m.end() ? nullptr : &*it;
    };
    auto p = [&](const char* k) { return Path(path, k); };
    if (auto v = get("mud-version")) {
        if (auto n = integer(*v, p("mud-version"), 0, 255, "uint8")) {
            mud.version = int(*n);
            if (*n != 1) error(p("mud-version"), "mud-version", "version " + std::to_string(*n) + " is not 1 (RFC 8520)");
        }
    } else {
        legacy(path, "mandatory", "mud-version is missing");
    }
    if (auto v = get("mud-url")) {
        if (auto s = uri(*v, p("mud-url"))) {
            mud.url = *s;
            if (!syntax::starts_with_nocase(*s, "https://"))
                error(p("mud-url"), "mud-url", "'" + *s + "' does not use https (RFC 8520 section 3.3)");
        }
    } else {
        error(path, "mandatory", "mud-url is missing");
    }
    if (auto v = get("last-update")) {
        if (auto s = string(*v, p("last-update"))) {
            mud.last_update = *s;
            auto form = syntax::date_time_form(*s);
            if (form == syntax::DateTime::no_zone)
                legacy(p("last-update"), "date-and-time", "'" + *s + "' has no time zone");
            else if (form == syntax::DateTime::bad)
                error(p("last-update"), "date-and-time", "'" + *s + "' is not a yang:date-and-time");
        }
    } else {
        error(path, "mandatory", "last-update is missing");
    }
    if (auto v = get("mud-signature")) {
        if (auto s = string(*v, p("mud-signature"))) {
            mud.signature = *s;
            if (!syntax::is_uri(*s))
                warn(p("mud-signature"), "uri", "'" + *s + "' is a relative reference, resolved against mud-url");
        }
    }
    if (auto v = get("cache-validity"))
        if (auto n = integer(*v, p("cache-validity"), 1, 168, "uint8")) mud.cache_validity = int(*n);
    if (auto v = get("is-supported")) {
        if (v->is_boolean()) mud.is_supported = v->get<bool>();
        else error(p("is-supported"), "type", std::string("must be a boolean, not ") + v->type_name());
    } else {
        error(path, "mandatory", "is-supported is missing");
    }
    auto text = [&](const char* k, std::optional<std::string>& out) {
        if (auto v = get(k)) out = string(*v, p(k));
    };
    text("systeminfo", mud.systeminfo);
    text("mfg-name", mud.mfg_name);
    text("model-name", mud.model_name);
    text("firmware-rev", mud.firmware_rev);
    text("software-rev", mud.software_rev);
    if (auto v = get("documentation")) mud.documentation = uri(*v, p("documentation"));
    if (auto v = get("extensions")) {
        if (!v->is_array()) {
            error(p("extensions"), "type", "must be an array of strings");
        } else {
            std::set<std::string> seen;
            for (size_t i = 0; i < v->size(); ++i)
                if (auto s = string((*v)[i], index_path(key_path(path, "extensions"), i), 1, 40)) {
                    if (!seen.insert(*s).second)
                        error(index_path(key_path(path, "extensions"), i), "unique", "extension '" + *s + "' is listed twice");
                    mud.extensions.push_back(*s);
                }
        }
    }
    if (auto v = get("from-device-policy")) policy(*v, key_path(path, "from-device-policy"), mud.from_device_policy);
    if (auto v = get("to-device-policy")) policy(*v, key_path(path, "to-device-policy"), mud.to_device_policy);
}

void Walker::policy(const json& pol, const std::string& path, std::vector<std::string>& names) {
    if (!object(pol, path)) return;
    members(pol, path, {"access-lists"});
    auto al = pol.find("access-lists");
    if (al == pol.end()) return;
    std::string ap = key_path(path, "access-lists");
    if (!object(*al, ap)) return;
    members(*al, ap, {"access-list"});
    auto list = al->find("access-list");
    if (list == al->end()) return;
    std::string lp = key_path(ap, "access-list");
    if (!list->is_array()) {
        error(lp, "type", "must be a list (JSON array)");
        return;
    }
    std::set<std::string> seen;
    for (size_t i = 0; i < list->size(); ++i) {
        std::string ep = index_path(lp, i);
        const json& e = (*list)[i];
        if (!object(e, ep)) continue;
        members(e, ep, {"name"});
        auto n = e.find("name");
        if (n == e.end()) {
            error(ep, "mandatory", "the list key 'name' is missing");
            continue;
        }
        if (auto s = string(*n, Path(ep, "name"), 1, 64)) {
            if (!seen.insert(*s).second) error(key_path(ep, "name"), "unique", "ACL '" + *s + "' is listed twice");
            names.push_back(*s);
        }
    }
}

void Walker::acls(const json& a, const std::string& path) {
    if (!object(a, path)) return;
    members(a, path, {"acl"});
    auto list = a.find("acl");
    if (list == a.end()) return;
    std::string lp = key_path(path, "acl");
    if (!list->is_array()) {
        error(lp, "type", "must be a list (JSON array)");
        return;
    }
    std::set<std::string> names;
    for (size_t i = 0; i < list->size(); ++i) acl((*list)[i], index_path(lp, i), names);
}

std::optional<AclType> acl_type_of(const std::string& id, bool& legacy_form) {
    auto [prefix, name] = split_prefix(id);
    legacy_form = false;
    if (!prefix.empty() && prefix != "ietf-access-control-list") return std::nullopt;
    static const std::pair<const char*, AclType> types[] = {
        {"ipv4-acl-type", AclType::ipv4},
        {"ipv6-acl-type", AclType::ipv6},
        {"eth-acl-type", AclType::eth},
        {"mixed-eth-ipv4-acl-type", AclType::mixed_eth_ipv4},
        {"mixed-eth-ipv6-acl-type", AclType::mixed_eth_ipv6},
        {"mixed-eth-ipv4-ipv6-acl-type", AclType::mixed_eth_ipv4_ipv6}};
    for (auto& [n, t] : types)
        if (name == n) return t;
    static const std::pair<const char*, AclType> old[] = {{"ipv4-acl", AclType::ipv4}, {"ipv6-acl", AclType::ipv6},
                                                          {"ipv4", AclType::ipv4},     {"ipv6", AclType::ipv6},
                                                          {"ethernet-acl-type", AclType::eth},
                                                          {"eth-acl", AclType::eth}};
    for (auto& [n, t] : old)
        if (name == n) {
            legacy_form = true;
            return t;
        }
    return std::nullopt;
}

void Walker::acl(const json& a, const std::string& path, std::set<std::string>& names) {
    if (!object(a, path)) return;
    members(a, path, {"name", "type", "aces", "acl-name", "acl-type"});
    Acl out;
    auto n = a.find("name");
    if (n == a.end() && (n = a.find("acl-name")) != a.end())
        legacy(key_path(path, "acl-name"), "legacy-name", "pre-RFC member 'acl-name'; RFC 8519 calls it 'name'");
    if (n == a.end()) {
        error(path, "mandatory", "the list key 'name' is missing");
    } else if (auto s = string(*n, key_path(path, n.key()), 1, 64)) {
        out.name = *s;
        if (!names.insert(*s).second) error(key_path(path, n.key()), "unique", "ACL name '" + *s + "' is used twice");
    }
    auto t = a.find("type");
    if (t == a.end() && (t = a.find("acl-type")) != a.end())
        legacy(key_path(path, "acl-type"), "legacy-name", "pre-RFC member 'acl-type'; RFC 8519 calls it 'type'");
    if (t == a.end()) {
        // The YANG leaf is optional, but without it no l2/l3 match is allowed by the `when` guards.
        error(path, "acl-type", "the ACL has no type");
    } else if (auto s = string(*t, key_path(path, t.key()))) {
        bool old = false;
        if (auto type = acl_type_of(*s, old)) {
            out.type = *type;
            if (old) legacy(key_path(path, t.key()), "acl-type", "'" + *s + "' is not an RFC 8519 ACL type identity");
        } else {
            error(key_path(path, t.key()), "acl-type", "'" + *s + "' is not an ACL type identity");
        }
    }
    if (auto aces = a.find("aces"); aces != a.end()) {
        std::string ap = key_path(path, "aces");
        if (object(*aces, ap)) {
            members(*aces, ap, {"ace"});
            if (auto list = aces->find("ace"); list != aces->end()) {
                std::string lp = key_path(ap, "ace");
                if (!list->is_array()) {
                    error(lp, "type", "must be a list (JSON array)");
                } else {
                    std::set<std::string> ace_names;
                    for (size_t i = 0; i < list->size(); ++i) ace((*list)[i], index_path(lp, i), out, ace_names);
                }
            }
        }
    }
    mud.acls.push_back(std::move(out));
}

void Walker::ace(const json& a, const std::string& path, Acl& acl, std::set<std::string>& names) {
    if (!object(a, path)) return;
    members(a, path, {"name", "matches", "actions", "statistics"});
    Ace out;
    if (auto n = a.find("name"); n == a.end()) {
        error(path, "mandatory", "the list key 'name' is missing");
    } else if (auto s = string(*n, Path(path, "name"), 1, 64)) {
        out.name = *s;
        if (!names.insert(*s).second)
            error(key_path(path, "name"), "unique", "ACE name '" + *s + "' is used twice in ACL '" + acl.name + "'");
    }
    if (auto m = a.find("matches"); m != a.end()) matches(*m, key_path(path, "matches"), acl, out);
    std::string ap = key_path(path, "actions");
    auto act = a.find("actions");
    if (act == a.end()) {
        error(path, "mandatory", "actions is missing");
    } else if (object(*act, ap)) {
        members(*act, ap, {"forwarding", "logging"});
        auto f = act->find("forwarding");
        if (f == act->end()) {
            error(ap, "mandatory", "forwarding is missing");
        } else if (auto s = string(*f, Path(ap, "forwarding"))) {
            auto [prefix, name] = split_prefix(*s);
            if ((prefix.empty() || prefix == "ietf-access-control-list") &&
                (name == "accept" || name == "drop" || name == "reject")) {
                out.action = name;
            } else {
                error(key_path(ap, "forwarding"), "forwarding", "'" + *s + "' is not accept, drop or reject");
            }
        }
        if (auto l = act->find("logging"); l != act->end()) string(*l, Path(ap, "logging"));
    }
    acl.aces.push_back(std::move(out));
}

void Walker::matches(const json& m, const std::string& path, const Acl& acl, Ace& ace) {
    if (!object(m, path)) return;
    members(m, path, {"eth", "ipv4", "ipv6", "tcp", "udp", "icmp", "ietf-mud:mud", "mud", "egress-interface",
                      "ingress-interface"});
    bool v4 = m.contains("ipv4"), v6 = m.contains("ipv6"), eth = m.contains("eth");
    if (v4 && v6) error(path, "choice", "ipv4 and ipv6 are cases of one choice (l3)");
    int l4 = int(m.contains("tcp")) + int(m.contains("udp")) + int(m.contains("icmp"));
    if (l4 > 1) error(path, "choice", "tcp, udp and icmp are cases of one choice (l4)");
    if (v4 && !has_ipv4(acl.type))
        error(key_path(path, "ipv4"), "when", std::string("an ipv4 match is not allowed in a ") +
                                                  acl_type_name(acl.type) + " ACL");
    if (v6 && !has_ipv6(acl.type))
        error(key_path(path, "ipv6"), "when", std::string("an ipv6 match is not allowed in a ") +
                                                  acl_type_name(acl.type) + " ACL");
    if (eth && acl.type != AclType::eth && acl.type != AclType::mixed_eth_ipv4 &&
        acl.type != AclType::mixed_eth_ipv6 && acl.type != AclType::mixed_eth_ipv4_ipv6)
        legacy(key_path(path, "eth"), "when",
               std::string("an eth match is not allowed in a ") + acl_type_name(acl.type) + " ACL");
    if (v4) ip_match(m["ipv4"], key_path(path, "ipv4"), false, ace);
    if (v6) ip_match(m["ipv6"], key_path(path, "ipv6"), true, ace);
    if (eth) eth_match(m["eth"], key_path(path, "eth"), ace);
    for (const char* proto : {"tcp", "udp", "icmp"})
        if (m.contains(proto)) l4_match(m[proto], key_path(path, proto), proto, ace);
    if (m.contains("ietf-mud:mud")) mud_match(m["ietf-mud:mud"], key_path(path, "ietf-mud:mud"), ace.mud);
    if (m.contains("mud")) {
        legacy(key_path(path, "mud"), "prefix", "member of ietf-mud needs its prefix: 'ietf-mud:mud'");
        mud_match(m["mud"], key_path(path, "mud"), ace.mud);
    }
    for (const char* iface : {"egress-interface", "ingress-interface"})
        if (m.contains(iface)) warn(key_path(path, iface), "interface", "interface matches are not used by MUD");
}

void Walker::ip_match(const json& m, const std::string& path, bool v6, Ace& ace) {
    if (!object(m, path)) return;
    if (v6)
        members(m, path, {"dscp", "ecn", "length", "ttl", "protocol", "destination-ipv6-network",
                          "source-ipv6-network", "flow-label", "ietf-acldns:src-dnsname", "ietf-acldns:dst-dnsname",
                          "src-dnsname", "dst-dnsname"});
    else
        members(m, path, {"dscp", "ecn", "length", "ttl", "protocol", "ihl", "flags", "offset", "identification",
                          "destination-ipv4-network", "source-ipv4-network", "ietf-acldns:src-dnsname",
                          "ietf-acldns:dst-dnsname", "src-dnsname", "dst-dnsname"});
    auto num = [&](const char* k, long long lo, long long hi, const char* type) -> std::optional<long long> {
        if (auto it = m.find(k); it != m.end()) return integer(*it, Path(path, k), lo, hi, type);
        return std::nullopt;
    };
    num("dscp", 0, 63, "dscp");
    num("ecn", 0, 3, "uint8");
    num("length", 0, 65535, "uint16");
    num("ttl", 0, 255, "uint8");
    if (!v6) {
        num("ihl", 5, 60, "uint8");
        num("offset", 0, 16383, "uint16");
        num("identification", 0, 65535, "uint16");
        if (auto f = m.find("flags"); f != m.end()) string(*f, Path(path, "flags"));
    } else {
        num("flow-label", 0, 1048575, "flow-label");
    }
    if (auto p = num("protocol", 0, 255, "uint8")) ace.protocol = int(*p);
    const char* dst = v6 ? "destination-ipv6-network" : "destination-ipv4-network";
    const char* src = v6 ? "source-ipv6-network" : "source-ipv4-network";
    for (auto [k, out] : {std::pair{dst, &ace.dst_network}, std::pair{src, &ace.src_network}}) {
        auto it = m.find(k);
        if (it == m.end()) continue;
        if (auto s = string(*it, Path(path, k))) {
            if (!syntax::is_prefix(*s, v6)) error(key_path(path, k), "prefix", "'" + *s + "' is not an " +
                                                                       (v6 ? "ipv6" : "ipv4") + "-prefix");
            else *out = *s;
        }
    }
    for (auto [k, out] : {std::pair{"src-dnsname", &ace.src_dnsname}, std::pair{"dst-dnsname", &ace.dst_dnsname}}) {
        std::string full = std::string("ietf-acldns:") + k;
        auto it = m.find(full);
        std::string used = full;
        if (it == m.end() && (it = m.find(k)) != m.end()) {
            used = k;
            legacy(key_path(path, k), "prefix", std::string("member of ietf-acldns needs its prefix: '") + full + "'");
        }
        if (it != m.end()) *out = host(*it, key_path(path, used));
    }
    if (ace.src_dnsname && ace.src_network)
        warn(path, "dnsname", "both a source DNS name and a source network: both must match");
    if (ace.dst_dnsname && ace.dst_network)
        warn(path, "dnsname", "both a destination DNS name and a destination network: both must match");
}

void Walker::eth_match(const json& m, const std::string& path, Ace& ace) {
    if (!object(m, path)) return;
    members(m, path, {"destination-mac-address", "destination-mac-address-mask", "source-mac-address",
                      "source-mac-address-mask", "ethertype"});
    for (const char* k : {"destination-mac-address", "destination-mac-address-mask", "source-mac-address",
                          "source-mac-address-mask"})
        if (auto it = m.find(k); it != m.end())
            if (auto s = string(*it, Path(path, k)); s && !syntax::is_mac(*s))
                error(key_path(path, k), "mac-address", "'" + *s + "' is not a MAC address");
    auto e = m.find("ethertype");
    if (e == m.end()) return;
    std::string ep = key_path(path, "ethertype");
    if (e->is_number_integer()) {
        if (auto v = integer(*e, ep, 0, 65535, "uint16")) ace.ethertype = int(*v);
    } else if (e->is_string()) {
        const std::string s = e->get<std::string>();
        if (auto v = syntax::ethertype_enum(s)) {
            ace.ethertype = *v;
        } else if (auto hex = syntax::parse_hex_uint16(s)) {
            legacy(ep, "ethertype", "ethertype '" + s + "' written as a string; RFC 7951 uses a number or an enum name");
            ace.ethertype = *hex;
        } else {
            error(ep, "ethertype", "'" + s + "' is not an ietf-ethertypes name or a uint16");
        }
    } else {
        error(ep, "type", std::string("must be a uint16 or an ethertype name, not ") + e->type_name());
    }
}

void Walker::l4_match(const json& m, const std::string& path, const std::string& proto, Ace& ace) {
    if (!object(m, path)) return;
    ace.l4 = proto;
    int expect = proto == "tcp" ? 6 : proto == "udp" ? 17 : -1;
    if (ace.protocol && expect > 0 && *ace.protocol != expect)
        error(path, "protocol", "a " + proto + " match with protocol " + std::to_string(*ace.protocol) +
                                    " (" + proto + " is " + std::to_string(expect) + ")");
    if (ace.protocol && proto == "icmp" && *ace.protocol != 1 && *ace.protocol != 58)
        error(path, "protocol", "an icmp match with protocol " + std::to_string(*ace.protocol));
    if (proto == "tcp")
        members(m, path, {"sequence-number", "acknowledgement-number", "data-offset", "reserved", "flags",
                          "window-size", "urgent-pointer", "options", "source-port", "destination-port",
                          "ietf-mud:direction-initiated", "direction-initiated"});
    else if (proto == "udp")
        members(m, path, {"length", "source-port", "destination-port"});
    else
        members(m, path, {"type", "code", "rest-of-header"});
    if (proto == "icmp") {
        for (const char* k : {"type", "code"})
            if (auto it = m.find(k); it != m.end()) integer(*it, Path(path, k), 0, 255, "uint8");
        return;
    }
    if (auto it = m.find("source-port"); it != m.end()) ace.src_port = port(*it, key_path(path, "source-port"));
    if (auto it = m.find("destination-port"); it != m.end())
        ace.dst_port = port(*it, key_path(path, "destination-port"));
    if (proto != "tcp") return;
    auto d = m.find("ietf-mud:direction-initiated");
    std::string dp = key_path(path, "ietf-mud:direction-initiated");
    if (d == m.end() && (d = m.find("direction-initiated")) != m.end()) {
        dp = key_path(path, "direction-initiated");
        legacy(dp, "prefix", "member of ietf-mud needs its prefix: 'ietf-mud:direction-initiated'");
    }
    if (d != m.end())
        if (auto s = string(*d, dp)) {
            if (*s == "to-device") ace.direction_initiated = Direction::to_device;
            else if (*s == "from-device") ace.direction_initiated = Direction::from_device;
            else error(dp, "enum", "'" + *s + "' is not to-device or from-device");
        }
}

std::optional<PortMatch> Walker::port(const json& p, const std::string& path) {
    if (!object(p, path)) return std::nullopt;
    members(p, path, {"lower-port", "upper-port", "operator", "port"});
    PortMatch out;
    bool range = p.contains("lower-port") || p.contains("upper-port");
    auto op = p.find("operator");
    std::optional<std::string> ops;
    if (op != p.end()) ops = string(*op, Path(path, "operator"));
    if (range) {
        if (p.contains("port")) {
            error(path, "port-range", "a port range (lower-port/upper-port) cannot also have 'port'");
            return std::nullopt;
        }
        if (ops && *ops == "range") {
            legacy(key_path(path, "operator"), "port-range", "operator 'range' is not in ietf-packet-fields");
        } else if (op != p.end()) {
            error(key_path(path, "operator"), "port-range",
                  "a port range (lower-port/upper-port) cannot have an operator");
            return std::nullopt;
        }
        if (!p.contains("lower-port") || !p.contains("upper-port")) {
            error(path, "mandatory", "a port range needs both lower-port and upper-port");
            return std::nullopt;
        }
        auto lo = integer(p["lower-port"], Path(path, "lower-port"), 0, 65535, "port-number");
        auto hi = integer(p["upper-port"], Path(path, "upper-port"), 0, 65535, "port-number");
        if (!lo || !hi) return std::nullopt;
        if (*lo > *hi) {
            error(path, "port-range", "lower-port " + std::to_string(*lo) + " is above upper-port " +
                                          std::to_string(*hi));
            return std::nullopt;
        }
        out.op = "range";
        out.port = std::uint16_t(*lo);
        out.upper = std::uint16_t(*hi);
        return out;
    }
    if (!p.contains("port")) {
        error(path, "mandatory", "port is missing");
        return std::nullopt;
    }
    if (ops) {
        if (*ops == "eq" || *ops == "neq" || *ops == "lte" || *ops == "gte") {
            out.op = *ops;
        } else {
            error(key_path(path, "operator"), "enum", "'" + *ops + "' is not eq, neq, lte or gte");
            return std::nullopt;
        }
    }
    auto v = integer(p["port"], Path(path, "port"), 0, 65535, "port-number");
    if (!v) return std::nullopt;
    out.port = std::uint16_t(*v);
    return out;
}

void Walker::mud_match(const json& m, const std::string& path, MudMatch& out) {
    if (!object(m, path)) return;
    members(m, path, {"manufacturer", "same-manufacturer", "model", "local-networks", "controller", "my-controller"});
    if (auto it = m.find("manufacturer"); it != m.end()) out.manufacturer = host(*it, Path(path, "manufacturer"));
    if (auto it = m.find("model"); it != m.end()) out.model = uri(*it, Path(path, "model"));
    if (auto it = m.find("same-manufacturer"); it != m.end())
        out.same_manufacturer = empty_leaf(*it, Path(path, "same-manufacturer"));
    if (auto it = m.find("local-networks"); it != m.end())
        out.local_networks = empty_leaf(*it, Path(path, "local-networks"));
    if (auto it = m.find("my-controller"); it != m.end())
        out.my_controller = empty_leaf(*it, Path(path, "my-controller"));
    if (auto it = m.find("controller"); it != m.end()) {
        out.controller = uri(*it, Path(path, "controller"));
        if (out.controller && syntax::starts_with_nocase(*out.controller, "urn:ietf:params:mud:") &&
            *out.controller != "urn:ietf:params:mud:dns" && *out.controller != "urn:ietf:params:mud:ntp")
            warn(key_path(path, "controller"), "controller",
                 "'" + *out.controller + "' is not a registered MUD controller URN (dns, ntp)");
    }
}

// Policies name ACLs by leafref; ACL direction comes from which policy names it, never from its name.
void Walker::references(const std::string& base) {
    std::set<std::string> used;
    auto check = [&](const std::vector<std::string>& names, const char* policy) {
        for (size_t i = 0; i < names.size(); ++i) {
            used.insert(names[i]);
            if (!mud.find_acl(names[i]))
                error("/ietf-mud:mud/" + std::string(policy) + "/access-lists/access-list/" + std::to_string(i) + "/name",
                      "acl-reference", "ACL '" + names[i] + "' is referenced but missing from " + base);
        }
    };
    check(mud.from_device_policy, "from-device-policy");
    check(mud.to_device_policy, "to-device-policy");
    for (size_t i = 0; i < mud.acls.size(); ++i)
        if (!mud.acls[i].name.empty() && !used.count(mud.acls[i].name))
            warn(base + "/acl/" + std::to_string(i), "acl-unused",
                 "ACL '" + mud.acls[i].name + "' is not used by either policy");
}

}  // namespace

const Acl* Mud::find_acl(const std::string& name) const {
    for (const auto& a : acls)
        if (a.name == name) return &a;
    return nullptr;
}

const char* acl_type_name(AclType t) {
    switch (t) {
    case AclType::ipv4: return "ipv4-acl-type";
    case AclType::ipv6: return "ipv6-acl-type";
    case AclType::eth: return "eth-acl-type";
    case AclType::mixed_eth_ipv4: return "mixed-eth-ipv4-acl-type";
    case AclType::mixed_eth_ipv6: return "mixed-eth-ipv6-acl-type";
    case AclType::mixed_eth_ipv4_ipv6: return "mixed-eth-ipv4-ipv6-acl-type";
    }
    return "?";
}
bool has_ipv4(AclType t) {
    return t == AclType::ipv4 || t == AclType::mixed_eth_ipv4 || t == AclType::mixed_eth_ipv4_ipv6;
}
bool has_ipv6(AclType t) {
    return t == AclType::ipv6 || t == AclType::mixed_eth_ipv6 || t == AclType::mixed_eth_ipv4_ipv6;
}

Validation validate_json(const nlohmann::json& doc, const ValidateOptions& options) {
    Walker w(options);
    w.run(doc);
    Validation v;
    v.checks = std::move(w.checks);
    if (std::none_of(v.checks.begin(), v.checks.end(), [](const Check& c) { return !c.ok; }))
        v.checks.insert(v.checks.begin(),
                        Check{"schema", true, "conforms to ietf-mud@2019-01-28 and ietf-access-control-list@2019-03-04"});
    v.mud = std::move(w.mud);
    return v;
}

Validation validate(ByteView text, const ValidateOptions& options) {
    if (text.empty()) throw Error(ErrorKind::malformed, "not a MUD file: the input is empty");
    return validate_json(codec::parse_json(text, "mud"), options);
}

Mud load(ByteView text, const ValidateOptions& options) {
    Validation v = validate(text, options);
    for (const auto& c : v.checks)
        if (!c.ok) throw Error(ErrorKind::malformed, "invalid MUD file: " + c.message, "run 'iot-mud validate' for every finding");
    return std::move(v.mud);
}

}  // namespace iotops::mud
