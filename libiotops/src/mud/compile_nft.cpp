// The nftables target: one inet table per device. Base chains on forward, input and output send
// the device's packets to from_device / to_device, which hold the ACEs in order and end in drop.
#include <algorithm>
#include <sstream>

#include "iotops/core/error.hpp"
#include "mud/lower.hpp"
#include "mud/render.hpp"

namespace iotops::mud {
namespace {

std::string list(const std::vector<std::string>& xs) {
    std::string s = "{ ";
    for (size_t i = 0; i < xs.size(); ++i) s += (i ? ", " : "") + xs[i];
    return s + " }";
}

std::string port(const std::string& l4, const char* dir, const PortMatch& p) {
    std::string s = l4 + " " + dir + " ";
    if (p.op == "eq") return s + std::to_string(p.port);
    if (p.op == "neq") return s + "!= " + std::to_string(p.port);
    if (p.op == "lte") return s + "<= " + std::to_string(p.port);
    if (p.op == "gte") return s + ">= " + std::to_string(p.port);
    return s + std::to_string(p.port) + "-" + std::to_string(p.upper);
}

std::string elements(const std::vector<ResolvedAddress>& addrs) {
    std::string s = "{ ";
    for (size_t i = 0; i < addrs.size(); ++i)
        s += (i ? ", " : "") + addrs[i].address + " timeout " + std::to_string(addrs[i].ttl) + "s";
    return s + " }";
}

std::vector<ResolvedAddress> family(const Resolution& dns, const std::string& host, bool v6) {
    std::vector<ResolvedAddress> out;
    if (auto it = dns.find(host); it != dns.end())
        for (const auto& a : it->second)
            if (a.v6 == v6) out.push_back(a);
    return out;
}

std::string rule_text(const LoweredRule& r) {
    std::string ip = r.v6 ? "ip6" : "ip";
    const char* side = r.from_device ? "daddr" : "saddr";
    std::string s;
    if (r.peer.empty()) s += std::string("meta nfproto ") + (r.v6 ? "ipv6" : "ipv4") + " ";
    for (const auto& p : r.peer) {
        if (!p.dns_set.empty()) s += ip + " " + side + " @" + p.dns_set + " ";
        else s += ip + " " + side + " " + list(p.addrs) + " ";
    }
    if (r.protocol) s += "meta l4proto " + std::to_string(*r.protocol) + " ";
    if (r.l4 == "tcp" || r.l4 == "udp") {
        if (r.sport) s += port(r.l4, "sport", *r.sport) + " ";
        if (r.dport) s += port(r.l4, "dport", *r.dport) + " ";
    }
    if (r.ct == Ct::original) s += "ct direction original ";
    if (r.ct == Ct::reply) s += "ct direction reply ";
    s += r.action + " comment \"" + r.comment + "\"";
    return s;
}

const char* kNeighbour = "meta nfproto ipv6 icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, "
                         "nd-router-advert } accept comment \"neighbour discovery\"";

}  // namespace

std::string render_nft(const Lowered& l, const Mud& mud, const Device& dev, const Resolution& dns,
                       const CompileOptions& o, Compiled& out) {
    std::string table = o.table.empty() ? table_name(dev) : o.table;
    std::ostringstream s;
    s << "#!/usr/sbin/nft -f\n";
    s << "# MUD policy for device " << dev.name << ": " << mud.url << "\n";
    s << "# first match wins; anything not allowed is dropped\n";
    s << "table inet " << table << "\n";
    s << "delete table inet " << table << "\n";
    s << "table inet " << table << " {\n";
    for (const auto& set : l.sets) {
        auto addrs = family(dns, set.host, set.v6);
        s << "    # " << set.host << (addrs.empty() ? " (not resolved: refresh to fill)" : "") << "\n";
        s << "    set " << set.name << " {\n        type " << (set.v6 ? "ipv6_addr" : "ipv4_addr")
          << "\n        flags timeout\n";
        if (!addrs.empty()) s << "        elements = " << elements(addrs) << "\n";
        s << "    }\n";
        if (!dns.count(set.host) &&
            std::find(out.unresolved.begin(), out.unresolved.end(), set.host) == out.unresolved.end())
            out.unresolved.push_back(set.host);
    }
    auto hook = [&](const char* name, const char* hook_name, bool src_from, bool dst_to) {
        s << "    chain " << name << " {\n        type filter hook " << hook_name << " priority " << o.priority
          << "; policy accept;\n";
        if (src_from) {
            if (dev.mac && std::string(hook_name) != "output") s << "        ether saddr " << *dev.mac << " jump from_device\n";
            if (!l.dev_v4.empty()) s << "        ip saddr " << list(l.dev_v4) << " jump from_device\n";
            if (!l.dev_v6.empty()) s << "        ip6 saddr " << list(l.dev_v6) << " jump from_device\n";
        }
        if (dst_to) {
            if (!l.dev_v4.empty()) s << "        ip daddr " << list(l.dev_v4) << " jump to_device\n";
            if (!l.dev_v6.empty()) s << "        ip6 daddr " << list(l.dev_v6) << " jump to_device\n";
        }
        s << "    }\n";
    };
    hook("forward", "forward", true, true);
    hook("input", "input", true, false);
    hook("output", "output", false, true);
    for (bool from : {true, false}) {
        s << "    chain " << (from ? "from_device" : "to_device") << " {\n";
        s << "        " << kNeighbour << "\n";
        for (const auto& r : l.rules)
            if (r.from_device == from) s << "        " << rule_text(r) << "\n";
        s << "        drop comment \"default deny\"\n    }\n";
    }
    s << "}\n";
    return s.str();
}

std::string nft_refresh(const Mud& mud, const Device& device, const Resolution& dns, const CompileOptions& o) {
    Site empty;
    Lowered l = lower(mud, empty, device);
    std::string table = o.table.empty() ? table_name(device) : o.table;
    std::ostringstream s;
    for (const auto& set : l.sets) {
        s << "flush set inet " << table << " " << set.name << "\n";
        auto addrs = family(dns, set.host, set.v6);
        if (!addrs.empty()) s << "add element inet " << table << " " << set.name << " " << elements(addrs) << "\n";
    }
    return s.str();
}

}  // namespace iotops::mud
