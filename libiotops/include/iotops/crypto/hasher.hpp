// Incremental hashing: data that arrives in pieces (a firmware image read in large chunks) and
// SHA-1 for name-based UUIDs (RFC 9562 version 5), which nothing else in iotops signs with.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "iotops/core/bytes.hpp"
#include "iotops/crypto/key.hpp"

namespace iotops::crypto {

class Hasher {
public:
    explicit Hasher(Hash h);
    ~Hasher();
    Hasher(Hasher&&) noexcept;
    Hasher& operator=(Hasher&&) noexcept;
    Hasher(const Hasher&) = delete;
    Hasher& operator=(const Hasher&) = delete;

    void update(ByteView data);
    Bytes finish();  // the digest; the hasher can then be reused from the start

    struct State;

private:
    std::unique_ptr<State> state_;
};

struct FileDigest {
    Bytes digest;
    std::uint64_t size = 0;
};

// Hashes a file in 4 MiB reads, never holding it whole. Error(missing/permission/io) naming the path.
FileDigest digest_file(Hash h, const std::string& path);

// SHA-1, only for UUIDv5 derivation (not a signature hash).
Bytes sha1(ByteView data);

}  // namespace iotops::crypto
