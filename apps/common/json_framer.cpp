#include "common/json_framer.hpp"

#include "iotops/core/error.hpp"

namespace iotops::cli {
namespace {

bool is_space(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

[[noreturn]] void bad(const Reader& in, const std::string& why) {
    throw Error(ErrorKind::malformed, in.name() + ": json array: " + why + " at byte " + std::to_string(in.consumed()));
}

}  // namespace

bool frame_ndjson_line(Reader& in, std::string& out, std::size_t max_record) {
    for (;;) {
        out.clear();
        if (in.peek() < 0) return false;
        bool too_long = in.read_line(out, max_record);
        if (too_long) {
            throw Error(ErrorKind::malformed, in.name() + ": ndjson: line longer than " + std::to_string(max_record) +
                                                  " bytes before byte " + std::to_string(in.consumed()));
        }
        if (!out.empty() && out.back() == '\r') out.pop_back();
        for (char ch : out)
            if (!is_space(static_cast<unsigned char>(ch))) return true;
        // blank lines separate nothing and are not records
    }
}

void JsonArrayFramer::skip_space() {
    while (is_space(in_.peek())) in_.get();
}

void JsonArrayFramer::begin() {
    skip_space();
    if (in_.get() != '[') bad(in_, "expected '['");
}

bool JsonArrayFramer::next(std::string& out) {
    out.clear();
    if (!begun_) {
        begun_ = true;
        begin();
    }
    if (!done_) skip_space();
    if (!done_ && first_ && in_.peek() == ']') {
        in_.get();
        done_ = true;
    }
    if (done_) {
        skip_space();
        if (in_.peek() >= 0) bad(in_, "data after the array");
        return false;
    }
    first_ = false;
    int depth = 0;
    bool in_string = false;
    bool escaped = false;
    for (;;) {
        int c = in_.peek();
        if (c < 0) bad(in_, "input ends inside the array");
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (depth == 0) {
                if (c == '}') bad(in_, "unbalanced '}'");
                break;  // the closing ']' of the array
            }
            --depth;
        } else if (c == ',' && depth == 0) {
            break;
        }
        if (out.size() >= max_) bad(in_, "element longer than " + std::to_string(max_) + " bytes");
        out.push_back(static_cast<char>(in_.get()));
    }
    while (!out.empty() && is_space(static_cast<unsigned char>(out.back()))) out.pop_back();
    if (out.empty()) bad(in_, "empty element");
    if (in_.get() == ']') done_ = true;
    return true;
}

}  // namespace iotops::cli
