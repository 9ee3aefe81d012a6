// CMS SignerInfos that OpenSSL 3.0's CMS layer cannot process: EdDSA (RFC 8419), signed and verified
// here with OpenSSL primitives, and any signer of a SignedData that has an EdDSA signer among others.
#include <openssl/pkcs7.h>

#include "crypto/cms_common.hpp"

namespace iotops::crypto::cms_detail {
namespace {

struct AttrStackDeleter {  // the stack only borrows the SignerInfo's attributes
    void operator()(STACK_OF(X509_ATTRIBUTE) * s) const noexcept { sk_X509_ATTRIBUTE_free(s); }
};

// The DER the signature covers: the signed attributes as a SET OF (RFC 5652 5.4). For signing the SET
// is sorted as DER asks, as OpenSSL will write it; for verifying it keeps the order received.
Bytes signed_attributes_der(CMS_SignerInfo* si, bool for_signing) {
    std::unique_ptr<STACK_OF(X509_ATTRIBUTE), AttrStackDeleter> attrs(sk_X509_ATTRIBUTE_new_null());
    if (!attrs) throw_openssl(ErrorKind::internal, "cms: attributes");
    int n = CMS_signed_get_attr_count(si);
    for (int i = 0; i < n; ++i)
        if (sk_X509_ATTRIBUTE_push(attrs.get(), CMS_signed_get_attr(si, i)) <= 0)
            throw_openssl(ErrorKind::internal, "cms: attributes");
    unsigned char* buf = nullptr;
    int len = ASN1_item_i2d(reinterpret_cast<ASN1_VALUE*>(attrs.get()), &buf,
                            for_signing ? ASN1_ITEM_rptr(PKCS7_ATTR_SIGN) : ASN1_ITEM_rptr(PKCS7_ATTR_VERIFY));
    if (len <= 0 || buf == nullptr) throw_openssl(ErrorKind::internal, "cms: encoding signed attributes");
    Bytes out(buf, buf + len);
    OPENSSL_free(buf);
    return out;
}

Bytes digest_with(const EVP_MD* md, ByteView data) {
    Bytes out(static_cast<std::size_t>(EVP_MD_get_size(md)));
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1)
        throw_openssl(ErrorKind::internal, "cms: digest");
    out.resize(len);
    return out;
}

bool verify_raw(EVP_PKEY* pkey, const EVP_MD* md, ByteView message, const ASN1_OCTET_STRING* signature) {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx) throw_openssl(ErrorKind::internal, "cms: verify");
    bool ok = EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, pkey) == 1 &&
              EVP_DigestVerify(ctx.get(), ASN1_STRING_get0_data(signature),
                               static_cast<std::size_t>(ASN1_STRING_length(signature)), message.data(),
                               message.size()) == 1;
    ERR_clear_error();
    return ok;
}

}  // namespace

bool is_eddsa(const EVP_PKEY* pkey) {
    return pkey != nullptr && (EVP_PKEY_is_a(pkey, "ED25519") || EVP_PKEY_is_a(pkey, "ED448"));
}

CMS_SignerInfo* sign_eddsa(CMS_ContentInfo* cms, X509* cert, EVP_PKEY* pkey, ByteView content,
                           const ASN1_TIME* signing_time, unsigned int flags) {
    // RFC 8419 3.1: SHA-512 for the message digest with Ed25519 (SHAKE256 for Ed448, not offered here).
    const EVP_MD* md = EVP_sha512();
    // CMS_PARTIAL keeps OpenSSL from signing; the attributes and the signature are added below.
    CMS_SignerInfo* si = CMS_add1_signer(cms, cert, pkey, md, (flags | CMS_PARTIAL) & ~CMS_REUSE_DIGEST);
    if (si == nullptr) throw_openssl(ErrorKind::usage, "cms sign: adding the signer");

    // CMS_final would try (and fail) to sign with every SignerInfo, so it runs with ours set aside:
    // it still writes the content and needs the digest algorithm the signer registered.
    STACK_OF(CMS_SignerInfo)* sis = CMS_get0_SignerInfos(cms);
    sk_CMS_SignerInfo_delete_ptr(sis, si);
    BioPtr in = memory_bio(content);
    int finished = CMS_final(cms, in.get(), nullptr, flags);
    sk_CMS_SignerInfo_push(sis, si);  // cannot fail: the stack just had room for it
    if (finished != 1) throw_openssl(ErrorKind::internal, "cms sign");

    X509_ALGOR* sig_alg = nullptr;
    CMS_SignerInfo_get0_algs(si, nullptr, nullptr, nullptr, &sig_alg);
    if (X509_ALGOR_set0(sig_alg, OBJ_nid2obj(EVP_PKEY_get_id(pkey)), V_ASN1_UNDEF, nullptr) != 1)
        throw_openssl(ErrorKind::internal, "cms sign: signature algorithm");

    Bytes message_digest = digest_with(md, content);
    bool ok = CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
                                          const_cast<ASN1_OBJECT*>(CMS_get0_eContentType(cms)), -1) == 1 &&
              CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, signing_time->type, signing_time, -1) == 1 &&
              CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, message_digest.data(),
                                          static_cast<int>(message_digest.size())) == 1;
    if (!ok) throw_openssl(ErrorKind::internal, "cms sign: signed attributes");

    Bytes to_sign = signed_attributes_der(si, true);
    MdCtxPtr ctx(EVP_MD_CTX_new());
    std::size_t sig_len = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &sig_len, to_sign.data(), to_sign.size()) != 1)
        throw_openssl(ErrorKind::internal, "cms sign: eddsa");
    Bytes signature(sig_len);
    if (EVP_DigestSign(ctx.get(), signature.data(), &sig_len, to_sign.data(), to_sign.size()) != 1)
        throw_openssl(ErrorKind::internal, "cms sign: eddsa");
    if (ASN1_OCTET_STRING_set(CMS_SignerInfo_get0_signature(si), signature.data(), static_cast<int>(sig_len)) != 1)
        throw_openssl(ErrorKind::internal, "cms sign: eddsa");
    return si;
}

std::optional<std::string> verify_signer_by_hand(CMS_SignerInfo* si, ByteView content) {
    EVP_PKEY* pkey = nullptr;
    X509_ALGOR* dig_alg = nullptr;
    CMS_SignerInfo_get0_algs(si, &pkey, nullptr, &dig_alg, nullptr);
    const ASN1_OBJECT* dig_oid = nullptr;
    X509_ALGOR_get0(&dig_oid, nullptr, nullptr, dig_alg);
    const EVP_MD* md = EVP_get_digestbyobj(dig_oid);
    if (pkey == nullptr) return "signer certificate not found";
    if (md == nullptr) return "unsupported digest algorithm " + oid_text(dig_oid);
    const ASN1_OCTET_STRING* signature = CMS_SignerInfo_get0_signature(si);

    if (CMS_signed_get_attr_count(si) <= 0) {
        // Signature directly over the content; EdDSA takes no separate digest.
        if (!verify_raw(pkey, is_eddsa(pkey) ? nullptr : md, content, signature))
            return std::string("signature over the content does not verify");
        return std::nullopt;
    }
    auto* signed_digest = static_cast<ASN1_OCTET_STRING*>(
        CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING));
    if (signed_digest == nullptr) return std::string("signed attributes lack a single messageDigest");
    Bytes actual = digest_with(md, content);
    bool signature_ok = is_eddsa(pkey) ? verify_raw(pkey, nullptr, signed_attributes_der(si, false), signature)
                                       : CMS_SignerInfo_verify(si) == 1;
    ERR_clear_error();
    if (!signature_ok) return std::string("signature over the signed attributes does not verify");
    const unsigned char* d = ASN1_STRING_get0_data(signed_digest);
    if (Bytes(d, d + ASN1_STRING_length(signed_digest)) != actual)
        return std::string("content does not match the signed message digest");
    return std::nullopt;
}

}  // namespace iotops::crypto::cms_detail
