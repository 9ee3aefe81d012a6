// The iptables target: iptables-restore (or ip6tables-restore) input with two chains per device.
// iptables has no DNS sets here: names need resolved addresses, otherwise their ACEs are left out.
#include <algorithm>
#include <sstream>

#include "mud/render.hpp"

namespace iotops::mud {
namespace {

std::string port(const char* flag, const PortMatch& p) {
    std::string f = std::string("--") + flag + " ";
    if (p.op == "eq") return f + std::to_string(p.port);
    if (p.op == "neq") return "! " + f + std::to_string(p.port);
    if (p.op == "lte") return f + "0:" + std::to_string(p.port);
    if (p.op == "gte") return f + std::to_string(p.port) + ":65535";
    return f + std::to_string(p.port) + ":" + std::to_string(p.upper);
}

std::string join(const std::vector<std::string>& xs) {
    std::string s;
    for (size_t i = 0; i < xs.size(); ++i) s += (i ? "," : "") + xs[i];
    return s;
}

std::string chain_base(const Device& d) {
    std::string n = d.name.substr(0, 20);
    return "MUD-" + n;
}

}  // namespace

std::string render_iptables(const Lowered& l, const Mud& mud, const Device& dev, const Resolution& dns, bool v6,
                            Compiled& out) {
    std::string fr = chain_base(dev) + "-FR", to = chain_base(dev) + "-TO";
    const auto& devs = v6 ? l.dev_v6 : l.dev_v4;
    std::ostringstream s;
    s << "# MUD policy for device " << dev.name << ": " << mud.url << "\n";
    s << "# load with " << (v6 ? "ip6tables-restore" : "iptables-restore") << " --noflush\n";
    s << "*filter\n:" << fr << " - [0:0]\n:" << to << " - [0:0]\n";
    for (const auto& a : devs) {
        s << "-A FORWARD -s " << a << " -j " << fr << "\n";
        s << "-A FORWARD -d " << a << " -j " << to << "\n";
        s << "-A INPUT -s " << a << " -j " << fr << "\n";
        s << "-A OUTPUT -d " << a << " -j " << to << "\n";
    }
    if (v6)
        for (const auto& c : {fr, to})
            for (const char* t : {"neighbour-solicitation", "neighbour-advertisement", "router-solicitation",
                                  "router-advertisement"})
                s << "-A " << c << " -p ipv6-icmp --icmpv6-type " << t << " -j ACCEPT\n";
    for (const auto& r : l.rules) {
        if (r.v6 != v6) continue;
        std::string line = "-A " + (r.from_device ? fr : to);
        const char* side = r.from_device ? " -d " : " -s ";
        bool skip = false;
        if (r.peer.size() > 1)
            out.warnings.push_back(r.comment + ": several peer constraints; iptables uses the first only");
        if (!r.peer.empty()) {
            const auto& p = r.peer[0];
            std::vector<std::string> addrs = p.addrs;
            if (!p.dns_set.empty()) {
                if (auto it = dns.find(p.host); it != dns.end())
                    for (const auto& a : it->second)
                        if (a.v6 == v6) addrs.push_back(a.address);
                if (addrs.empty()) {
                    out.warnings.push_back(r.comment + ": " + p.host + " is not resolved; the ACE is left out");
                    if (std::find(out.unresolved.begin(), out.unresolved.end(), p.host) == out.unresolved.end())
                        out.unresolved.push_back(p.host);
                    skip = true;
                }
            }
            line += side + join(addrs);
        }
        if (skip) continue;
        if (r.l4 == "tcp" || r.l4 == "udp") {
            line += " -p " + r.l4;
            if (r.sport) line += " " + port("sport", *r.sport);
            if (r.dport) line += " " + port("dport", *r.dport);
        } else if (r.protocol) {
            line += " -p " + std::to_string(*r.protocol);
        }
        if (r.ct != Ct::any) line += std::string(" -m conntrack --ctdir ") + (r.ct == Ct::original ? "ORIGINAL" : "REPLY");
        line += " -m comment --comment \"" + r.comment + "\"";
        line += r.action == "accept" ? " -j ACCEPT" : r.action == "reject" ? " -j REJECT" : " -j DROP";
        s << line << "\n";
    }
    s << "-A " << fr << " -j DROP\n-A " << to << " -j DROP\nCOMMIT\n";
    return s.str();
}

Compiled compile(const Mud& mud, const Site& site, const Device& device, const Resolution& dns,
                 const CompileOptions& options) {
    Lowered l = lower(mud, site, device);
    Compiled out;
    out.warnings = l.warnings;
    if (options.target == Target::nft) out.script = render_nft(l, mud, device, dns, options, out);
    else out.script = render_iptables(l, mud, device, dns, options.target == Target::ip6tables, out);
    return out;
}

}  // namespace iotops::mud
