// Compiling MUD policy for one device on one site to firewall rules: an `nft -f` script (inet
// family, one table per device, named sets for DNS names, conntrack for direction-initiated,
// default drop) or `iptables-restore` / `ip6tables-restore` input.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "iotops/mud/model.hpp"
#include "iotops/mud/site.hpp"

namespace iotops::mud {

struct ResolvedAddress {
    std::string address;
    bool v6 = false;
    int ttl = 300;
};

// DNS answers by name. Names absent here stay as empty named sets to be filled by a refresh.
using Resolution = std::map<std::string, std::vector<ResolvedAddress>>;

// Every DNS name a MUD file (or quarantine service list) mentions, in order of first use.
std::vector<std::string> dns_names(const Mud& mud);

// Answers from the site's `hosts` first; with `live`, the rest through the system resolver
// (TTL from the DNS answer when there is one, else `default_ttl`). Unresolvable names are left out.
Resolution resolve(const std::vector<std::string>& names, const Site& site, bool live, int default_ttl = 300);

enum class Target { nft, iptables, ip6tables };

struct CompileOptions {
    Target target = Target::nft;
    std::string table;      // nft table name; default "mud_<device>"
    int priority = 0;       // nft base chain priority
};

struct Compiled {
    std::string script;
    std::vector<std::string> warnings;  // ACEs that cannot match on this site, and why
    std::vector<std::string> unresolved;  // DNS names left as empty sets
};

Compiled compile(const Mud& mud, const Site& site, const Device& device, const Resolution& dns,
                 const CompileOptions& options = {});

// `flush set` + `add element` statements that refill the DNS sets of a compiled nft table.
std::string nft_refresh(const Mud& mud, const Device& device, const Resolution& dns, const CompileOptions& options = {});

// The nft table name for a device: "mud_<name>" ('-' becomes '_').
std::string table_name(const Device& device);

}  // namespace iotops::mud
