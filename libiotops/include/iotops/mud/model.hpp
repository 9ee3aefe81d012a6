// The RFC 8520 MUD model (ietf-mud, ietf-access-control-list, ietf-packet-fields, ietf-acldns) as
// plain values: what validation reads out of a MUD file and what creation and compilation work on.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace iotops::mud {

enum class AclType { ipv4, ipv6, eth, mixed_eth_ipv4, mixed_eth_ipv6, mixed_eth_ipv4_ipv6 };

// ietf-packet-fields port-range-or-operator: either op with port, or lower..upper (op "range").
struct PortMatch {
    std::string op = "eq";  // eq, neq, lte, gte, range
    std::uint16_t port = 0;   // lower bound for range
    std::uint16_t upper = 0;  // range only
};

// The ietf-mud augment of ACE matches.
struct MudMatch {
    std::optional<std::string> manufacturer;
    bool same_manufacturer = false;
    std::optional<std::string> model;
    bool local_networks = false;
    std::optional<std::string> controller;
    bool my_controller = false;
    bool any() const {
        return manufacturer || same_manufacturer || model || local_networks || controller || my_controller;
    }
};

enum class Direction { none, to_device, from_device };

struct Ace {
    std::string name;
    std::optional<int> protocol;                    // ipv4 protocol / ipv6 next-header
    std::optional<std::string> src_dnsname, dst_dnsname;
    std::optional<std::string> src_network, dst_network;  // prefixes
    std::optional<int> ethertype;
    std::string l4;                                 // "", "tcp", "udp", "icmp"
    std::optional<PortMatch> src_port, dst_port;
    Direction direction_initiated = Direction::none;  // TCP only
    MudMatch mud;
    std::string action = "accept";                  // accept, drop, reject (unprefixed)
};

struct Acl {
    std::string name;
    AclType type = AclType::ipv4;
    std::vector<Ace> aces;
};

struct Mud {
    int version = 1;
    std::string url;
    std::string last_update;
    std::optional<std::string> signature;
    int cache_validity = 48;  // hours
    bool is_supported = true;
    std::optional<std::string> systeminfo, mfg_name, model_name, firmware_rev, software_rev, documentation;
    std::vector<std::string> extensions;
    std::vector<std::string> from_device_policy, to_device_policy;  // ACL names
    std::vector<Acl> acls;

    const Acl* find_acl(const std::string& name) const;
};

const char* acl_type_name(AclType t);  // "ipv4-acl-type", ...
bool has_ipv4(AclType t);
bool has_ipv6(AclType t);

}  // namespace iotops::mud
