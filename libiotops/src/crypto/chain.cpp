// Certificate path validation at a chosen time.
#include <algorithm>
#include <ctime>
#include <string>
#include <unordered_map>

#include "crypto/native.hpp"

namespace iotops::crypto {

namespace {

void append_der(std::string& key, X509* x) {
    Bytes der = der_of(x, i2d_X509, "verify chain");
    std::size_t len = der.size();  // each certificate length-prefixed, so no two lists give one key
    key.append(reinterpret_cast<const char*>(&len), sizeof len);
    key.append(der.begin(), der.end());
}

// Everything the result depends on: the time (to the second, as X.509 checks it), the EKU wanted and
// every certificate's DER, each with its length.
std::string cache_key(const Certificate& leaf, const ChainOptions& options, std::time_t at) {
    std::string key = std::to_string(at) + '|' + options.required_eku.value_or("-") + '|';
    append_der(key, native(leaf));
    key += "|a";
    for (const auto& c : options.trust_anchors) append_der(key, native(c));
    key += "|i";
    for (const auto& c : options.intermediates) append_der(key, native(c));
    return key;
}

ChainResult verify_chain_at(const Certificate& leaf, const ChainOptions& options, std::time_t at) {
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
    X509_VERIFY_PARAM_set_time(param, at);
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

}  // namespace

// A stream of artifacts from one signer asks the same question again and again; path building costs
// far more than the signature, so answers are remembered per thread for the same inputs and second.
ChainResult verify_chain(const Certificate& leaf, const ChainOptions& options) {
    // The same clock certificates are issued with: time() reads a coarse clock that can lag it by
    // a tick, which made a certificate issued at 10.001 s "not yet valid" at 9 s.
    std::time_t at = to_time_t(options.at.value_or(now()));
    thread_local std::unordered_map<std::string, ChainResult> cache;
    std::string key = cache_key(leaf, options, at);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    ChainResult result = verify_chain_at(leaf, options, at);
    if (cache.size() >= 64) cache.clear();
    cache.emplace(std::move(key), result);
    return result;
}

}  // namespace iotops::crypto
