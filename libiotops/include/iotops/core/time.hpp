// RFC 3339 time, always reported in UTC.
#pragma once
#include <chrono>
#include <ctime>
#include <string>
#include <string_view>

namespace iotops {

using Time = std::chrono::sys_time<std::chrono::microseconds>;

Time now();
// Parses "2021-04-13T17:43:23.747-04:00", "...Z", lower-case t/z, fractions of any length.
// Throws Error(malformed) naming the problem.
Time parse_rfc3339(std::string_view text);
// "2021-04-13T21:43:23Z", with fractional seconds only when there are some.
std::string format_rfc3339(Time t);
// "Wed, 25 Nov 2026 07:15:06 GMT": RFC 9110 section 5.6.7's IMF-fixdate, as HTTP's Date,
// Last-Modified and Expires headers carry it.
std::string format_http_date(Time t);
std::time_t to_time_t(Time t);
Time from_time_t(std::time_t t);
// Durations such as "30s", "15m", "12h", "7d", "2w" (for --valid and similar flags).
std::chrono::seconds parse_duration(std::string_view text);

}  // namespace iotops
