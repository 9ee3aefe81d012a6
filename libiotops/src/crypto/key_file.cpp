// Private keys on disk: mode 0600 from the first byte, and never a half-written file.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "iotops/crypto/key.hpp"
#include "iotops/core/error.hpp"

namespace iotops::crypto {

namespace {

[[noreturn]] void throw_io(const std::string& what, int err) {
    throw Error(ErrorKind::io, what + ": " + std::strerror(err));
}

std::string directory_of(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

}  // namespace

void write_private_key_file(const std::string& path, const PrivateKey& key, std::optional<std::string> passphrase) {
    std::string pem = key.pkcs8_pem(std::move(passphrase));
    std::string tmpl = path + ".tmpXXXXXX";
    std::vector<char> name(tmpl.begin(), tmpl.end());
    name.push_back('\0');
    int fd = mkstemp(name.data());  // creates with mode 0600
    if (fd < 0) throw_io("cannot create a temporary file next to " + path, errno);
    std::string tmp(name.data());
    auto fail = [&](const std::string& what) {
        int err = errno;
        close(fd);
        unlink(tmp.c_str());
        throw_io(what, err);
    };
    if (fchmod(fd, 0600) != 0) fail("chmod " + tmp);
    std::size_t done = 0;
    while (done < pem.size()) {
        ssize_t n = write(fd, pem.data() + done, pem.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("write " + tmp);
        }
        done += static_cast<std::size_t>(n);
    }
    if (fsync(fd) != 0) fail("fsync " + tmp);
    if (close(fd) != 0) {
        int err = errno;
        unlink(tmp.c_str());
        throw_io("close " + tmp, err);
    }
    if (rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        unlink(tmp.c_str());
        throw_io("rename to " + path, err);
    }
    // Make the rename itself durable.
    int dir = open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY);
    if (dir >= 0) {
        fsync(dir);
        close(dir);
    }
}

}  // namespace iotops::crypto
