// Reused OpenSSL operation contexts per key. Creating and initialising an EVP_PKEY_CTX costs about as
// much as a P-256 signature in OpenSSL 3.0 (algorithm fetch, provider context), so each key keeps a
// few ready ones: a call leases one, uses it alone, and hands it back. Freed with the key.
#pragma once
#include <mutex>
#include <vector>

#include "crypto/native.hpp"

namespace iotops::crypto {

struct KeyContextPool {
    KeyType type = KeyType::other;
    std::size_t ecdsa_width = 0;

    std::mutex mutex;
    std::vector<PkeyCtxPtr> pkey_ctxs;  // ECDSA: initialised for EVP_PKEY_sign (private) or _verify (public)
    std::vector<MdCtxPtr> md_ctxs;      // Ed25519: initialised for EVP_DigestSign or EVP_DigestVerify
};

std::shared_ptr<KeyContextPool> make_key_context_pool(EVP_PKEY* pkey);

// A context taken from the pool (or made fresh); returned on release() after a successful use.
// Dropping it without release() frees it, so a context in an unknown state is never reused.
template <typename Ptr>
class ContextLease {
public:
    ContextLease(KeyContextPool* pool, std::vector<Ptr>* slot, Ptr ctx) : pool_(pool), slot_(slot), ctx_(std::move(ctx)) {}
    auto* get() const { return ctx_.get(); }
    explicit operator bool() const { return static_cast<bool>(ctx_); }
    void release() {
        if (pool_ == nullptr || !ctx_) return;
        std::lock_guard lock(pool_->mutex);
        if (slot_->size() < 16) slot_->push_back(std::move(ctx_));
    }

private:
    KeyContextPool* pool_;
    std::vector<Ptr>* slot_;
    Ptr ctx_;
};

enum class KeyOp { sign, verify };

// Initialised contexts for this key and operation. pool may be null (no reuse).
ContextLease<PkeyCtxPtr> lease_pkey_ctx(KeyContextPool* pool, EVP_PKEY* pkey, KeyOp op);
ContextLease<MdCtxPtr> lease_md_ctx(KeyContextPool* pool, EVP_PKEY* pkey, KeyOp op);

}  // namespace iotops::crypto
