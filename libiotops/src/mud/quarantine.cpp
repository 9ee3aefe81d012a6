// Quarantine policy as a MUD model: one ACE pair per service, so that compilation, conntrack
// direction and DNS sets work exactly as for a manufacturer's MUD file.
#include "iotops/mud/quarantine.hpp"

#include "iotops/codec/json.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/time.hpp"
#include "mud/lower.hpp"
#include "mud/syntax.hpp"

namespace iotops::mud {
namespace {

struct Endpoint {
    std::string host;
    int port = 0;
    bool address = false;
    bool v6 = false;
};

Endpoint endpoint(const std::string& spec, int default_port, const char* what) {
    Endpoint e;
    std::string host = spec, port;
    if (!spec.empty() && spec[0] == '[') {
        auto close = spec.find(']');
        if (close == std::string::npos) throw Error(ErrorKind::usage, std::string(what) + " '" + spec + "': no closing ]");
        host = spec.substr(1, close - 1);
        if (close + 1 < spec.size()) {
            if (spec[close + 1] != ':') throw Error(ErrorKind::usage, std::string(what) + " '" + spec + "' is not [ADDR]:PORT");
            port = spec.substr(close + 2);
        }
    } else if (std::count(spec.begin(), spec.end(), ':') == 1) {
        host = spec.substr(0, spec.find(':'));
        port = spec.substr(spec.find(':') + 1);
    }
    e.host = host;
    e.v6 = syntax::is_ip(host, true);
    e.address = e.v6 || syntax::is_ip(host, false);
    if (!e.address && !syntax::is_host(host))
        throw Error(ErrorKind::usage, std::string(what) + " '" + spec + "' is not an address or DNS name");
    e.port = default_port;
    if (!port.empty()) {
        if (!syntax::is_uint(port) || std::stol(port) < 1 || std::stol(port) > 65535)
            throw Error(ErrorKind::usage, std::string(what) + " '" + spec + "': port must be 1..65535");
        e.port = int(std::stol(port));
    }
    return e;
}

void add(Mud& m, Acl& fr4, Acl& to4, Acl& fr6, Acl& to6, const Endpoint& e, const std::string& stem, int proto,
         bool initiated) {
    for (bool v6 : {false, true}) {
        if (e.address && e.v6 != v6) continue;
        Ace f;
        f.name = stem + "-frdev";
        if (e.address) f.dst_network = e.host + (v6 ? "/128" : "/32");
        else f.dst_dnsname = e.host;
        f.protocol = proto;
        f.l4 = proto == 6 ? "tcp" : "udp";
        f.dst_port = PortMatch{"eq", std::uint16_t(e.port), 0};
        if (initiated) f.direction_initiated = Direction::from_device;
        Ace t = f;
        t.name = stem + "-todev";
        std::swap(t.src_network, t.dst_network);
        std::swap(t.src_dnsname, t.dst_dnsname);
        std::swap(t.src_port, t.dst_port);
        (v6 ? fr6 : fr4).aces.push_back(f);
        (v6 ? to6 : to4).aces.push_back(t);
    }
    (void)m;
}

}  // namespace

QuarantineSpec quarantine_services(const QuarantineSpec& flags, const Site& site) {
    QuarantineSpec s = flags;
    auto pick = [](std::vector<std::string>& out, const std::vector<std::string>& from) {
        if (out.empty()) out = from;
    };
    pick(s.dns, site.quarantine.dns);
    pick(s.ntp, site.quarantine.ntp);
    pick(s.firmware, site.quarantine.firmware);
    pick(s.registrar, site.quarantine.registrar);
    auto controller = [&](const char* urn) {
        std::vector<std::string> out;
        if (auto it = site.controllers.find(urn); it != site.controllers.end())
            for (const auto& a : it->second)
                if (a.find('/') == std::string::npos) out.push_back(is_v6_literal(a) ? "[" + a + "]" : a);
        return out;
    };
    pick(s.dns, controller("urn:ietf:params:mud:dns"));
    pick(s.ntp, controller("urn:ietf:params:mud:ntp"));
    return s;
}

Mud quarantine_policy(const Device& device, const QuarantineSpec& s) {
    if (s.dns.empty() && s.ntp.empty() && s.firmware.empty() && s.registrar.empty())
        throw Error(ErrorKind::config, "quarantine: no DNS, NTP, firmware or registrar service is known",
                    "give --dns, --ntp, --firmware, --registrar or a quarantine section in the site file");
    Mud m;
    m.url = device.mud_url.value_or("https://quarantine.invalid/" + device.name);
    m.last_update = format_rfc3339(now());
    m.systeminfo = "quarantine for " + device.name;
    Acl fr4{"quarantine-v4fr", AclType::ipv4, {}}, to4{"quarantine-v4to", AclType::ipv4, {}};
    Acl fr6{"quarantine-v6fr", AclType::ipv6, {}}, to6{"quarantine-v6to", AclType::ipv6, {}};
    int i = 0;
    for (const auto& x : s.dns) {
        auto e = endpoint(x, 53, "--dns");
        add(m, fr4, to4, fr6, to6, e, "dns" + std::to_string(i), 17, false);
        add(m, fr4, to4, fr6, to6, e, "dnstcp" + std::to_string(i++), 6, true);
    }
    i = 0;
    for (const auto& x : s.ntp) add(m, fr4, to4, fr6, to6, endpoint(x, 123, "--ntp"), "ntp" + std::to_string(i++), 17, false);
    i = 0;
    for (const auto& x : s.firmware)
        add(m, fr4, to4, fr6, to6, endpoint(x, 443, "--firmware"), "fw" + std::to_string(i++), 6, true);
    i = 0;
    for (const auto& x : s.registrar)
        add(m, fr4, to4, fr6, to6, endpoint(x, 443, "--registrar"), "reg" + std::to_string(i++), 6, true);
    for (Acl* a : {&fr4, &fr6})
        if (!a->aces.empty()) m.from_device_policy.push_back(a->name), m.acls.push_back(*a);
    for (Acl* a : {&to4, &to6})
        if (!a->aces.empty()) m.to_device_policy.push_back(a->name), m.acls.push_back(*a);
    return m;
}

DecommissionRecord parse_decommission(ByteView line) {
    if (line.empty()) throw Error(ErrorKind::malformed, "decommission record: the input is empty");
    nlohmann::json j = codec::parse_json(line, "decommission record");
    if (!j.is_object()) throw Error(ErrorKind::malformed, "decommission record: not a JSON object");
    auto str = [&](const char* k, bool required) -> std::string {
        auto it = j.find(k);
        if (it == j.end()) {
            if (required) throw Error(ErrorKind::malformed, std::string("decommission record: \"") + k + "\" is missing");
            return "";
        }
        if (!it->is_string()) throw Error(ErrorKind::malformed, std::string("decommission record: \"") + k + "\" is not a string");
        return it->get<std::string>();
    };
    if (str("event", true) != "decommission")
        throw Error(ErrorKind::malformed, "decommission record: event is \"" + str("event", true) + "\", not \"decommission\"");
    DecommissionRecord r;
    r.serial_number = str("serial-number", true);
    if (r.serial_number.empty()) throw Error(ErrorKind::malformed, "decommission record: serial-number is empty");
    r.deny_list = str("deny-list", false);
    r.time = str("time", false);
    if (!r.time.empty()) parse_rfc3339(r.time);
    if (auto it = j.find("revoked"); it != j.end()) {
        if (!it->is_array()) throw Error(ErrorKind::malformed, "decommission record: \"revoked\" is not a list");
        for (const auto& x : *it) r.revoked.push_back(x.is_string() ? x.get<std::string>() : x.dump());
    }
    return r;
}

std::string nft_release(const std::string& table) {
    return "table inet " + table + "\ndelete table inet " + table + "\n";
}

}  // namespace iotops::mud
