// Lexical checks for the YANG types MUD files use (inet:uri, inet:host, prefixes, date-and-time, MACs).
#pragma once
#include <optional>
#include <string_view>

namespace iotops::mud::syntax {

bool is_uint(std::string_view s);
bool starts_with_nocase(std::string_view s, std::string_view prefix);
// An absolute URI: scheme ":" followed by printable ASCII without spaces.
bool is_uri(std::string_view s);
// inet:host: a DNS name or an IPv4/IPv6 address.
bool is_host(std::string_view s);
bool is_ip(std::string_view s, bool v6);
bool is_prefix(std::string_view s, bool v6);  // address "/" length
bool is_mac(std::string_view s);

enum class DateTime { ok, no_zone, bad };
DateTime date_time_form(std::string_view s);

std::optional<int> ethertype_enum(std::string_view name);  // ietf-ethertypes enum name -> value
std::optional<int> parse_hex_uint16(std::string_view s);   // "0x0800", "2048"

}  // namespace iotops::mud::syntax
