#include "iotops/core/time.hpp"

#include <charconv>
#include <cstdio>

#include "iotops/core/error.hpp"

namespace iotops {
namespace {

[[noreturn]] void bad_time(std::string_view text, const char* why) {
    throw_malformed("time \"" + std::string(text) + "\": " + why + " (want RFC 3339, e.g. 2026-01-31T12:00:00Z)");
}

int digits(std::string_view text, std::size_t pos, std::size_t count, std::string_view whole) {
    if (pos + count > text.size()) bad_time(whole, "too short");
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (text[i] < '0' || text[i] > '9') bad_time(whole, "expected a digit");
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

void expect(std::string_view text, std::size_t pos, char c, std::string_view whole) {
    if (pos >= text.size() || text[pos] != c) bad_time(whole, "unexpected character");
}

}  // namespace

Time now() { return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()); }

Time parse_rfc3339(std::string_view text) {
    using namespace std::chrono;
    int y = digits(text, 0, 4, text);
    expect(text, 4, '-', text);
    int mo = digits(text, 5, 2, text);
    expect(text, 7, '-', text);
    int d = digits(text, 8, 2, text);
    if (text.size() < 11 || (text[10] != 'T' && text[10] != 't' && text[10] != ' ')) bad_time(text, "missing 'T'");
    int h = digits(text, 11, 2, text);
    expect(text, 13, ':', text);
    int mi = digits(text, 14, 2, text);
    expect(text, 16, ':', text);
    int s = digits(text, 17, 2, text);
    std::size_t pos = 19;
    long long micros = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        std::size_t start = pos;
        long long scale = 100000;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            micros += (text[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == start) bad_time(text, "empty fraction");
    }
    if (pos >= text.size()) bad_time(text, "missing time zone offset");
    int offset_minutes = 0;
    if (text[pos] == 'Z' || text[pos] == 'z') {
        ++pos;
    } else if (text[pos] == '+' || text[pos] == '-') {
        int sign = text[pos] == '-' ? -1 : 1;
        int oh = digits(text, pos + 1, 2, text);
        expect(text, pos + 3, ':', text);
        int om = digits(text, pos + 4, 2, text);
        if (oh > 23 || om > 59) bad_time(text, "offset out of range");
        offset_minutes = sign * (oh * 60 + om);
        pos += 6;
    } else {
        bad_time(text, "missing time zone offset");
    }
    if (pos != text.size()) bad_time(text, "trailing characters");
    year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) bad_time(text, "no such date");
    if (h > 23 || mi > 59 || s > 60) bad_time(text, "time out of range");
    if (s == 60) s = 59;  // leap second: clamp, chrono has no representation for it
    auto t = sys_days{ymd} + hours{h} + minutes{mi} + seconds{s} + microseconds{micros} - minutes{offset_minutes};
    return time_point_cast<microseconds>(t);
}

std::string format_http_date(Time t) {
    std::time_t tt = to_time_t(t);
    struct tm tm {};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

std::string format_rfc3339(Time t) {
    using namespace std::chrono;
    auto day_point = floor<days>(t);
    year_month_day ymd{day_point};
    hh_mm_ss hms{t - day_point};
    char buf[64];
    auto frac = hms.subseconds().count();
    if (frac == 0) {
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02lldZ", static_cast<int>(ymd.year()),
                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                      static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                      static_cast<long long>(hms.seconds().count()));
        return buf;
    }
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02lld.%06lld", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                  static_cast<long long>(hms.seconds().count()), static_cast<long long>(frac));
    std::string out = buf;
    while (out.back() == '0') out.pop_back();
    return out + "Z";
}

std::time_t to_time_t(Time t) {
    return static_cast<std::time_t>(std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count());
}

Time from_time_t(std::time_t t) { return Time{std::chrono::seconds{t}}; }

std::chrono::seconds parse_duration(std::string_view text) {
    if (text.empty()) throw_malformed("duration: empty");
    long long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || value < 0) throw_malformed("duration \"" + std::string(text) + "\": expected a number");
    std::string_view unit(end, text.data() + text.size() - end);
    long long factor = 0;
    if (unit == "s" || unit.empty()) factor = 1;
    else if (unit == "m") factor = 60;
    else if (unit == "h") factor = 3600;
    else if (unit == "d") factor = 86400;
    else if (unit == "w") factor = 7 * 86400;
    else throw_malformed("duration \"" + std::string(text) + "\": unit must be s, m, h, d or w");
    return std::chrono::seconds{value * factor};
}

}  // namespace iotops
