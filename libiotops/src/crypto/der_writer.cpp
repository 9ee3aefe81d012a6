// DER pieces for the bulk writers.
#include <chrono>

#include "crypto/der_writer.hpp"
#include "iotops/core/error.hpp"

namespace iotops::crypto::der {

namespace {

int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw Error(ErrorKind::malformed, "not a hex number: '" + std::string(1, c) + "'");
}

void put_time_digits(Bytes& out, std::uint8_t tag, Time t, bool four_digit_year) {
    using namespace std::chrono;
    auto secs = floor<seconds>(t);
    auto day = floor<days>(secs);
    year_month_day ymd{day};
    hh_mm_ss hms{secs - day};
    int y = static_cast<int>(ymd.year());
    char buf[16];
    int n = 0;
    auto two = [&](unsigned v) {
        buf[n++] = static_cast<char>('0' + v / 10 % 10);
        buf[n++] = static_cast<char>('0' + v % 10);
    };
    if (four_digit_year) two(static_cast<unsigned>(y / 100));
    two(static_cast<unsigned>(y % 100));
    two(static_cast<unsigned>(ymd.month()));
    two(static_cast<unsigned>(ymd.day()));
    two(static_cast<unsigned>(hms.hours().count()));
    two(static_cast<unsigned>(hms.minutes().count()));
    two(static_cast<unsigned>(hms.seconds().count()));
    buf[n++] = 'Z';
    out.push_back(tag);
    out.push_back(static_cast<std::uint8_t>(n));
    out.insert(out.end(), buf, buf + n);
}

}  // namespace

void put_integer_hex(Bytes& out, std::string_view hex) {
    while (hex.size() > 1 && hex[0] == '0') hex.remove_prefix(1);
    if (hex.empty()) hex = "0";
    std::uint8_t tmp[64];
    std::size_t nbytes = (hex.size() + 1) / 2;
    if (nbytes > sizeof tmp - 1) throw Error(ErrorKind::malformed, "integer too long");
    std::size_t i = 0, k = 1;
    if (hex.size() % 2) tmp[k++] = static_cast<std::uint8_t>(hexval(hex[i++]));
    for (; i < hex.size(); i += 2) tmp[k++] = static_cast<std::uint8_t>(hexval(hex[i]) << 4 | hexval(hex[i + 1]));
    std::size_t start = 1;
    if (tmp[1] & 0x80) {  // keep it positive
        tmp[0] = 0;
        start = 0;
    }
    out.push_back(0x02);
    put_length(out, k - start);
    out.insert(out.end(), tmp + start, tmp + k);
}

void put_time(Bytes& out, Time t) {
    int y = static_cast<int>(std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(t)}.year());
    if (y >= 1950 && y < 2050) put_time_digits(out, 0x17, t, false);
    else put_time_digits(out, 0x18, t, true);
}

void put_generalized_time(Bytes& out, Time t) { put_time_digits(out, 0x18, t, true); }

}  // namespace iotops::crypto::der
