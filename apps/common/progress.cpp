#include "common/progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "common/terminal.hpp"

namespace iotops::cli {

std::string format_progress(std::uint64_t records, double seconds, double fraction) {
    std::string s = std::to_string(records) + " records";
    if (seconds > 0) s += "  " + std::to_string(static_cast<std::uint64_t>(std::llround(records / seconds))) + "/s";
    if (fraction >= 0 && fraction <= 1) {
        s += "  " + std::to_string(static_cast<int>(fraction * 100)) + "%";
        if (fraction > 0 && seconds > 0) {
            auto eta = static_cast<std::uint64_t>(std::llround(seconds * (1 - fraction) / fraction));
            char buf[32];
            std::snprintf(buf, sizeof buf, "  ETA %llu:%02llu", static_cast<unsigned long long>(eta / 60),
                          static_cast<unsigned long long>(eta % 60));
            s += buf;
        }
    }
    return s;
}

bool progress_wanted(bool quiet) { return !quiet && is_terminal(STDERR_FILENO); }

Progress::Progress(bool enabled, std::ostream& err, std::optional<std::uint64_t> total_bytes)
    : enabled_(enabled), err_(err), total_(total_bytes), start_(std::chrono::steady_clock::now()), last_(start_) {}

void Progress::update(std::uint64_t records, std::uint64_t bytes_read) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    double seconds = std::chrono::duration<double>(now - start_).count();
    double fraction = total_ && *total_ > 0 ? static_cast<double>(bytes_read) / static_cast<double>(*total_) : -1;
    std::string line = format_progress(records, seconds, fraction);
    std::string pad = line.size() < width_ ? std::string(width_ - line.size(), ' ') : "";
    width_ = line.size();
    err_ << '\r' << line << pad << std::flush;
}

void Progress::finish() {
    if (!enabled_ || width_ == 0) return;
    err_ << '\r' << std::string(width_, ' ') << '\r' << std::flush;
    width_ = 0;
}

}  // namespace iotops::cli
