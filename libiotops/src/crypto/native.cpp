#include "crypto/native.hpp"

#include "crypto/key_context_pool.hpp"

namespace iotops::crypto {

PublicKey wrap_public(PkeyPtr pkey) {
    auto impl = std::make_shared<PublicKey::Impl>();
    impl->pkey = std::move(pkey);
    impl->pool = make_key_context_pool(impl->pkey.get());
    return PublicKey(std::move(impl));
}

PrivateKey wrap_private(PkeyPtr pkey) {
    auto impl = std::make_shared<PrivateKey::Impl>();
    impl->pkey = std::move(pkey);
    impl->pool = make_key_context_pool(impl->pkey.get());
    return PrivateKey(std::move(impl));
}

Certificate wrap_certificate(X509Ptr x509) {
    auto impl = std::make_shared<Certificate::Impl>();
    impl->x509 = std::move(x509);
    return Certificate(std::move(impl));
}

Certificate copy_certificate(X509* x509) {
    X509_up_ref(x509);
    return wrap_certificate(X509Ptr(x509));
}

std::string openssl_error(std::string_view what) {
    std::string out(what);
    unsigned long code = ERR_get_error();
    if (code != 0) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        // Keep only the reason: "error:0480006C:PEM routines::no start line" -> "no start line".
        std::string text = buf;
        auto colon = text.rfind(':');
        out += ": ";
        out += colon == std::string::npos ? text : text.substr(colon + 1);
    }
    ERR_clear_error();
    return out;
}

void throw_openssl(ErrorKind kind, std::string_view what) { throw Error(kind, openssl_error(what)); }

BioPtr memory_bio(ByteView data) {
    BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    if (!bio) throw_openssl(ErrorKind::internal, "BIO_new_mem_buf");
    return bio;
}

Bytes bio_contents(BIO* bio) {
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    if (len <= 0) return {};
    return Bytes(reinterpret_cast<std::uint8_t*>(data), reinterpret_cast<std::uint8_t*>(data) + len);
}

}  // namespace iotops::crypto
