#include "common/reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace iotops::cli {
namespace {
constexpr std::size_t kChunk = 64 * 1024;
}

ErrorKind kind_for_errno(int err) {
    switch (err) {
        case ENOENT:
        case ENOTDIR: return ErrorKind::missing;
        case EACCES:
        case EPERM: return ErrorKind::permission;
        default: return ErrorKind::io;
    }
}

Reader::Reader(int fd, bool owns, std::string name) : fd_(fd), owns_(owns), name_(std::move(name)) {
    struct stat st {};
    if (fd_ >= 0 && ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) size_ = static_cast<std::uint64_t>(st.st_size);
}

Reader Reader::open(const std::string& path) {
    if (path == "-") return Reader(STDIN_FILENO, false, "<stdin>");
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        throw Error(kind_for_errno(e), path + ": cannot open: " + std::strerror(e));
    }
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        ::close(fd);
        throw Error(ErrorKind::io, path + ": cannot read: is a directory");
    }
    return Reader(fd, true, path);
}

Reader Reader::from_string(std::string data, std::string name) {
    Reader r(-1, false, std::move(name));
    r.buf_.assign(data.begin(), data.end());
    r.end_ = r.buf_.size();
    r.size_ = r.buf_.size();
    return r;
}

Reader::Reader(Reader&& o) noexcept
    : fd_(o.fd_), owns_(o.owns_), name_(std::move(o.name_)), buf_(std::move(o.buf_)), pos_(o.pos_),
      end_(o.end_), consumed_(o.consumed_), size_(o.size_) {
    o.fd_ = -1;
    o.owns_ = false;
}

Reader::~Reader() {
    if (owns_ && fd_ >= 0) ::close(fd_);
}

bool Reader::fill(std::size_t want) {
    if (end_ - pos_ >= want) return true;
    if (fd_ < 0) return false;
    if (pos_ > 0) {  // keep only the unread bytes
        std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
        end_ -= pos_;
        pos_ = 0;
    }
    while (end_ < want) {
        if (buf_.size() < end_ + kChunk) buf_.resize(end_ + kChunk);
        ssize_t n = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            throw Error(kind_for_errno(e) == ErrorKind::permission ? ErrorKind::permission : ErrorKind::io,
                        name_ + ": read failed: " + std::strerror(e));
        }
        if (n == 0) return false;
        end_ += static_cast<std::size_t>(n);
    }
    return true;
}

int Reader::peek_at(std::size_t ahead) {
    if (!fill(ahead + 1)) return -1;
    return buf_[pos_ + ahead];
}

bool Reader::read_line(std::string& out, std::size_t max) {
    bool over = false;
    while (fill(1)) {
        const std::uint8_t* start = buf_.data() + pos_;
        std::size_t avail = end_ - pos_;
        const auto* nl = static_cast<const std::uint8_t*>(std::memchr(start, '\n', avail));
        std::size_t take = nl != nullptr ? static_cast<std::size_t>(nl - start) : avail;
        std::size_t room = out.size() < max ? max - out.size() : 0;
        if (take > room) over = true;
        out.append(reinterpret_cast<const char*>(start), std::min(take, room));
        std::size_t used = take + (nl != nullptr ? 1 : 0);
        pos_ += used;
        consumed_ += used;
        if (nl != nullptr) break;
    }
    return over;
}

void Reader::read_exact(std::size_t n, std::string& out, const char* what) {
    while (n > 0) {
        if (!fill(1)) throw Error(ErrorKind::malformed, name_ + ": " + what + ": input ends at byte " +
                                                            std::to_string(consumed_));
        std::size_t take = std::min(n, end_ - pos_);
        out.append(reinterpret_cast<const char*>(buf_.data() + pos_), take);
        pos_ += take;
        consumed_ += take;
        n -= take;
    }
}

Bytes Reader::read_all() {
    Bytes out;
    if (size_) out.reserve(static_cast<std::size_t>(*size_));
    while (fill(1)) {
        out.insert(out.end(), buf_.begin() + static_cast<std::ptrdiff_t>(pos_),
                   buf_.begin() + static_cast<std::ptrdiff_t>(end_));
        consumed_ += end_ - pos_;
        pos_ = end_;
    }
    return out;
}

}  // namespace iotops::cli
