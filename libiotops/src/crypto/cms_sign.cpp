// CMS SignedData: signing in binary mode with signed attributes.
#include <algorithm>
#include <vector>

#include "crypto/cms_common.hpp"
#include "iotops/crypto/cms.hpp"

namespace iotops::crypto::cms {
namespace {

using AsnTimePtr = std::unique_ptr<ASN1_TIME, Deleter<ASN1_TIME_free>>;

const EVP_MD* digest_for(const PrivateKey& key, std::optional<Hash> wanted) {
    Hash h = wanted.value_or(key.type() == KeyType::p384 ? Hash::sha384 : Hash::sha256);
    switch (h) {
        case Hash::sha256: return EVP_sha256();
        case Hash::sha384: return EVP_sha384();
        case Hash::sha512: return EVP_sha512();
    }
    return EVP_sha256();
}

}  // namespace

Bytes sign(ByteView content, const PrivateKey& key, const Certificate& certificate, const SignOptions& options) {
    EVP_PKEY* pkey = native(key);
    X509* cert = native(certificate);
    ERR_clear_error();
    if (X509_check_private_key(cert, pkey) != 1) {
        ERR_clear_error();
        throw Error(ErrorKind::usage, "cms sign: the private key does not match the signer certificate");
    }
    AsnObjPtr type(OBJ_txt2obj(options.econtent_type.c_str(), 1));
    if (!type) {
        ERR_clear_error();
        throw Error(ErrorKind::usage, "cms sign: econtent type \"" + options.econtent_type + "\" is not a dotted oid");
    }

    // CMS_PARTIAL: the eContentType and signer are set before the content is digested in CMS_final.
    unsigned int flags = CMS_PARTIAL | CMS_BINARY;
    if (options.detached) flags |= CMS_DETACHED;
    if (!options.smime_capabilities) flags |= CMS_NOSMIMECAP;
    if (options.signer_key_id) flags |= CMS_USE_KEYID;
    if (!options.include_signer_certificate) flags |= CMS_NOCERTS;

    // ASN1_TIME_set picks UTCTime for 1950-2049 and GeneralizedTime otherwise, as RFC 5652 11.3 asks.
    AsnTimePtr signing_time(ASN1_TIME_set(nullptr, to_time_t(options.signing_time.value_or(now()))));
    if (!signing_time) throw_openssl(ErrorKind::internal, "cms sign: signing time");

    // Certificates to include; OpenSSL refuses one twice, so skip repeats (e.g. the signer's own among the extras).
    std::vector<X509*> added;
    if (options.include_signer_certificate) added.push_back(cert);
    for (const Certificate& extra : options.extra_certificates) {
        X509* x = native(extra);
        if (std::any_of(added.begin(), added.end(), [x](X509* a) { return X509_cmp(a, x) == 0; })) continue;
        added.push_back(x);
    }

    // ECDSA with the usual options: written directly (same bytes as OpenSSL's CMS layer, less work).
    bool ecdsa = key.type() == KeyType::p256 || key.type() == KeyType::p384;
    if (ecdsa && !options.smime_capabilities && !options.signer_key_id)
        return cms_detail::sign_ecdsa_der(content, key, cert, added, type.get(), digest_for(key, options.hash),
                                          signing_time.get(), options.detached);

    CmsPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, flags));
    if (!cms) throw_openssl(ErrorKind::internal, "cms sign");
    if (CMS_set1_eContentType(cms.get(), type.get()) != 1) throw_openssl(ErrorKind::internal, "cms sign: econtent type");
    for (X509* x : added)
        if (x != cert && CMS_add1_cert(cms.get(), x) != 1) throw_openssl(ErrorKind::internal, "cms sign: adding a certificate");

    if (cms_detail::is_eddsa(pkey)) {
        cms_detail::sign_eddsa(cms.get(), cert, pkey, content, signing_time.get(), flags);
    } else {
        BioPtr in = memory_bio(content);
        CMS_SignerInfo* si = CMS_add1_signer(cms.get(), cert, pkey, digest_for(key, options.hash), flags);
        if (si == nullptr) throw_openssl(ErrorKind::usage, "cms sign: adding the signer");
        if (CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, signing_time->type, signing_time.get(), -1) != 1)
            throw_openssl(ErrorKind::internal, "cms sign: signing time");
        if (CMS_final(cms.get(), in.get(), nullptr, flags) != 1) throw_openssl(ErrorKind::internal, "cms sign: signing");
    }

    int len = i2d_CMS_ContentInfo(cms.get(), nullptr);
    if (len <= 0) throw_openssl(ErrorKind::internal, "cms sign: encoding");
    Bytes der(static_cast<std::size_t>(len));
    unsigned char* p = der.data();
    if (i2d_CMS_ContentInfo(cms.get(), &p) != len) throw_openssl(ErrorKind::internal, "cms sign: encoding");
    return der;
}

}  // namespace iotops::crypto::cms
