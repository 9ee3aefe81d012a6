// Lowering: the device's policies, ACL by ACL and ACE by ACE in order, with the MUD abstractions
// replaced by what the site file says they are. An ACE whose peer has no address in a family
// cannot match there and is left out with a warning (an allow list only loses, never gains).
#include "mud/lower.hpp"

#include <algorithm>
#include <map>

#include "mud/syntax.hpp"

namespace iotops::mud {
namespace {

std::string authority(const std::string& url) {
    auto s = url.find("://");
    if (s == std::string::npos) return "";
    auto start = s + 3;
    auto end = url.find_first_of("/?#", start);
    std::string a = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (auto at = a.rfind('@'); at != std::string::npos) a = a.substr(at + 1);
    if (!a.empty() && a[0] != '[')
        if (auto colon = a.find(':'); colon != std::string::npos) a = a.substr(0, colon);
    return a;
}

class Lowering {
public:
    Lowering(const Mud& m, const Site& s, const Device& d) : mud_(m), site_(s), dev_(d) {}

    Lowered run() {
        for (const auto& a : dev_.addresses) (is_v6_literal(a) ? out_.dev_v6 : out_.dev_v4).push_back(a);
        policy(mud_.from_device_policy, true);
        policy(mud_.to_device_policy, false);
        return std::move(out_);
    }

private:
    void policy(const std::vector<std::string>& names, bool from) {
        for (const auto& n : names) {
            const Acl* acl = mud_.find_acl(n);
            if (!acl) continue;  // validation reports it
            if (acl->type == AclType::eth) {
                out_.warnings.push_back(acl->name + ": ethernet ACLs are not compiled");
                continue;
            }
            for (const auto& ace : acl->aces) {
                if (has_ipv4(acl->type)) rule(*acl, ace, from, false);
                if (has_ipv6(acl->type)) rule(*acl, ace, from, true);
            }
        }
    }

    std::string dns_set(const std::string& host, bool v6) {
        auto key = host + (v6 ? "/6" : "/4");
        auto it = sets_.find(key);
        if (it != sets_.end()) return it->second;
        std::string name = std::string(v6 ? "dns6_" : "dns4_") + std::to_string(v6 ? n6_++ : n4_++);
        sets_[key] = name;
        out_.sets.push_back({name, host, v6});
        return name;
    }

    // Addresses of the family; false (with a warning) when there are none.
    bool literal(const std::vector<std::string>* addrs, const std::string& what, bool v6, const std::string& where,
                 LoweredRule& r) {
        PeerMatch p;
        if (addrs)
            for (const auto& a : *addrs)
                if (is_v6_literal(a) == v6) p.addrs.push_back(a);
        if (p.addrs.empty()) {
            out_.warnings.push_back(where + ": " + what + " has no " + (v6 ? "IPv6" : "IPv4") +
                                    " address in the site file; the ACE is left out");
            return false;
        }
        r.peer.push_back(std::move(p));
        return true;
    }

    template <class Map>
    const std::vector<std::string>* find(const Map& m, const std::string& k) {
        auto it = m.find(k);
        return it == m.end() ? nullptr : &it->second;
    }

    void rule(const Acl& acl, const Ace& ace, bool from, bool v6) {
        LoweredRule r;
        r.from_device = from;
        r.v6 = v6;
        r.comment = acl.name + "/" + ace.name;
        std::string where = r.comment + (v6 ? " (IPv6)" : " (IPv4)");
        const auto& peer_dns = from ? ace.dst_dnsname : ace.src_dnsname;
        const auto& peer_net = from ? ace.dst_network : ace.src_network;
        const auto& own_dns = from ? ace.src_dnsname : ace.dst_dnsname;
        const auto& own_net = from ? ace.src_network : ace.dst_network;
        if (own_dns || own_net)
            out_.warnings.push_back(where + ": a DNS name or network on the device's side is ignored");
        if (peer_dns) r.peer.push_back(PeerMatch{dns_set(*peer_dns, v6), *peer_dns, {}});
        if (peer_net) {
            std::vector<std::string> one{*peer_net};
            if (!literal(&one, "network " + *peer_net, v6, where, r)) return;
        }
        const MudMatch& m = ace.mud;
        if (m.manufacturer && !literal(find(site_.manufacturers, *m.manufacturer), "manufacturer " + *m.manufacturer, v6, where, r))
            return;
        if (m.same_manufacturer) {
            std::string a = authority(mud_.url);
            if (!literal(find(site_.manufacturers, a), "same-manufacturer (" + a + ")", v6, where, r)) return;
        }
        if (m.model && !literal(find(site_.models, *m.model), "model " + *m.model, v6, where, r)) return;
        if (m.local_networks && !literal(&site_.local_networks, "local-networks", v6, where, r)) return;
        if (m.controller && !literal(find(site_.controllers, *m.controller), "controller " + *m.controller, v6, where, r))
            return;
        if (m.my_controller && !literal(&dev_.my_controller, "my-controller", v6, where, r)) return;
        r.protocol = ace.protocol;
        if (!r.protocol && ace.l4 == "tcp") r.protocol = 6;
        if (!r.protocol && ace.l4 == "udp") r.protocol = 17;
        if (!r.protocol && ace.l4 == "icmp") r.protocol = v6 ? 58 : 1;
        r.l4 = ace.l4;
        r.sport = ace.src_port;
        r.dport = ace.dst_port;
        if (ace.direction_initiated != Direction::none)
            r.ct = (from == (ace.direction_initiated == Direction::from_device)) ? Ct::original : Ct::reply;
        r.action = ace.action;
        out_.rules.push_back(std::move(r));
    }

    const Mud& mud_;
    const Site& site_;
    const Device& dev_;
    Lowered out_;
    std::map<std::string, std::string> sets_;
    int n4_ = 0, n6_ = 0;
};

}  // namespace

bool is_v6_literal(const std::string& addr) { return addr.find(':') != std::string::npos; }

Lowered lower(const Mud& mud, const Site& site, const Device& device) { return Lowering(mud, site, device).run(); }

std::vector<std::string> dns_names(const Mud& mud) {
    std::vector<std::string> out;
    auto add = [&](const std::optional<std::string>& n) {
        if (n && std::find(out.begin(), out.end(), *n) == out.end()) out.push_back(*n);
    };
    for (const auto& acl : mud.acls)
        for (const auto& ace : acl.aces) {
            add(ace.src_dnsname);
            add(ace.dst_dnsname);
        }
    return out;
}

std::string table_name(const Device& device) {
    std::string t = "mud_";
    for (char c : device.name) t += (c == '-') ? '_' : c;
    return t;
}

}  // namespace iotops::mud
