// MUD ACEs lowered to firewall-neutral rules for one device on one site: every abstraction
// replaced by addresses or a DNS set, direction-initiated by a conntrack direction.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "iotops/mud/compile.hpp"

namespace iotops::mud {

// One constraint on the peer address; all constraints of a rule must hold.
struct PeerMatch {
    std::string dns_set;             // set name when the peer is a DNS name
    std::string host;                // that name
    std::vector<std::string> addrs;  // literal addresses/prefixes otherwise
};

enum class Ct { any, original, reply };

struct LoweredRule {
    bool from_device = true;
    bool v6 = false;
    std::vector<PeerMatch> peer;
    std::optional<int> protocol;
    std::string l4;  // tcp, udp, icmp or ""
    std::optional<PortMatch> sport, dport;
    Ct ct = Ct::any;
    std::string action;   // accept, drop, reject
    std::string comment;  // "acl/ace"
};

struct DnsSet {
    std::string name;  // dns4_0, dns6_0, ...
    std::string host;
    bool v6 = false;
};

struct Lowered {
    std::vector<std::string> dev_v4, dev_v6;
    std::vector<DnsSet> sets;
    std::vector<LoweredRule> rules;
    std::vector<std::string> warnings;
};

Lowered lower(const Mud& mud, const Site& site, const Device& device);

bool is_v6_literal(const std::string& addr);

}  // namespace iotops::mud
