#include "iotops/crypto/passphrase.hpp"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "iotops/core/error.hpp"

namespace iotops::crypto {

namespace {

std::string first_line(std::string text) {
    auto nl = text.find('\n');
    if (nl != std::string::npos) text.resize(nl);
    if (!text.empty() && text.back() == '\r') text.pop_back();
    return text;
}

std::string from_fd(std::string_view spec) {
    int fd = -1;
    auto [end, ec] = std::from_chars(spec.data(), spec.data() + spec.size(), fd);
    if (ec != std::errc() || end != spec.data() + spec.size() || fd < 0)
        throw Error(ErrorKind::usage, "passphrase: fd: needs a file descriptor number, got '" + std::string(spec) + "'");
    // Byte by byte up to the newline, so nothing after the first line is consumed from a shared pipe.
    std::string out;
    for (;;) {
        char c;
        ssize_t n = read(fd, &c, 1);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw Error(ErrorKind::missing, "passphrase: cannot read fd " + std::to_string(fd) + ": " + std::strerror(errno));
        }
        if (n == 0 || c == '\n') break;
        out += c;
    }
    return first_line(std::move(out));
}

}  // namespace

std::string read_passphrase(std::string_view source) {
    auto colon = source.find(':');
    std::string_view scheme = colon == std::string_view::npos ? source : source.substr(0, colon);
    std::string_view rest = colon == std::string_view::npos ? std::string_view{} : source.substr(colon + 1);
    if (colon != std::string_view::npos) {
        if (scheme == "pass") return std::string(rest);
        if (scheme == "env") {
            const char* v = std::getenv(std::string(rest).c_str());
            if (v == nullptr) throw Error(ErrorKind::missing, "passphrase: environment variable " + std::string(rest) + " is not set");
            return v;
        }
        if (scheme == "file") {
            std::ifstream in{std::string(rest), std::ios::binary};
            if (!in) throw Error(ErrorKind::missing, "passphrase: cannot read " + std::string(rest));
            std::string line;
            std::getline(in, line);
            return first_line(std::move(line));
        }
        if (scheme == "fd") return from_fd(rest);
    }
    throw Error(ErrorKind::usage, "passphrase: unknown source '" + std::string(scheme) + "'",
                "use pass:TEXT, env:VAR, file:PATH or fd:N");
}

}  // namespace iotops::crypto
