// Quarantine: a policy confining a device to DNS, NTP, its firmware update server and its
// registrar; it replaces the device's MUD policy (same nft table) until released.
#pragma once
#include <string>
#include <vector>

#include "iotops/core/bytes.hpp"
#include "iotops/mud/model.hpp"
#include "iotops/mud/site.hpp"

namespace iotops::mud {

// The services a quarantined device keeps. Each entry is an address or DNS name with an optional
// port: "10.0.0.53", "updates.example.com:8443", "[fd00::1]:443".
struct QuarantineSpec {
    std::vector<std::string> dns;        // UDP and TCP 53
    std::vector<std::string> ntp;        // UDP 123
    std::vector<std::string> firmware;   // TCP, default 443, device-initiated
    std::vector<std::string> registrar;  // TCP, default 443, device-initiated
};

// Flags first, then the site's quarantine section, then its dns/ntp controllers.
QuarantineSpec quarantine_services(const QuarantineSpec& flags, const Site& site);

// The quarantine policy as a MUD model (compile it like any MUD file). Throws Error(usage) for a
// service that is not HOST[:PORT], Error(config) when there is nothing to allow at all.
Mud quarantine_policy(const Device& device, const QuarantineSpec& services);

// The line `iot-revoke decommission` writes:
// {"event":"decommission","serial-number":"...","revoked":[...],"deny-list":"...","time":"RFC 3339"}
struct DecommissionRecord {
    std::string serial_number;
    std::vector<std::string> revoked;
    std::string deny_list;
    std::string time;
};

// Throws Error(malformed) naming what is wrong.
DecommissionRecord parse_decommission(ByteView line);

// nft statements that remove a device's table (idempotent: no error when it is absent).
std::string nft_release(const std::string& table);

}  // namespace iotops::mud
