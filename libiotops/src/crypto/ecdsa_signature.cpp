// COSE and JWS carry ECDSA signatures as fixed-width r||s; OpenSSL, X.509 and CMS use DER.
#include <openssl/ecdsa.h>

#include "crypto/key_detail.hpp"
#include "crypto/native.hpp"

namespace iotops::crypto {

namespace {
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG_free>>;
}

std::optional<Bytes> ecdsa_raw_to_der(ByteView raw, std::size_t width) {
    if (width == 0 || raw.size() != 2 * width) return std::nullopt;
    EcdsaSigPtr sig(ECDSA_SIG_new());
    BnPtr r(BN_bin2bn(raw.data(), static_cast<int>(width), nullptr));
    BnPtr s(BN_bin2bn(raw.data() + width, static_cast<int>(width), nullptr));
    if (!sig || !r || !s) throw_openssl(ErrorKind::internal, "ecdsa signature");
    ECDSA_SIG_set0(sig.get(), r.release(), s.release());
    return der_of(sig.get(), i2d_ECDSA_SIG, "ecdsa signature encode");
}

Bytes ecdsa_der_to_raw(ByteView der, std::size_t width) {
    const unsigned char* p = der.data();
    EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
    if (!sig) throw_openssl(ErrorKind::internal, "ecdsa signature decode");
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    Bytes raw(2 * width);
    if (BN_bn2binpad(r, raw.data(), static_cast<int>(width)) < 0 ||
        BN_bn2binpad(s, raw.data() + width, static_cast<int>(width)) < 0)
        throw_openssl(ErrorKind::internal, "ecdsa signature wider than the curve");
    return raw;
}

}  // namespace iotops::crypto
