#include "crypto/digest.hpp"

#include "crypto/native.hpp"

namespace iotops::crypto {

namespace {

const EVP_MD* fetch(const char* name) {
    EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
    if (md == nullptr) throw_openssl(ErrorKind::internal, std::string("cannot fetch digest ") + name);
    return md;  // intentionally kept until exit
}

}  // namespace

const EVP_MD* evp_md(Hash h) {
    // Function-local statics: thread-safe one-time fetch.
    switch (h) {
        case Hash::sha256: {
            static const EVP_MD* md = fetch("SHA2-256");
            return md;
        }
        case Hash::sha384: {
            static const EVP_MD* md = fetch("SHA2-384");
            return md;
        }
        case Hash::sha512: {
            static const EVP_MD* md = fetch("SHA2-512");
            return md;
        }
    }
    throw_internal("unknown hash");
}

std::size_t digest_size(Hash h) {
    switch (h) {
        case Hash::sha256: return 32;
        case Hash::sha384: return 48;
        case Hash::sha512: return 64;
    }
    throw_internal("unknown hash");
}

Bytes digest(Hash h, ByteView data) {
    Bytes out(digest_size(h));
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &len, evp_md(h), nullptr) != 1)
        throw_openssl(ErrorKind::internal, "digest");
    out.resize(len);
    return out;
}

}  // namespace iotops::crypto
