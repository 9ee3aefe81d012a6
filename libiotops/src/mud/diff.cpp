// MUD diff: each ACE becomes a canonical one-line description of the traffic it matches; the
// multisets of those lines are compared per file.
#include "iotops/mud/diff.hpp"

#include <map>

namespace iotops::mud {
namespace {

std::string port_text(const char* dir, const PortMatch& p) {
    std::string s = std::string(" ") + dir + " ";
    if (p.op == "range") return s + std::to_string(p.port) + "-" + std::to_string(p.upper);
    return s + p.op + " " + std::to_string(p.port);
}

std::string describe(const Ace& a, bool from, bool v6) {
    std::string s = std::string(from ? "from-device " : "to-device ") + (v6 ? "ipv6 " : "ipv4 ") + a.action;
    if (a.protocol) s += " proto " + std::to_string(*a.protocol);
    if (!a.l4.empty()) s += " " + a.l4;
    std::string peer;
    auto add = [&](const std::string& p) { peer += (peer.empty() ? "" : " and ") + p; };
    const auto& dns = from ? a.dst_dnsname : a.src_dnsname;
    const auto& net = from ? a.dst_network : a.src_network;
    if (dns) add("dns:" + *dns);
    if (net) add("network:" + *net);
    if (a.mud.manufacturer) add("manufacturer:" + *a.mud.manufacturer);
    if (a.mud.same_manufacturer) add("same-manufacturer");
    if (a.mud.model) add("model:" + *a.mud.model);
    if (a.mud.local_networks) add("local-networks");
    if (a.mud.controller) add("controller:" + *a.mud.controller);
    if (a.mud.my_controller) add("my-controller");
    s += std::string(from ? " to " : " from ") + (peer.empty() ? "any" : peer);
    if (a.src_port) s += port_text("sport", *a.src_port);
    if (a.dst_port) s += port_text("dport", *a.dst_port);
    if (a.ethertype) s += " ethertype " + std::to_string(*a.ethertype);
    if (a.direction_initiated != Direction::none)
        s += std::string(" initiated ") + (a.direction_initiated == Direction::from_device ? "from-device" : "to-device");
    return s;
}

std::multimap<std::string, std::string> entries(const Mud& m) {
    std::multimap<std::string, std::string> out;
    auto policy = [&](const std::vector<std::string>& names, bool from) {
        for (const auto& n : names)
            if (const Acl* acl = m.find_acl(n))
                for (const auto& ace : acl->aces) {
                    if (has_ipv4(acl->type)) out.emplace(describe(ace, from, false), acl->name + "/" + ace.name);
                    if (has_ipv6(acl->type)) out.emplace(describe(ace, from, true), acl->name + "/" + ace.name);
                }
    };
    policy(m.from_device_policy, true);
    policy(m.to_device_policy, false);
    return out;
}

bool is_accept(const std::string& access) { return access.find(" accept") != std::string::npos; }

}  // namespace

bool MudDiff::widens() const {
    for (const auto& c : access)
        if (c.widens) return true;
    return false;
}

MudDiff diff(const Mud& before, const Mud& after) {
    MudDiff d;
    auto b = entries(before), a = entries(after);
    // multiset difference, both ways
    auto minus = [](std::multimap<std::string, std::string> x, const std::multimap<std::string, std::string>& y) {
        for (const auto& [k, v] : y)
            if (auto it = x.find(k); it != x.end()) x.erase(it);
        return x;
    };
    for (const auto& [k, v] : minus(a, b)) d.access.push_back({true, is_accept(k), k, v});
    for (const auto& [k, v] : minus(b, a)) d.access.push_back({false, !is_accept(k), k, v});
    auto field = [&](const char* name, const std::string& x, const std::string& y) {
        if (x != y) d.fields.push_back({name, x, y});
    };
    auto opt = [](const std::optional<std::string>& s) { return s.value_or(""); };
    field("mud-url", before.url, after.url);
    field("last-update", before.last_update, after.last_update);
    field("mud-signature", opt(before.signature), opt(after.signature));
    field("cache-validity", std::to_string(before.cache_validity), std::to_string(after.cache_validity));
    field("is-supported", before.is_supported ? "true" : "false", after.is_supported ? "true" : "false");
    field("systeminfo", opt(before.systeminfo), opt(after.systeminfo));
    field("mfg-name", opt(before.mfg_name), opt(after.mfg_name));
    field("model-name", opt(before.model_name), opt(after.model_name));
    field("firmware-rev", opt(before.firmware_rev), opt(after.firmware_rev));
    field("software-rev", opt(before.software_rev), opt(after.software_rev));
    field("documentation", opt(before.documentation), opt(after.documentation));
    return d;
}

nlohmann::json MudDiff::to_json() const {
    nlohmann::json j;
    j["result"] = widens() ? "widened" : !access.empty() ? "narrowed" : !fields.empty() ? "changed" : "unchanged";
    j["widens"] = widens();
    j["access"] = nlohmann::json::array();
    for (const auto& c : access)
        j["access"].push_back({{"change", c.added ? "added" : "removed"}, {"widens", c.widens}, {"access", c.access},
                               {"ace", c.where}});
    j["fields"] = nlohmann::json::array();
    for (const auto& f : fields) j["fields"].push_back({{"field", f.field}, {"before", f.before}, {"after", f.after}});
    return j;
}

std::string MudDiff::to_text() const {
    std::string s;
    for (const auto& c : access)
        s += std::string(c.added ? "+ " : "- ") + (c.widens ? "WIDENS " : "narrows ") + c.access + "  [" + c.where + "]\n";
    for (const auto& f : fields) s += "~ " + f.field + ": " + f.before + " -> " + f.after + "\n";
    if (s.empty()) s = "no change\n";
    else s += widens() ? "access widened\n" : access.empty() ? "access unchanged\n" : "access only narrowed\n";
    return s;
}

}  // namespace iotops::mud
