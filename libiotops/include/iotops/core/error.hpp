// The one error type of libiotops. Its kind maps to the exit codes every tool shares (DESIGN.md).
#pragma once
#include <stdexcept>
#include <string>
#include <string_view>

namespace iotops {

enum class ErrorKind : int {
    negative = 1,      // a negative verdict: bad signature, revoked, denied
    usage = 64,        // the command line is wrong
    malformed = 65,    // input that does not parse or breaks its format's rules
    missing = 66,      // an input file that does not exist or cannot be opened
    unreachable = 69,  // a peer that cannot be reached
    internal = 70,     // a bug or an unexpected library failure
    io = 74,           // reading or writing failed
    protocol = 76,     // a peer broke the protocol
    permission = 77,   // not allowed
    config = 78,       // bad configuration
};

// Exit code of a kind (the enum value itself).
constexpr int exit_code(ErrorKind k) { return static_cast<int>(k); }

// Short stable name used in error records: "malformed", "usage", ...
std::string_view kind_name(ErrorKind k);

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, std::string message, std::string hint = {})
        : std::runtime_error(std::move(message)), kind_(kind), hint_(std::move(hint)) {}
    ErrorKind kind() const noexcept { return kind_; }
    const std::string& hint() const noexcept { return hint_; }

private:
    ErrorKind kind_;
    std::string hint_;
};

// Shorthands for the common kinds.
[[noreturn]] void throw_malformed(std::string message);
[[noreturn]] void throw_internal(std::string message);

}  // namespace iotops
