#include "common/output.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "common/reader.hpp"
#include "common/terminal.hpp"
#include "iotops/core/error.hpp"

namespace iotops::cli {
namespace {

std::string dir_of(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

std::string base_of(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

mode_t current_umask() {
    mode_t m = ::umask(0);
    ::umask(m);
    return m;
}

[[noreturn]] void fail(const std::string& what, int err) {
    ErrorKind k = kind_for_errno(err);
    // A missing output directory is an I/O problem, not a missing input.
    if (k == ErrorKind::missing) k = ErrorKind::io;
    throw Error(k, what + ": " + std::strerror(err));
}

}  // namespace

void add_output_options(CLI::App& verb, OutputOptions& out) {
    verb.add_option("-o,--output", out.path, "Write to FILE (atomically) instead of stdout");
    verb.add_flag("--force", out.force, "Write binary output to a terminal anyway");
}

OutputSink::OutputSink(const OutputOptions& opts, Content content, Access access, int stdout_fd) {
    if (opts.path.empty() || opts.path == "-") {
        if (content == Content::binary && !opts.force && is_terminal(stdout_fd))
            throw Error(ErrorKind::usage, "refusing to write binary output to a terminal",
                        "use -o FILE or --force");
        std::cout.flush();  // keep order with anything already printed through iostreams
        fd_ = stdout_fd;
        return;
    }
    path_ = opts.path;
    // A device or FIFO (-o /dev/null, -o /dev/stdout, a named pipe) is written in place: renaming a
    // temporary file over it would replace the device with a regular file.
    struct stat st {};
    if (::stat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        fd_ = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd_ < 0) fail(path_ + ": cannot open", errno);
        device_ = true;
        return;
    }
    std::string tmpl = dir_of(path_) + "/." + base_of(path_) + ".tmp-XXXXXX";
    fd_ = ::mkostemp(tmpl.data(), O_CLOEXEC);
    if (fd_ < 0) fail(path_ + ": cannot create temporary file", errno);
    tmp_path_ = tmpl;
    // mkostemp makes 0600 files; ordinary outputs get the usual umask-derived mode.
    mode_t mode = access == Access::private_key ? 0600 : (0666 & ~current_umask());
    if (::fchmod(fd_, mode) != 0) {
        int e = errno;
        abort();
        fail(path_ + ": cannot set mode", e);
    }
}

OutputSink::~OutputSink() {
    if (!committed_) abort();
}

void OutputSink::abort() noexcept {
    if (!tmp_path_.empty()) {
        if (fd_ >= 0) ::close(fd_);
        ::unlink(tmp_path_.c_str());
        tmp_path_.clear();
    } else if (device_ && fd_ >= 0) {
        ::close(fd_);
    }
    fd_ = -1;
}

void OutputSink::write(ByteView data) {
    if (fd_ < 0) throw Error(ErrorKind::internal, "output written after it was closed");
    const std::uint8_t* p = data.data();
    std::size_t left = data.size();
    while (left > 0) {
        ssize_t n = ::write(fd_, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            std::string where = path_.empty() ? "<stdout>" : path_;
            abort();
            throw Error(ErrorKind::io, where + ": write failed: " + std::strerror(e));
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

void OutputSink::commit() {
    if (committed_) return;
    if (tmp_path_.empty()) {  // stdout or a device: nothing is buffered here
        if (device_ && fd_ >= 0) ::close(fd_);
        if (device_) fd_ = -1;
        committed_ = true;
        return;
    }
    if (::fsync(fd_) != 0) {
        int e = errno;
        abort();
        fail(path_ + ": fsync failed", e);
    }
    if (::close(fd_) != 0) {
        int e = errno;
        fd_ = -1;
        abort();
        fail(path_ + ": close failed", e);
    }
    fd_ = -1;
    if (::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
        int e = errno;
        abort();
        fail(path_ + ": cannot rename into place", e);
    }
    tmp_path_.clear();
    committed_ = true;
    // Make the rename itself durable.
    int dfd = ::open(dir_of(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

void write_output(const OutputOptions& opts, ByteView data, Content content, Access access) {
    OutputSink sink(opts, content, access);
    sink.write(data);
    sink.commit();
}

}  // namespace iotops::cli
