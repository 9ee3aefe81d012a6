// A MUD model from the concise YAML description `iot-mud create` reads: each allowed peer becomes
// one ACE in the from-device ACL and its mirror in the to-device ACL, per IP version.
#include <yaml-cpp/yaml.h>

#include <map>
#include <set>

#include "iotops/core/error.hpp"
#include "iotops/mud/create.hpp"
#include "mud/syntax.hpp"
#include "mud/yaml_input.hpp"

namespace iotops::mud {
namespace {

[[noreturn]] void fail(const YAML::Node& n, const std::string& what) {
    yaml_input::fail(ErrorKind::malformed, "description", n, what);
}

std::string text(const YAML::Node& n, const std::string& key) {
    return yaml_input::scalar(ErrorKind::malformed, "description", n, key);
}

long number(const YAML::Node& n, const std::string& key, long lo, long hi) {
    std::string s = text(n, key);
    if (!syntax::is_uint(s)) fail(n, key + " '" + s + "' is not a number");
    long v = std::stol(s);
    if (v < lo || v > hi) fail(n, key + " " + s + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
    return v;
}

bool flag(const YAML::Node& n, const std::string& key) {
    std::string s = text(n, key);
    if (s == "true" || s == "yes") return true;
    if (s == "false" || s == "no") return false;
    fail(n, key + " must be true or false");
}

void known_keys(const YAML::Node& map, std::initializer_list<const char*> keys, const std::string& where) {
    yaml_input::known_keys(ErrorKind::malformed, "description", map, keys, where);
}

PortMatch port_of(const YAML::Node& n) {
    std::string s = text(n, "port");
    PortMatch p;
    if (auto dash = s.find('-'); dash != std::string::npos) {
        std::string lo = s.substr(0, dash), hi = s.substr(dash + 1);
        if (!syntax::is_uint(lo) || !syntax::is_uint(hi) || std::stol(lo) > 65535 || std::stol(hi) > 65535 ||
            std::stol(lo) > std::stol(hi))
            fail(n, "port range '" + s + "' is not LOW-HIGH with LOW <= HIGH <= 65535");
        p.op = "range";
        p.port = std::uint16_t(std::stol(lo));
        p.upper = std::uint16_t(std::stol(hi));
        return p;
    }
    p.port = std::uint16_t(number(n, "port", 0, 65535));
    return p;
}

// One `allow` entry as a from-device ACE (the to-device ACE mirrors it).
struct Rule {
    std::string kind;  // ACE name stem
    Ace from;
};

Rule rule_of(const YAML::Node& r) {
    if (!r.IsMap()) fail(r, "each allow entry must be a mapping");
    known_keys(r, {"dns", "controller", "my-controller", "local-networks", "same-manufacturer", "manufacturer",
                   "model", "protocol", "port", "service", "direction-initiated", "action"},
               "an allow entry");
    Rule out;
    Ace& a = out.from;
    int peers = 0;
    if (r["dns"]) {
        std::string h = text(r["dns"], "dns");
        if (!syntax::is_host(h)) fail(r["dns"], "'" + h + "' is not a DNS name");
        a.dst_dnsname = h;
        out.kind = "cl";
        ++peers;
    }
    if (r["controller"]) {
        std::string c = text(r["controller"], "controller");
        if (!syntax::is_uri(c)) fail(r["controller"], "controller '" + c + "' is not a URI");
        a.mud.controller = c;
        out.kind = "ent";
        ++peers;
    }
    if (r["my-controller"] && flag(r["my-controller"], "my-controller")) {
        a.mud.my_controller = true;
        out.kind = "myctl";
        ++peers;
    }
    if (r["local-networks"] && flag(r["local-networks"], "local-networks")) {
        a.mud.local_networks = true;
        out.kind = "loc";
        ++peers;
    }
    if (r["same-manufacturer"] && flag(r["same-manufacturer"], "same-manufacturer")) {
        a.mud.same_manufacturer = true;
        out.kind = "myman";
        ++peers;
    }
    if (r["manufacturer"]) {
        std::string h = text(r["manufacturer"], "manufacturer");
        if (!syntax::is_host(h)) fail(r["manufacturer"], "manufacturer '" + h + "' is not a host name");
        a.mud.manufacturer = h;
        out.kind = "man";
        ++peers;
    }
    if (r["model"]) {
        std::string u = text(r["model"], "model");
        if (!syntax::is_uri(u)) fail(r["model"], "model '" + u + "' is not a URI");
        a.mud.model = u;
        out.kind = "mod";
        ++peers;
    }
    if (peers != 1)
        fail(r, "an allow entry names exactly one peer: dns, controller, my-controller, local-networks, "
                "same-manufacturer, manufacturer or model");
    std::string proto = r["protocol"] ? text(r["protocol"], "protocol") : "any";
    if (proto == "tcp") a.protocol = 6, a.l4 = "tcp";
    else if (proto == "udp") a.protocol = 17, a.l4 = "udp";
    else if (proto != "any") fail(r["protocol"], "protocol must be tcp, udp or any");
    if (r["direction-initiated"]) {
        std::string d = text(r["direction-initiated"], "direction-initiated");
        if (proto != "tcp") fail(r["direction-initiated"], "direction-initiated applies to tcp only");
        if (d == "from-device") a.direction_initiated = Direction::from_device;
        else if (d == "to-device") a.direction_initiated = Direction::to_device;
        else fail(r["direction-initiated"], "direction-initiated must be from-device or to-device");
    }
    if (r["port"]) {
        if (a.l4.empty()) fail(r["port"], "a port needs protocol tcp or udp");
        std::string service = r["service"] ? text(r["service"], "service")
                              : a.direction_initiated == Direction::to_device ? "device" : "peer";
        if (service == "peer") a.dst_port = port_of(r["port"]);
        else if (service == "device") a.src_port = port_of(r["port"]);
        else fail(r["service"], "service must be peer or device");
    } else if (r["service"]) {
        fail(r["service"], "service needs a port");
    }
    if (r["action"]) {
        std::string act = text(r["action"], "action");
        if (act != "accept" && act != "drop" && act != "reject") fail(r["action"], "action must be accept, drop or reject");
        a.action = act;
    }
    return out;
}

Ace mirror(const Ace& from) {
    Ace to = from;
    std::swap(to.src_dnsname, to.dst_dnsname);
    std::swap(to.src_network, to.dst_network);
    std::swap(to.src_port, to.dst_port);
    return to;
}

}  // namespace

std::string acl_prefix(const std::string& mud_url) {
    std::uint32_t h = 2166136261u;  // FNV-1a: stable across runs and platforms
    for (unsigned char c : mud_url) h = (h ^ c) * 16777619u;
    return "mud-" + std::to_string(h % 100000);
}

Mud from_description(std::string_view yaml, Time now) {
    YAML::Node doc;
    try {
        doc = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& e) {
        throw Error(ErrorKind::malformed, "description: line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    if (!doc.IsMap()) throw Error(ErrorKind::malformed, "description: the top level must be a mapping");
    known_keys(doc, {"mud-url", "last-update", "mud-signature", "cache-validity", "is-supported", "systeminfo",
                     "mfg-name", "model-name", "firmware-rev", "software-rev", "documentation", "extensions",
                     "ip-versions", "allow"},
               "the description");
    Mud m;
    if (!doc["mud-url"]) fail(doc, "mud-url is required");
    m.url = text(doc["mud-url"], "mud-url");
    if (!syntax::starts_with_nocase(m.url, "https://") || !syntax::is_uri(m.url))
        fail(doc["mud-url"], "mud-url '" + m.url + "' must be an https URL");
    m.last_update = doc["last-update"] ? text(doc["last-update"], "last-update") : format_rfc3339(now);
    if (syntax::date_time_form(m.last_update) != syntax::DateTime::ok)
        fail(doc["last-update"], "last-update must be RFC 3339 with a time zone");
    if (doc["mud-signature"]) m.signature = text(doc["mud-signature"], "mud-signature");
    if (doc["cache-validity"]) m.cache_validity = int(number(doc["cache-validity"], "cache-validity", 1, 168));
    if (doc["is-supported"]) m.is_supported = flag(doc["is-supported"], "is-supported");
    auto opt = [&](const char* k, std::optional<std::string>& out) {
        if (doc[k]) out = text(doc[k], k);
    };
    opt("systeminfo", m.systeminfo);
    opt("mfg-name", m.mfg_name);
    opt("model-name", m.model_name);
    opt("firmware-rev", m.firmware_rev);
    opt("software-rev", m.software_rev);
    opt("documentation", m.documentation);
    if (m.documentation && !syntax::is_uri(*m.documentation)) fail(doc["documentation"], "documentation must be a URI");
    if (doc["extensions"]) {
        if (!doc["extensions"].IsSequence()) fail(doc["extensions"], "extensions must be a list");
        for (const auto& e : doc["extensions"]) m.extensions.push_back(text(e, "extension"));
    }
    std::vector<AclType> families{AclType::ipv4, AclType::ipv6};
    if (doc["ip-versions"]) {
        families.clear();
        const auto& iv = doc["ip-versions"];
        if (!iv.IsSequence() || iv.size() == 0) fail(iv, "ip-versions must be a list of ipv4 and/or ipv6");
        for (const auto& f : iv) {
            std::string s = text(f, "ip-version");
            if (s == "ipv4") families.push_back(AclType::ipv4);
            else if (s == "ipv6") families.push_back(AclType::ipv6);
            else fail(f, "ip version '" + s + "' is not ipv4 or ipv6");
        }
    }
    std::vector<Rule> rules;
    if (doc["allow"]) {
        if (!doc["allow"].IsSequence()) fail(doc["allow"], "allow must be a list");
        for (const auto& r : doc["allow"]) rules.push_back(rule_of(r));
    }
    std::map<std::string, int> count;
    for (auto& r : rules) r.kind += std::to_string(count[r.kind]++);
    std::string prefix = acl_prefix(m.url);
    for (AclType t : families) {
        std::string v = t == AclType::ipv4 ? "v4" : "v6";
        Acl fr{prefix + "-" + v + "fr", t, {}}, to{prefix + "-" + v + "to", t, {}};
        for (const auto& r : rules) {
            Ace f = r.from;
            f.name = r.kind + "-frdev";
            Ace back = mirror(r.from);
            back.name = r.kind + "-todev";
            fr.aces.push_back(std::move(f));
            to.aces.push_back(std::move(back));
        }
        if (rules.empty()) continue;
        m.from_device_policy.push_back(fr.name);
        m.to_device_policy.push_back(to.name);
        m.acls.push_back(std::move(to));
        m.acls.push_back(std::move(fr));
    }
    return m;
}

}  // namespace iotops::mud
