// The progress line of bulk runs on stderr: count, rate and, when the input size is known, the
// share done and an ETA. Only on a terminal and without --quiet.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace iotops::cli {

// "1200 records  400/s  37%  ETA 0:05"; fraction < 0 when unknown.
std::string format_progress(std::uint64_t records, double seconds, double fraction);

class Progress {
public:
    // enabled: normally progress_wanted(quiet). total_bytes: the input size, when known.
    Progress(bool enabled, std::ostream& err, std::optional<std::uint64_t> total_bytes);
    ~Progress() { finish(); }
    // Redraws at most a few times a second.
    void update(std::uint64_t records, std::uint64_t bytes_read);
    // Clears the line.
    void finish();

private:
    bool enabled_;
    std::ostream& err_;
    std::optional<std::uint64_t> total_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_;
    std::size_t width_ = 0;
};

// stderr is a terminal and not --quiet.
bool progress_wanted(bool quiet);

}  // namespace iotops::cli
