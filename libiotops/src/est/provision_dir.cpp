#include "est/provision_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "iotops/core/error.hpp"

namespace iotops::est {

namespace {

ErrorKind kind_of(int err) {
    if (err == EACCES || err == EPERM || err == EROFS) return ErrorKind::permission;
    if (err == ENOENT) return ErrorKind::missing;
    return ErrorKind::io;
}

[[noreturn]] void fail(const std::string& what, int err) {
    throw Error(kind_of(err), what + ": " + std::strerror(err));
}

void sync_directory(const std::string& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fail("open " + dir, errno);
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) fail("fsync " + dir, err);
}

void remove_tree(const std::string& path) noexcept {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
}

// rename(2) that never replaces: RENAME_NOREPLACE, or on file systems without it a check followed by
// rename, which still cannot replace a device directory that has files in it (ENOTEMPTY).
[[noreturn]] void already_provisioned(const std::string& path) {
    throw Error(ErrorKind::usage, path + ": the device is already provisioned (the directory exists)",
                "give --force to replace it with a new key and certificate");
}

bool rename_new(const std::string& from, const std::string& to) {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return true;
    if (errno == EEXIST) return false;
    if (errno != EINVAL && errno != ENOSYS) fail("rename " + from + " to " + to, errno);
    if (path_exists(to)) return false;
    if (::rename(from.c_str(), to.c_str()) == 0) return true;
    if (errno == ENOTEMPTY || errno == EEXIST) return false;
    fail("rename " + from + " to " + to, errno);
}

}  // namespace

bool path_exists(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) return true;
    if (errno == ENOENT) return false;
    fail("stat " + path, errno);
}

void refuse_existing_device(const std::string& path) {
    if (path_exists(path)) already_provisioned(path);
}

std::string join_path(const std::string& parent, const std::string& name) {
    if (parent.empty()) return name;
    return parent.back() == '/' ? parent + name : parent + "/" + name;
}

void ensure_directory(const std::string& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) fail("create directory " + dir, ec.value());
    if (!std::filesystem::is_directory(dir, ec)) throw Error(ErrorKind::io, dir + ": not a directory");
}

StagedDirectory::StagedDirectory(std::string parent, std::string name)
    : parent_(std::move(parent)), final_(join_path(parent_, name)) {
    std::string tmpl = join_path(parent_, "." + name + ".XXXXXX");
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) fail("create a directory in " + parent_, errno);
    tmp_ = buf.data();
}

StagedDirectory::~StagedDirectory() {
    if (!committed_) remove_tree(tmp_);
}

void StagedDirectory::write_file(const std::string& name, std::string_view data, unsigned mode) {
    std::string path = join_path(tmp_, name);
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) fail("create " + path, errno);
    auto fail_closed = [&](const std::string& what) {
        int err = errno;
        ::close(fd);
        fail(what + " " + path, err);
    };
    if (::fchmod(fd, mode) != 0) fail_closed("chmod");  // the umask does not decide
    const char* p = data.data();
    std::size_t left = data.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail_closed("write");
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) fail_closed("fsync");
    if (::close(fd) != 0) fail("close " + path, errno);
}

void StagedDirectory::commit(bool replace) {
    sync_directory(tmp_);
    if (!rename_new(tmp_, final_)) {
        if (!replace) already_provisioned(final_);
        // Swap the new directory in; the old one is then at the temporary name and goes.
        if (::renameat2(AT_FDCWD, tmp_.c_str(), AT_FDCWD, final_.c_str(), RENAME_EXCHANGE) != 0) {
            if (errno != EINVAL && errno != ENOSYS) fail("replace " + final_, errno);
            // No atomic exchange on this file system: move the old one aside first.
            std::string old = tmp_ + ".old";
            if (::rename(final_.c_str(), old.c_str()) != 0) fail("move aside " + final_, errno);
            if (::rename(tmp_.c_str(), final_.c_str()) != 0) {
                int err = errno;
                ::rename(old.c_str(), final_.c_str());
                fail("rename " + tmp_ + " to " + final_, err);
            }
            committed_ = true;
            remove_tree(old);
            sync_directory(parent_);
            return;
        }
        committed_ = true;
        remove_tree(tmp_);  // now the old device directory
        sync_directory(parent_);
        return;
    }
    committed_ = true;
    sync_directory(parent_);
}

}  // namespace iotops::est
