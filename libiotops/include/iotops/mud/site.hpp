// A site file (YAML): what the MUD abstractions mean on one network. It maps devices to their
// addresses, controller classes, my-controller, local networks, manufacturers and models to
// addresses, and can pin DNS answers (`hosts`) for names in MUD files.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iotops::mud {

struct Device {
    std::string name;
    std::optional<std::string> mac;
    std::vector<std::string> addresses;      // IPv4 and IPv6 host addresses
    std::optional<std::string> serial_number;
    std::optional<std::string> mud_url;      // informational; same-manufacturer uses the MUD file's
    std::vector<std::string> my_controller;  // addresses or prefixes
};

struct HostAnswer {
    std::vector<std::string> addresses;
    int ttl = 300;  // seconds
};

// Quarantine services: each an address or DNS name, optionally with ":port" (names resolve like MUD names).
struct QuarantineServices {
    std::vector<std::string> dns, ntp, firmware, registrar;
};

struct Site {
    std::vector<Device> devices;
    std::map<std::string, std::vector<std::string>> controllers;    // URI -> addresses/prefixes
    std::vector<std::string> local_networks;                         // prefixes
    std::map<std::string, std::vector<std::string>> manufacturers;  // authority -> addresses/prefixes
    std::map<std::string, std::vector<std::string>> models;         // MUD URL -> addresses/prefixes
    std::map<std::string, HostAnswer> hosts;                         // pinned DNS answers
    QuarantineServices quarantine;

    // The device named `name`; with an empty name, the only device. Throws Error(config).
    const Device& device(const std::string& name) const;
    const Device* by_serial(const std::string& serial) const;
};

// Throws Error(config) "site: ... (line N)" for anything wrong.
Site load_site(std::string_view yaml);

}  // namespace iotops::mud
