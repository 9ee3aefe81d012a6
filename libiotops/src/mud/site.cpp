// The site file: YAML with addresses checked as they are read, so compilation never meets a bad one.
#include "iotops/mud/site.hpp"

#include <yaml-cpp/yaml.h>

#include "iotops/core/error.hpp"
#include "mud/syntax.hpp"
#include "mud/yaml_input.hpp"

namespace iotops::mud {
namespace {

[[noreturn]] void fail(const YAML::Node& n, const std::string& what) {
    yaml_input::fail(ErrorKind::config, "site", n, what);
}

std::string scalar(const YAML::Node& n, const std::string& what) {
    return yaml_input::scalar(ErrorKind::config, "site", n, what);
}

bool is_address_or_prefix(const std::string& s) {
    return syntax::is_ip(s, false) || syntax::is_ip(s, true) || syntax::is_prefix(s, false) ||
           syntax::is_prefix(s, true);
}

std::vector<std::string> addresses(const YAML::Node& n, const std::string& what) {
    std::vector<std::string> out;
    auto one = [&](const YAML::Node& x) {
        std::string s = scalar(x, what);
        if (!is_address_or_prefix(s)) fail(x, what + ": '" + s + "' is not an IP address or prefix");
        out.push_back(s);
    };
    if (n.IsSequence()) {
        for (const auto& x : n) one(x);
    } else {
        one(n);
    }
    return out;
}

std::vector<std::string> services(const YAML::Node& n, const std::string& what) {
    std::vector<std::string> out;
    if (n.IsSequence()) {
        for (const auto& x : n) out.push_back(scalar(x, what));
    } else {
        out.push_back(scalar(n, what));
    }
    return out;
}

std::map<std::string, std::vector<std::string>> address_map(const YAML::Node& n, const std::string& what) {
    if (!n.IsMap()) fail(n, what + " must be a mapping");
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& kv : n) {
        std::string k = kv.first.as<std::string>();
        out[k] = addresses(kv.second, what + " " + k);
    }
    return out;
}

void known_keys(const YAML::Node& map, std::initializer_list<const char*> keys, const std::string& where) {
    yaml_input::known_keys(ErrorKind::config, "site", map, keys, where);
}

Device device_of(const YAML::Node& n) {
    if (!n.IsMap()) fail(n, "a device must be a mapping");
    known_keys(n, {"name", "mac", "addresses", "serial-number", "mud-url", "my-controller"}, "a device");
    Device d;
    if (!n["name"]) fail(n, "a device needs a name");
    d.name = scalar(n["name"], "name");
    if (d.name.empty() || d.name.size() > 40) fail(n["name"], "a device name has 1..40 characters");
    for (char c : d.name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_')
            fail(n["name"], "device name '" + d.name + "' may hold only letters, digits, '-' and '_'");
    if (n["mac"]) {
        d.mac = scalar(n["mac"], "mac");
        if (!syntax::is_mac(*d.mac)) fail(n["mac"], "'" + *d.mac + "' is not a MAC address");
    }
    if (n["addresses"]) {
        d.addresses = addresses(n["addresses"], "addresses");
        for (const auto& a : d.addresses)
            if (a.find('/') != std::string::npos) fail(n["addresses"], "device address '" + a + "' must be one address");
    }
    if (d.addresses.empty()) fail(n, "device '" + d.name + "' needs addresses");
    if (n["serial-number"]) d.serial_number = scalar(n["serial-number"], "serial-number");
    if (n["mud-url"]) d.mud_url = scalar(n["mud-url"], "mud-url");
    if (n["my-controller"]) d.my_controller = addresses(n["my-controller"], "my-controller");
    return d;
}

}  // namespace

const Device& Site::device(const std::string& name) const {
    if (name.empty()) {
        if (devices.size() == 1) return devices[0];
        throw Error(ErrorKind::usage, "site has " + std::to_string(devices.size()) + " devices", "choose one with --device NAME");
    }
    for (const auto& d : devices)
        if (d.name == name) return d;
    throw Error(ErrorKind::config, "site: no device named '" + name + "'");
}

const Device* Site::by_serial(const std::string& serial) const {
    for (const auto& d : devices)
        if (d.serial_number && *d.serial_number == serial) return &d;
    return nullptr;
}

Site load_site(std::string_view yaml) {
    YAML::Node doc;
    try {
        doc = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& e) {
        throw Error(ErrorKind::config, "site: line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    if (!doc.IsMap()) throw Error(ErrorKind::config, "site: the top level must be a mapping");
    known_keys(doc, {"devices", "device", "controllers", "local-networks", "manufacturers", "models", "hosts",
                     "quarantine"},
               "the site file");
    Site s;
    if (doc["device"]) s.devices.push_back(device_of(doc["device"]));
    if (doc["devices"]) {
        if (!doc["devices"].IsSequence()) fail(doc["devices"], "devices must be a list");
        for (const auto& d : doc["devices"]) s.devices.push_back(device_of(d));
    }
    if (doc["controllers"]) s.controllers = address_map(doc["controllers"], "controller");
    if (doc["local-networks"]) s.local_networks = addresses(doc["local-networks"], "local-networks");
    if (doc["manufacturers"]) s.manufacturers = address_map(doc["manufacturers"], "manufacturer");
    if (doc["models"]) s.models = address_map(doc["models"], "model");
    if (doc["hosts"]) {
        const auto& h = doc["hosts"];
        if (!h.IsMap()) fail(h, "hosts must be a mapping");
        for (const auto& kv : h) {
            std::string name = kv.first.as<std::string>();
            HostAnswer a;
            if (kv.second.IsMap()) {
                known_keys(kv.second, {"addresses", "ttl"}, "hosts " + name);
                if (kv.second["addresses"]) a.addresses = addresses(kv.second["addresses"], "hosts " + name);
                if (kv.second["ttl"]) {
                    std::string t = scalar(kv.second["ttl"], "ttl");
                    if (!syntax::is_uint(t) || std::stol(t) < 1 || std::stol(t) > 604800)
                        fail(kv.second["ttl"], "ttl must be 1..604800 seconds");
                    a.ttl = int(std::stol(t));
                }
            } else {
                a.addresses = addresses(kv.second, "hosts " + name);
            }
            s.hosts[name] = a;
        }
    }
    if (doc["quarantine"]) {
        const auto& q = doc["quarantine"];
        if (!q.IsMap()) fail(q, "quarantine must be a mapping");
        known_keys(q, {"dns", "ntp", "firmware", "registrar"}, "quarantine");
        if (q["dns"]) s.quarantine.dns = services(q["dns"], "dns");
        if (q["ntp"]) s.quarantine.ntp = services(q["ntp"], "ntp");
        if (q["firmware"]) s.quarantine.firmware = services(q["firmware"], "firmware");
        if (q["registrar"]) s.quarantine.registrar = services(q["registrar"], "registrar");
    }
    std::map<std::string, int> names;
    for (const auto& d : s.devices)
        if (names[d.name]++) throw Error(ErrorKind::config, "site: device name '" + d.name + "' is used twice");
    return s;
}

}  // namespace iotops::mud
