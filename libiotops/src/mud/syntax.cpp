#include "mud/syntax.hpp"

#include <arpa/inet.h>

#include <cctype>
#include <regex>
#include <string>
#include <utility>

namespace iotops::mud::syntax {

bool is_uint(std::string_view s) {
    if (s.empty() || s.size() > 10) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
            return false;
    return true;
}

bool is_uri(std::string_view s) {
    size_t colon = s.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    if (!std::isalpha(static_cast<unsigned char>(s[0]))) return false;
    for (size_t i = 1; i < colon; ++i) {
        char c = s[i];
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
    }
    for (char c : s)
        if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) return false;
    return colon + 1 < s.size();
}

bool is_ip(std::string_view s, bool v6) {
    std::string z(s);
    unsigned char buf[16];
    return inet_pton(v6 ? AF_INET6 : AF_INET, z.c_str(), buf) == 1;
}

bool is_host(std::string_view s) {
    if (s.empty() || s.size() > 253) return false;
    if (is_ip(s, false) || is_ip(s, true)) return true;
    size_t label = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '.') {
            if (label == 0 && i + 1 != s.size()) return false;
            label = 0;
            continue;
        }
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
        if (++label > 63) return false;
    }
    return true;
}

bool is_prefix(std::string_view s, bool v6) {
    size_t slash = s.find('/');
    if (slash == std::string_view::npos) return false;
    auto len = s.substr(slash + 1);
    if (!is_uint(len) || len.size() > 3) return false;
    int n = std::stoi(std::string(len));
    return n <= (v6 ? 128 : 32) && is_ip(s.substr(0, slash), v6);
}

bool is_mac(std::string_view s) {
    static const std::regex re("^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$");
    return std::regex_match(s.begin(), s.end(), re);
}

// By hand rather than std::regex: it runs once per file and regex dominated validation time.
DateTime date_time_form(std::string_view s) {
    auto digits = [&](size_t at, size_t n) {
        if (at + n > s.size()) return false;
        for (size_t i = at; i < at + n; ++i)
            if (s[i] < '0' || s[i] > '9') return false;
        return true;
    };
    auto num = [&](size_t at) { return (s[at] - '0') * 10 + (s[at + 1] - '0'); };
    if (!digits(0, 4) || s.size() < 19 || s[4] != '-' || !digits(5, 2) || s[7] != '-' || !digits(8, 2) ||
        (s[10] != 'T' && s[10] != ' ') || !digits(11, 2) || s[13] != ':' || !digits(14, 2) || s[16] != ':' ||
        !digits(17, 2))
        return DateTime::bad;
    size_t i = 19;
    if (i < s.size() && s[i] == '.') {
        size_t start = ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        if (i == start) return DateTime::bad;
    }
    int mon = num(5), day = num(8), h = num(11), m = num(14), sec = num(17);
    if (mon < 1 || mon > 12 || day < 1 || day > 31 || h > 23 || m > 59 || sec > 60) return DateTime::bad;
    if (i == s.size()) return DateTime::no_zone;
    if (s[10] != 'T') return DateTime::bad;
    if (s[i] == 'Z' && i + 1 == s.size()) return DateTime::ok;
    if ((s[i] == '+' || s[i] == '-') && i + 6 == s.size() && digits(i + 1, 2) && s[i + 3] == ':' && digits(i + 4, 2))
        return DateTime::ok;
    return DateTime::bad;
}

std::optional<int> ethertype_enum(std::string_view name) {
    static const std::pair<const char*, int> names[] = {
        {"ipv4", 2048}, {"arp", 2054}, {"wlan", 2114}, {"trill", 8947}, {"srp", 8938}, {"decnet", 24579},
        {"rarp", 32821}, {"appletalk", 32923}, {"aarp", 33011}, {"vlan", 33024}, {"ipx", 33079}, {"qnx", 33284},
        {"ipv6", 34525}, {"efc", 34824}, {"esp", 34825}, {"cobranet", 34841}, {"mpls-unicast", 34887},
        {"mpls-multicast", 34888}, {"pppoe-discovery", 34915}, {"pppoe-session", 34916}, {"intel-ans", 34925},
        {"jumbo-frames", 34928}, {"homeplug", 34939}, {"eap", 34958}, {"profinet", 34962}, {"hyperscsi", 34970},
        {"aoe", 34978}, {"ethercat", 34980}, {"provider-bridging", 34984}, {"ethernet-powerlink", 34987},
        {"goose", 35000}, {"gse", 35001}, {"sv", 35002}, {"lldp", 35020}, {"sercos", 35021}, {"wsmp", 35036},
        {"homeplug-av-mme", 35041}, {"mrp", 35043}, {"macsec", 35045}, {"pbb", 35047}, {"cfm", 35074},
        {"fcoe", 35078}, {"fcoe-ip", 35092}, {"roce", 35093}, {"tte", 35101}, {"hsr", 35119}};
    for (auto& [n, v] : names)
        if (name == n) return v;
    return std::nullopt;
}

std::optional<int> parse_hex_uint16(std::string_view s) {
    int base = 10;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s.remove_prefix(2);
        base = 16;
    }
    if (s.empty() || s.size() > 5) return std::nullopt;
    for (char c : s)
        if (!(base == 16 ? std::isxdigit(static_cast<unsigned char>(c)) : std::isdigit(static_cast<unsigned char>(c))))
            return std::nullopt;
    long v = std::stol(std::string(s), nullptr, base);
    if (v > 65535) return std::nullopt;
    return int(v);
}

}  // namespace iotops::mud::syntax
