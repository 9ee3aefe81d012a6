#include "crypto/key_context_pool.hpp"

#include "crypto/key_detail.hpp"

namespace iotops::crypto {

namespace {

template <typename Ptr>
Ptr take(KeyContextPool* pool, std::vector<Ptr>& slot) {
    if (pool == nullptr) return nullptr;
    std::lock_guard lock(pool->mutex);
    if (slot.empty()) return nullptr;
    Ptr ctx = std::move(slot.back());
    slot.pop_back();
    return ctx;
}

}  // namespace

std::shared_ptr<KeyContextPool> make_key_context_pool(EVP_PKEY* pkey) {
    auto pool = std::make_shared<KeyContextPool>();
    pool->type = key_type_of(pkey);
    if (pool->type == KeyType::p256 || pool->type == KeyType::p384) pool->ecdsa_width = ecdsa_width(pkey);
    return pool;
}

ContextLease<PkeyCtxPtr> lease_pkey_ctx(KeyContextPool* pool, EVP_PKEY* pkey, KeyOp op) {
    auto* slot = pool ? &pool->pkey_ctxs : nullptr;
    PkeyCtxPtr ctx = pool ? take(pool, *slot) : nullptr;
    if (!ctx) {
        ctx.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
        int rc = !ctx ? 0 : op == KeyOp::sign ? EVP_PKEY_sign_init(ctx.get()) : EVP_PKEY_verify_init(ctx.get());
        if (rc != 1) throw_openssl(ErrorKind::internal, op == KeyOp::sign ? "sign init" : "verify init");
    }
    return {pool, slot, std::move(ctx)};
}

ContextLease<MdCtxPtr> lease_md_ctx(KeyContextPool* pool, EVP_PKEY* pkey, KeyOp op) {
    auto* slot = pool ? &pool->md_ctxs : nullptr;
    MdCtxPtr ctx = pool ? take(pool, *slot) : nullptr;
    if (!ctx) {
        ctx.reset(EVP_MD_CTX_new());
        int rc = !ctx                ? 0
                 : op == KeyOp::sign ? EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey)
                                     : EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey);
        if (rc != 1) throw_openssl(ErrorKind::internal, op == KeyOp::sign ? "sign init" : "verify init");
    }
    return {pool, slot, std::move(ctx)};
}

}  // namespace iotops::crypto
