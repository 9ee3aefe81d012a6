// MUD URLs and the carriers that emit them (RFC 8520 sections 10-12): X.509 extensions
// id-pe-mud-url / id-pe-mudsigner, DHCPv4 option 161, DHCPv6 option 112, LLDP TLV 127 with
// OUI 00-00-5E subtype 1. A MUDstring is the URL, optionally a space and a reserved part.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "iotops/core/bytes.hpp"

namespace iotops::mud {

enum class Carrier { x509, dhcpv4, dhcpv6, lldp };
const char* carrier_name(Carrier c);
std::optional<Carrier> parse_carrier(std::string_view name);

// Throws Error(malformed) naming the rule broken: https only, an absolute URL with a host,
// printable ASCII without spaces, at most 255 octets.
void check_mud_url(std::string_view url);

struct FoundUrl {
    Carrier carrier = Carrier::x509;
    std::string url;
    std::string reserved;               // after a space in a MUDstring; managers ignore it
    std::optional<std::string> signer;  // X.509 only: the MUD signer's subject
};

// Reads a carrier: the DHCP options and the LLDP TLV whole (code/type and length included), raw or
// as hex text; a certificate in PEM or DER. `carrier` none: recognised from the first bytes.
// Throws Error(malformed) for a broken carrier or URL, Error(negative) for a certificate without a MUD URL.
FoundUrl read_carrier(ByteView data, std::optional<Carrier> carrier = std::nullopt);

// The DHCPv4 option, DHCPv6 option or LLDP TLV for url. Throws Error(usage) for a URL that breaks the rules.
Bytes write_carrier(Carrier carrier, std::string_view url);

}  // namespace iotops::mud
