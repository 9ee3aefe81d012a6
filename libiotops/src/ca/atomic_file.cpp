// Lock files and atomic replacement, the two guarantees the CA database and deny list rely on.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <random>
#include <thread>

#include "iotops/ca/database.hpp"
#include "iotops/core/error.hpp"

namespace iotops::ca {

namespace {

ErrorKind kind_of(int err) {
    if (err == ENOENT) return ErrorKind::missing;
    if (err == EACCES || err == EPERM || err == EROFS) return ErrorKind::permission;
    return ErrorKind::io;
}

[[noreturn]] void fail(const std::string& what, const std::string& path) {
    int err = errno;
    throw Error(kind_of(err), what + " " + path + ": " + std::strerror(err));
}

std::string dir_of(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? std::string(".") : slash == 0 ? std::string("/") : path.substr(0, slash);
}

void write_all(int fd, const char* p, std::size_t n, const std::string& path) {
    while (n > 0) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            fail("cannot write", path);
        }
        p += w;
        n -= static_cast<std::size_t>(w);
    }
}

}  // namespace

FileLock::FileLock(const std::string& path, bool exclusive) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0 && !exclusive && (errno == EACCES || errno == EROFS)) fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
        // A reader of a read-only database without a lock file goes on unlocked.
        if (!exclusive && (errno == EACCES || errno == EROFS)) return;
        fail("cannot open lock file", path);
    }
    while (::flock(fd_, exclusive ? LOCK_EX : LOCK_SH) != 0) {
        if (errno == EINTR) continue;
        int err = errno;
        ::close(fd_);
        errno = err;
        fail("cannot lock", path);
    }
}

FileLock::~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

void write_file_atomic(const std::string& path, std::string_view data, unsigned mode) {
    std::random_device rd;
    std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(rd() % 1000000);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) fail("cannot create", tmp);
    try {
        std::size_t half = data.size() / 2;
        write_all(fd, data.data(), half, tmp);
        if (const char* pause = std::getenv("IOTOPS_CA_TEST_PAUSE_MS")) {
            std::this_thread::sleep_for(std::chrono::milliseconds(std::atol(pause)));
        }
        write_all(fd, data.data() + half, data.size() - half, tmp);
        if (::fsync(fd) != 0) fail("cannot sync", tmp);
        if (::close(fd) != 0) {
            fd = -1;
            fail("cannot close", tmp);
        }
        fd = -1;
        if (::rename(tmp.c_str(), path.c_str()) != 0) fail("cannot rename into", path);
    } catch (...) {
        if (fd >= 0) ::close(fd);
        ::unlink(tmp.c_str());
        throw;
    }
    int dfd = ::open(dir_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

}  // namespace iotops::ca
