// Certificate path validation at a chosen time.
#include <algorithm>

#include "crypto/native.hpp"

namespace iotops::crypto {

ChainResult verify_chain(const Certificate& leaf, const ChainOptions& options) {
    ChainResult result;
    X509StorePtr store(X509_STORE_new());
    if (!store) throw_openssl(ErrorKind::internal, "verify chain");
    for (const auto& anchor : options.trust_anchors)
        if (X509_STORE_add_cert(store.get(), native(anchor)) != 1) ERR_clear_error();  // duplicates are fine
    X509StackPtr untrusted(sk_X509_new_null());
    for (const auto& c : options.intermediates) {
        X509_up_ref(native(c));
        sk_X509_push(untrusted.get(), native(c));
    }
    X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), native(leaf), untrusted.get()) != 1)
        throw_openssl(ErrorKind::internal, "verify chain");
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
    // PARTIAL_CHAIN: a configured anchor ends the path even when it is not a self-signed root, so an
    // intermediate CA (e.g. a pinned domain CA or a manufacturer sub-CA) can be the trust anchor.
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
    if (options.at) X509_VERIFY_PARAM_set_time(param, to_time_t(*options.at));
    // No purpose is set, so OpenSSL checks no EKU; required_eku is checked below on the leaf alone.

    int rc = X509_verify_cert(ctx.get());
    if (rc != 1) {
        int err = X509_STORE_CTX_get_error(ctx.get());
        result.error = err != X509_V_OK ? X509_verify_cert_error_string(err) : openssl_error("verify chain");
        ERR_clear_error();
        return result;
    }
    if (options.required_eku) {
        auto ekus = leaf.ext_key_usage();
        if (std::find(ekus.begin(), ekus.end(), *options.required_eku) == ekus.end()) {
            result.error = "leaf certificate lacks extended key usage " + *options.required_eku;
            return result;
        }
    }
    STACK_OF(X509)* chain = X509_STORE_CTX_get1_chain(ctx.get());
    X509StackPtr owned(chain);
    for (int i = 0; i < sk_X509_num(chain); ++i) result.chain.push_back(copy_certificate(sk_X509_value(chain, i)));
    result.ok = true;
    return result;
}

}  // namespace iotops::crypto
