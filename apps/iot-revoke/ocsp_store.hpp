// What the OCSP responder answers from: the CA databases, reloaded when a file changes (mtime,
// inode, size), and a cache of signed nonce-less responses that is dropped on every reload.
#pragma once
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "iotops/ca/database.hpp"
#include "iotops/crypto/ocsp.hpp"

namespace iotops::revoke_cli {

class OcspStore {
public:
    // dbs[i] serves issuer i.
    explicit OcspStore(std::vector<std::string> dbs);

    // The status of a serial under issuer i, from the current snapshot.
    crypto::ocsp::SingleStatus lookup(std::size_t issuer, const std::string& serial_hex);
    // Reloads any database whose file changed; clears the cache when one did. Looks at the files
    // at most once a millisecond: a stat per request was a tenth of a cached answer's cost, and
    // no client can tell a change from a millisecond earlier.
    void refresh();

    std::shared_ptr<const crypto::ocsp::Response> cached(const std::string& request) const;
    void remember(const std::string& request, std::shared_ptr<const crypto::ocsp::Response> r);

private:
    struct Db {
        std::string path;
        std::shared_ptr<const ca::Index> index;
        struct timespec mtime {};
        ino_t inode = 0;
        off_t size = -1;
    };
    std::vector<Db> dbs_;
    std::mutex reload_;
    mutable std::shared_mutex lock_;  // guards dbs_[*].index and cache_
    std::unordered_map<std::string, std::shared_ptr<const crypto::ocsp::Response>> cache_;
    std::atomic<std::chrono::steady_clock::rep> last_check_{0};  // steady_clock ticks
};

}  // namespace iotops::revoke_cli
