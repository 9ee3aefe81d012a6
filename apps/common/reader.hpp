// A buffered byte reader over a file, stdin or memory. Streams are read through it so that memory
// stays flat, and so that every open/read failure becomes the right iotops::Error.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "iotops/core/bytes.hpp"
#include "iotops/core/error.hpp"

namespace iotops::cli {

// ENOENT -> missing (66), EACCES/EPERM -> permission (77), anything else -> io (74).
ErrorKind kind_for_errno(int err);

class Reader {
public:
    // A path, or "-" for stdin.
    static Reader open(const std::string& path);
    static Reader from_string(std::string data, std::string name = "<memory>");

    Reader(Reader&& other) noexcept;
    Reader& operator=(Reader&&) = delete;
    ~Reader();

    // -1 at end of input.
    int peek() { return pos_ < end_ ? buf_[pos_] : fill(1) ? buf_[pos_] : -1; }
    int get() { int c = peek(); if (c >= 0) { ++pos_; ++consumed_; } return c; }
    // The byte `ahead` places after the next one, without consuming; -1 past the end.
    int peek_at(std::size_t ahead);
    // Appends n bytes to out; throws Error(malformed) naming `what` when the input ends first.
    void read_exact(std::size_t n, std::string& out, const char* what);
    // Consumes bytes up to and including the next '\n' (or to the end), appending at most `max` of those
    // before it to out; returns whether there were more. A whole buffer at a time, not a byte.
    bool read_line(std::string& out, std::size_t max);

    const std::string& name() const { return name_; }
    std::uint64_t consumed() const { return consumed_; }
    // Size of a regular file input (for progress); nullopt for pipes and terminals.
    std::optional<std::uint64_t> size() const { return size_; }

    // The rest of the input in one buffer (for single-artifact verbs).
    Bytes read_all();

private:
    Reader(int fd, bool owns, std::string name);
    bool fill(std::size_t want);  // makes at least `want` bytes available if the input has them

    int fd_ = -1;
    bool owns_ = false;
    std::string name_;
    std::vector<std::uint8_t> buf_;
    std::size_t pos_ = 0;
    std::size_t end_ = 0;
    std::uint64_t consumed_ = 0;
    std::optional<std::uint64_t> size_;
};

}  // namespace iotops::cli
