// Fuzz target: MUD URL carriers (DHCPv4/v6 options, LLDP TLVs, certificates, hex), decommission
// records, site files and YAML descriptions must never crash; only iotops::Error may escape.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "iotops/core/error.hpp"
#include "iotops/core/time.hpp"
#include "iotops/mud/create.hpp"
#include "iotops/mud/quarantine.hpp"
#include "iotops/mud/site.hpp"
#include "iotops/mud/url.hpp"

using namespace iotops;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ByteView in(data, size);
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try { (void)mud::read_carrier(in); } catch (const Error&) {}
    for (auto c : {mud::Carrier::dhcpv4, mud::Carrier::dhcpv6, mud::Carrier::lldp})
        try { (void)mud::read_carrier(in, c); } catch (const Error&) {}
    try { (void)mud::parse_decommission(in); } catch (const Error&) {}
    try { (void)mud::load_site(text); } catch (const Error&) {}
    try { (void)mud::serialize(mud::from_description(text, now())); } catch (const Error&) {}
    return 0;
}
