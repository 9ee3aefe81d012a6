// Inside the crypto area only: the OpenSSL objects behind the public types, with RAII owners.
#pragma once
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

#include "iotops/core/bytes.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/key.hpp"

namespace iotops::crypto {

template <auto Fn>
struct Deleter {
    template <typename T>
    void operator()(T* p) const noexcept { Fn(p); }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using X509ReqPtr = std::unique_ptr<X509_REQ, Deleter<X509_REQ_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME_free>>;
using X509ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using CmsPtr = std::unique_ptr<CMS_ContentInfo, Deleter<CMS_ContentInfo_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using AsnObjPtr = std::unique_ptr<ASN1_OBJECT, Deleter<ASN1_OBJECT_free>>;
using AsnOctetPtr = std::unique_ptr<ASN1_OCTET_STRING, Deleter<ASN1_OCTET_STRING_free>>;

// Certificate stacks that own their elements.
struct X509StackDeleter {
    void operator()(STACK_OF(X509) * s) const noexcept { sk_X509_pop_free(s, X509_free); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackDeleter>;

struct KeyContextPool;  // crypto/key_context_pool.hpp: cached key type and reusable operation contexts

struct PublicKey::Impl {
    PkeyPtr pkey;
    std::shared_ptr<KeyContextPool> pool;  // set by wrap_public; may be null
};
struct PrivateKey::Impl {
    PkeyPtr pkey;
    std::shared_ptr<KeyContextPool> pool;  // set by wrap_private; may be null
};
struct Certificate::Impl {
    X509Ptr x509;
};
struct Csr::Impl {
    X509ReqPtr req;
};

inline EVP_PKEY* native(const PublicKey& k) { return k.impl().pkey.get(); }
inline EVP_PKEY* native(const PrivateKey& k) { return k.impl().pkey.get(); }
inline X509* native(const Certificate& c) { return c.impl().x509.get(); }
inline X509_REQ* native(const Csr& c) { return c.impl().req.get(); }

// Wrap (taking ownership) or copy (up-ref) OpenSSL objects into the public types.
PublicKey wrap_public(PkeyPtr pkey);
PrivateKey wrap_private(PkeyPtr pkey);
Certificate wrap_certificate(X509Ptr x509);
Certificate copy_certificate(X509* x509);  // up-refs

// The OpenSSL error queue as one line ("what: reason"), and cleared.
std::string openssl_error(std::string_view what);
[[noreturn]] void throw_openssl(ErrorKind kind, std::string_view what);

// A read-only memory BIO over bytes.
BioPtr memory_bio(ByteView data);
Bytes bio_contents(BIO* bio);

// The DER of an OpenSSL object through its i2d_* function.
template <typename T, typename I2d>
Bytes der_of(const T* object, I2d i2d, std::string_view what) {
    unsigned char* out = nullptr;
    int len = i2d(object, &out);
    if (len <= 0) throw_openssl(ErrorKind::internal, what);
    Bytes der(out, out + len);
    OPENSSL_free(out);
    return der;
}

// The text a writer puts into a memory BIO (PEM writers, name printers); write returns success.
template <typename Write>
std::string bio_text(Write write, std::string_view what) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || !write(bio.get())) throw_openssl(ErrorKind::internal, what);
    return to_string(bio_contents(bio.get()));
}

}  // namespace iotops::crypto
