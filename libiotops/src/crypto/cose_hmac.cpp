#include "crypto/cose_hmac.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>

#include "crypto/native.hpp"

namespace iotops::crypto {
namespace {

using MacPtr = std::unique_ptr<EVP_MAC, Deleter<EVP_MAC_free>>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, Deleter<EVP_MAC_CTX_free>>;

// Fetched once: fetching is a provider lookup, too slow to repeat per message.
EVP_MAC* hmac() {
    static const MacPtr mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    if (!mac) throw_openssl(ErrorKind::internal, "hmac: EVP_MAC_fetch");
    return mac.get();
}

}  // namespace

Bytes hmac_sha256(ByteView key, ByteView data) {
    MacCtxPtr ctx(EVP_MAC_CTX_new(hmac()));
    if (!ctx) throw_openssl(ErrorKind::internal, "hmac: EVP_MAC_CTX_new");
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
    static const std::uint8_t empty = 0;
    if (EVP_MAC_init(ctx.get(), key.empty() ? &empty : key.data(), key.size(), params) != 1 ||
        EVP_MAC_update(ctx.get(), data.data(), data.size()) != 1)
        throw_openssl(ErrorKind::internal, "hmac: EVP_MAC_init");
    Bytes out(32);
    std::size_t len = 0;
    if (EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1) throw_openssl(ErrorKind::internal, "hmac: EVP_MAC_final");
    out.resize(len);
    return out;
}

bool equal_constant_time(ByteView a, ByteView b) {
    if (a.size() != b.size()) return false;
    return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace iotops::crypto
