// The MUD model as RFC 7951 JSON: member order as in RFC 8520 section 9, module prefixes where the
// namespace changes, [null] for empty leaves.
#include <nlohmann/json.hpp>

#include "iotops/mud/create.hpp"

namespace iotops::mud {
namespace {

using ojson = nlohmann::ordered_json;

ojson port_json(const PortMatch& p) {
    if (p.op == "range") return ojson{{"lower-port", p.port}, {"upper-port", p.upper}};
    return ojson{{"operator", p.op}, {"port", p.port}};
}

ojson ace_json(const Ace& a, const Acl& acl) {
    ojson matches = ojson::object();
    if (a.mud.any()) {
        ojson m = ojson::object();
        const ojson empty = ojson::array({nullptr});
        if (a.mud.manufacturer) m["manufacturer"] = *a.mud.manufacturer;
        if (a.mud.same_manufacturer) m["same-manufacturer"] = empty;
        if (a.mud.model) m["model"] = *a.mud.model;
        if (a.mud.local_networks) m["local-networks"] = empty;
        if (a.mud.controller) m["controller"] = *a.mud.controller;
        if (a.mud.my_controller) m["my-controller"] = empty;
        matches["ietf-mud:mud"] = m;
    }
    if (a.ethertype) matches["eth"] = ojson{{"ethertype", *a.ethertype}};
    bool v6 = acl.type == AclType::ipv6 || acl.type == AclType::mixed_eth_ipv6;
    ojson ip = ojson::object();
    if (a.src_dnsname) ip["ietf-acldns:src-dnsname"] = *a.src_dnsname;
    if (a.dst_dnsname) ip["ietf-acldns:dst-dnsname"] = *a.dst_dnsname;
    if (a.src_network) ip[v6 ? "source-ipv6-network" : "source-ipv4-network"] = *a.src_network;
    if (a.dst_network) ip[v6 ? "destination-ipv6-network" : "destination-ipv4-network"] = *a.dst_network;
    if (a.protocol) ip["protocol"] = *a.protocol;
    if (!ip.empty() && acl.type != AclType::eth) matches[v6 ? "ipv6" : "ipv4"] = ip;
    if (!a.l4.empty()) {
        ojson l4 = ojson::object();
        if (a.direction_initiated != Direction::none)
            l4["ietf-mud:direction-initiated"] =
                a.direction_initiated == Direction::to_device ? "to-device" : "from-device";
        if (a.src_port) l4["source-port"] = port_json(*a.src_port);
        if (a.dst_port) l4["destination-port"] = port_json(*a.dst_port);
        matches[a.l4] = l4;
    }
    ojson out{{"name", a.name}};
    if (!matches.empty()) out["matches"] = matches;
    out["actions"] = ojson{{"forwarding", a.action}};
    return out;
}

ojson policy_json(const std::vector<std::string>& names) {
    ojson list = ojson::array();
    for (const auto& n : names) list.push_back(ojson{{"name", n}});
    return ojson{{"access-lists", ojson{{"access-list", list}}}};
}

}  // namespace

std::string serialize(const Mud& mud) {
    ojson m;
    m["mud-version"] = mud.version;
    m["mud-url"] = mud.url;
    m["last-update"] = mud.last_update;
    if (mud.signature) m["mud-signature"] = *mud.signature;
    m["cache-validity"] = mud.cache_validity;
    m["is-supported"] = mud.is_supported;
    if (mud.systeminfo) m["systeminfo"] = *mud.systeminfo;
    if (mud.mfg_name) m["mfg-name"] = *mud.mfg_name;
    if (mud.model_name) m["model-name"] = *mud.model_name;
    if (mud.firmware_rev) m["firmware-rev"] = *mud.firmware_rev;
    if (mud.software_rev) m["software-rev"] = *mud.software_rev;
    if (mud.documentation) m["documentation"] = *mud.documentation;
    if (!mud.extensions.empty()) m["extensions"] = mud.extensions;
    if (!mud.from_device_policy.empty()) m["from-device-policy"] = policy_json(mud.from_device_policy);
    if (!mud.to_device_policy.empty()) m["to-device-policy"] = policy_json(mud.to_device_policy);
    ojson acls = ojson::array();
    for (const auto& acl : mud.acls) {
        ojson aces = ojson::array();
        for (const auto& a : acl.aces) aces.push_back(ace_json(a, acl));
        acls.push_back(ojson{{"name", acl.name}, {"type", acl_type_name(acl.type)}, {"aces", ojson{{"ace", aces}}}});
    }
    ojson doc{{"ietf-mud:mud", m}, {"ietf-access-control-list:acls", ojson{{"acl", acls}}}};
    return doc.dump(2) + "\n";
}

}  // namespace iotops::mud
