#include "iotops/crypto/hasher.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "crypto/digest.hpp"
#include "crypto/native.hpp"

namespace iotops::crypto {

struct Hasher::State {
    MdCtxPtr ctx;
    const EVP_MD* md = nullptr;
    void start() {
        if (EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1) throw_openssl(ErrorKind::internal, "digest init");
    }
};

Hasher::Hasher(Hash h) : state_(std::make_unique<State>()) {
    state_->ctx.reset(EVP_MD_CTX_new());
    if (!state_->ctx) throw_openssl(ErrorKind::internal, "digest context");
    state_->md = evp_md(h);
    state_->start();
}
Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::update(ByteView data) {
    if (EVP_DigestUpdate(state_->ctx.get(), data.data(), data.size()) != 1) throw_openssl(ErrorKind::internal, "digest");
}

Bytes Hasher::finish() {
    Bytes out(EVP_MAX_MD_SIZE);
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(state_->ctx.get(), out.data(), &len) != 1) throw_openssl(ErrorKind::internal, "digest");
    out.resize(len);
    state_->start();
    return out;
}

namespace {

struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

ErrorKind kind_of(int err) {
    if (err == ENOENT || err == ENOTDIR) return ErrorKind::missing;
    if (err == EACCES || err == EPERM) return ErrorKind::permission;
    return ErrorKind::io;
}

}  // namespace

FileDigest digest_file(Hash h, const std::string& path) {
    Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (f.fd < 0) {
        int err = errno;
        throw Error(kind_of(err), path + ": " + std::strerror(err));
    }
#ifdef POSIX_FADV_SEQUENTIAL
    ::posix_fadvise(f.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    Hasher hasher(h);
    FileDigest out;
    std::vector<std::uint8_t> buf(4u << 20);
    for (;;) {
        ssize_t n = ::read(f.fd, buf.data(), buf.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            throw Error(err == EISDIR ? ErrorKind::io : kind_of(err), path + ": " + std::strerror(err));
        }
        if (n == 0) break;
        hasher.update(ByteView(buf.data(), static_cast<std::size_t>(n)));
        out.size += static_cast<std::uint64_t>(n);
    }
    out.digest = hasher.finish();
    return out;
}

Bytes sha1(ByteView data) {
    static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA1", nullptr);
    if (md == nullptr) throw_openssl(ErrorKind::internal, "cannot fetch SHA1");
    Bytes out(20);
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1) throw_openssl(ErrorKind::internal, "sha1");
    return out;
}

}  // namespace iotops::crypto
