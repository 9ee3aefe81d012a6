// Database snapshots and the response cache of the OCSP responder.
#include "ocsp_store.hpp"

#include "iotops/core/error.hpp"

namespace iotops::revoke_cli {

OcspStore::OcspStore(std::vector<std::string> dbs) {
    for (auto& p : dbs) dbs_.push_back(Db{std::move(p), nullptr, {}, 0, -1});
    refresh();
    for (const auto& d : dbs_)
        if (!d.index) throw Error(ErrorKind::missing, "cannot read the database " + d.path);
}

crypto::ocsp::SingleStatus OcspStore::lookup(std::size_t issuer, const std::string& serial_hex) {
    std::shared_ptr<const ca::Index> idx;
    {
        std::shared_lock lk(lock_);
        idx = dbs_[issuer].index;
    }
    crypto::ocsp::SingleStatus s;
    const ca::Entry* e = idx->find_serial(serial_hex);
    if (!e) return s;  // unknown: never issued here (RFC 6960 2.2)
    if (e->status == ca::Status::revoked && e->revocation) {
        s.status = crypto::ocsp::CertStatus::revoked;
        s.revocation_time = e->revocation->time;
        if (e->revocation->reason) s.reason = static_cast<int>(*e->revocation->reason);
    } else {
        s.status = crypto::ocsp::CertStatus::good;
    }
    return s;
}

void OcspStore::refresh() {
    using std::chrono::steady_clock;
    steady_clock::rep t = steady_clock::now().time_since_epoch().count(), last = last_check_.load();
    if (last != 0 && t - last < steady_clock::duration(std::chrono::milliseconds(1)).count()) return;
    if (!last_check_.compare_exchange_strong(last, t)) return;  // another thread is looking
    std::lock_guard guard(reload_);
    bool changed = false;
    for (auto& d : dbs_) {
        struct stat st {};
        if (::stat(d.path.c_str(), &st) != 0) continue;  // keep serving the last snapshot
        if (d.index && st.st_ino == d.inode && st.st_size == d.size && st.st_mtim.tv_sec == d.mtime.tv_sec &&
            st.st_mtim.tv_nsec == d.mtime.tv_nsec)
            continue;
        try {
            auto idx = std::make_shared<const ca::Index>(ca::Database(d.path).load());
            std::unique_lock lk(lock_);
            d.index = std::move(idx);
            d.inode = st.st_ino;
            d.size = st.st_size;
            d.mtime = st.st_mtim;
            changed = true;
        } catch (const Error&) {
            if (!d.index) throw;  // a half-edited file: keep the last good snapshot
        }
    }
    if (changed) {
        std::unique_lock lk(lock_);
        cache_.clear();
    }
}

std::shared_ptr<const crypto::ocsp::Response> OcspStore::cached(const std::string& request) const {
    std::shared_lock lk(lock_);
    auto it = cache_.find(request);
    return it == cache_.end() ? nullptr : it->second;
}

void OcspStore::remember(const std::string& request, std::shared_ptr<const crypto::ocsp::Response> r) {
    std::unique_lock lk(lock_);
    if (cache_.size() > 100000) cache_.clear();  // bound memory
    cache_[request] = std::move(r);
}

}  // namespace iotops::revoke_cli
