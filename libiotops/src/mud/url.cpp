// MUD URL carriers: fixed little formats, read and written byte by byte.
#include "iotops/mud/url.hpp"

#include <cctype>

#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/certificate.hpp"
#include "mud/syntax.hpp"

namespace iotops::mud {
namespace {

constexpr unsigned kDhcp4 = 161, kDhcp6 = 112, kLldpType = 127;
constexpr unsigned char kOui[3] = {0x00, 0x00, 0x5e};
constexpr unsigned char kLldpSubtype = 1;

[[noreturn]] void bad(const std::string& what) { throw Error(ErrorKind::malformed, what); }

bool looks_hex(ByteView d) {
    size_t digits = 0;
    for (auto b : d) {
        if (std::isxdigit(b)) ++digits;
        else if (!std::isspace(b) && b != ':') return false;
    }
    return digits > 0 && digits % 2 == 0;
}

Bytes unhex(ByteView d) {
    std::string s;
    for (auto b : d)
        if (std::isxdigit(b)) s += char(b);
    return hex_decode(s);
}

FoundUrl from_mudstring(Carrier c, ByteView s) {
    if (s.empty()) bad(std::string(carrier_name(c)) + ": the MUDstring is empty");
    if (s.size() > 255) bad(std::string(carrier_name(c)) + ": the MUDstring has " + std::to_string(s.size()) + " octets, at most 255 are allowed");
    std::string text(reinterpret_cast<const char*>(s.data()), s.size());
    FoundUrl f;
    f.carrier = c;
    auto sp = text.find(' ');
    f.url = text.substr(0, sp);
    if (sp != std::string::npos) f.reserved = text.substr(sp + 1);
    check_mud_url(f.url);
    return f;
}

}  // namespace

const char* carrier_name(Carrier c) {
    switch (c) {
    case Carrier::x509: return "x509";
    case Carrier::dhcpv4: return "dhcpv4";
    case Carrier::dhcpv6: return "dhcpv6";
    case Carrier::lldp: return "lldp";
    }
    return "?";
}

std::optional<Carrier> parse_carrier(std::string_view n) {
    if (n == "x509") return Carrier::x509;
    if (n == "dhcpv4") return Carrier::dhcpv4;
    if (n == "dhcpv6") return Carrier::dhcpv6;
    if (n == "lldp") return Carrier::lldp;
    return std::nullopt;
}

void check_mud_url(std::string_view url) {
    std::string u(url);
    if (u.size() > 255) bad("MUD URL has " + std::to_string(u.size()) + " octets, at most 255 are allowed");
    for (char c : u)
        if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
            bad("MUD URL '" + u + "' holds a character that is not printable ASCII");
    if (!syntax::starts_with_nocase(u, "https://")) bad("MUD URL '" + u + "' does not use https");
    auto host_end = u.find_first_of("/?#", 8);
    std::string authority = u.substr(8, host_end == std::string::npos ? std::string::npos : host_end - 8);
    if (authority.empty() || authority.find('@') != std::string::npos)
        bad("MUD URL '" + u + "' has no host (or carries user information)");
}

FoundUrl read_carrier(ByteView input, std::optional<Carrier> carrier) {
    Bytes hexed;
    ByteView d = input;
    if (carrier != Carrier::x509 && looks_hex(input)) {
        hexed = unhex(input);
        d = hexed;
    }
    if (!carrier) {
        if (d.empty()) bad("url: the input is empty");
        if (d[0] == kDhcp4) carrier = Carrier::dhcpv4;
        else if (d.size() >= 2 && d[0] == 0 && d[1] == kDhcp6) carrier = Carrier::dhcpv6;
        else if ((d[0] >> 1) == kLldpType) carrier = Carrier::lldp;
        else carrier = Carrier::x509;
    }
    switch (*carrier) {
    case Carrier::dhcpv4: {
        if (d.size() < 2 || d[0] != kDhcp4) bad("dhcpv4: not option 161 (OPTION_MUD_URL_V4)");
        if (d.size() != 2u + d[1]) bad("dhcpv4: option length " + std::to_string(d[1]) + " but " + std::to_string(d.size() - 2) + " octets follow");
        return from_mudstring(Carrier::dhcpv4, d.subspan(2));
    }
    case Carrier::dhcpv6: {
        if (d.size() < 4 || d[0] != 0 || d[1] != kDhcp6) bad("dhcpv6: not option 112 (OPTION_MUD_URL_V6)");
        size_t len = (size_t(d[2]) << 8) | d[3];
        if (d.size() != 4 + len) bad("dhcpv6: option length " + std::to_string(len) + " but " + std::to_string(d.size() - 4) + " octets follow");
        return from_mudstring(Carrier::dhcpv6, d.subspan(4));
    }
    case Carrier::lldp: {
        if (d.size() < 6 || (d[0] >> 1) != kLldpType) bad("lldp: not an organizationally specific TLV (type 127)");
        size_t len = ((size_t(d[0]) & 1) << 8) | d[1];
        if (d.size() != 2 + len) bad("lldp: TLV length " + std::to_string(len) + " but " + std::to_string(d.size() - 2) + " octets follow");
        if (d[2] != kOui[0] || d[3] != kOui[1] || d[4] != kOui[2] || d[5] != kLldpSubtype)
            bad("lldp: not the MUD TLV (OUI 00-00-5E, subtype 1)");
        return from_mudstring(Carrier::lldp, d.subspan(6));
    }
    case Carrier::x509: {
        crypto::Certificate cert = crypto::Certificate::load(d);
        auto url = cert.mud_url();
        if (!url) throw Error(ErrorKind::negative, "x509: the certificate has no MUD URL extension (1.3.6.1.5.5.7.1.25)");
        FoundUrl f;
        f.carrier = Carrier::x509;
        f.url = *url;
        f.signer = cert.mud_signer();
        check_mud_url(f.url);
        return f;
    }
    }
    bad("url: unknown carrier");
}

Bytes write_carrier(Carrier c, std::string_view url) {
    try {
        check_mud_url(url);
    } catch (const Error& e) {
        throw Error(ErrorKind::usage, e.what());
    }
    Bytes out;
    auto append = [&](std::string_view s) { out.insert(out.end(), s.begin(), s.end()); };
    switch (c) {
    case Carrier::dhcpv4:
        out = {std::uint8_t(kDhcp4), std::uint8_t(url.size())};
        append(url);
        return out;
    case Carrier::dhcpv6:
        out = {0, std::uint8_t(kDhcp6), std::uint8_t(url.size() >> 8), std::uint8_t(url.size() & 0xff)};
        append(url);
        return out;
    case Carrier::lldp: {
        size_t len = 4 + url.size();  // OUI + subtype + MUDString, fits in 9 bits
        out = {std::uint8_t((kLldpType << 1) | (len >> 8)), std::uint8_t(len & 0xff), kOui[0], kOui[1], kOui[2],
               kLldpSubtype};
        append(url);
        return out;
    }
    case Carrier::x509:
        throw Error(ErrorKind::usage, "url: a certificate is issued, not written here", "use iot-enroll or a CA with --mud-url");
    }
    return out;
}

}  // namespace iotops::mud
