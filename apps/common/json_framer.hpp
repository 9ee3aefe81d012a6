// Cuts JSON record streams into records while reading: NDJSON lines, and the elements of a
// top-level JSON array. The array is split by tracking bracket depth and string state (a small
// scanner rather than a SAX parse: it keeps each element's original text, needs no parser state
// across elements and lets a bad element become one error record while the run goes on).
// Each element is then parsed on its own by nlohmann::json.
#pragma once
#include <cstddef>
#include <string>

#include "common/reader.hpp"

namespace iotops::cli {

constexpr std::size_t kMaxJsonRecord = 64u << 20;  // bytes in one record

// Next non-blank line (without its line ending) into `out`. False at end of input.
// A line longer than the limit throws Error(malformed) after skipping the rest of that line,
// so reading can go on with the next line.
bool frame_ndjson_line(Reader& in, std::string& out, std::size_t max_record = kMaxJsonRecord);

// Reads a JSON array element by element; next() returns false after the closing ']'.
class JsonArrayFramer {
public:
    explicit JsonArrayFramer(Reader& in, std::size_t max_record = kMaxJsonRecord) : in_(in), max_(max_record) {}
    // The text of the next element into `out`. Throws Error(malformed) when the input is not an
    // array, is cut short, or has data after it; the framer cannot continue after that.
    bool next(std::string& out);

private:
    void begin();
    void skip_space();
    bool begun_ = false;
    Reader& in_;
    std::size_t max_;
    bool done_ = false;
    bool first_ = true;
};

}  // namespace iotops::cli
