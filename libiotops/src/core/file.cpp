#include "iotops/core/file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "iotops/core/error.hpp"

namespace iotops {
namespace {

[[noreturn]] void fail(const std::string& path, int err) {
    ErrorKind kind = ErrorKind::io;
    if (err == ENOENT || err == ENOTDIR) kind = ErrorKind::missing;
    if (err == EACCES || err == EPERM) kind = ErrorKind::permission;
    throw Error(kind, "cannot read " + path + ": " + std::strerror(err));
}

}  // namespace

Bytes read_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(path, errno);
    Bytes data;
    std::uint8_t buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;  // e.g. EISDIR for a directory
            ::close(fd);
            fail(path, err);
        }
        data.insert(data.end(), buf, buf + n);
    }
    ::close(fd);
    return data;
}

}  // namespace iotops
