// CMS SignedData with one ECDSA signer, written as DER here rather than through OpenSSL's CMS layer,
// which costs about twice the signature itself per message. The bytes are those OpenSSL writes for the
// same input (SET OF members in DER order), so only the signature differs.
#include <algorithm>
#include <cstring>

#include "crypto/cms_common.hpp"
#include "crypto/der.hpp"
#include "crypto/key_detail.hpp"

namespace iotops::crypto::cms_detail {
namespace {

using der::tlv;

Bytes cat(std::initializer_list<ByteView> parts) {
    std::size_t n = 0;
    for (auto p : parts) n += p.size();
    Bytes out;
    out.reserve(n);
    for (auto p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

// DER SET OF order as OpenSSL sorts it: bytewise over the common length, then the shorter first.
Bytes set_of(std::vector<Bytes> members, std::uint8_t tag = 0x31) {
    std::sort(members.begin(), members.end(), [](const Bytes& a, const Bytes& b) {
        int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
        return c != 0 ? c < 0 : a.size() < b.size();
    });
    Bytes body;
    for (const auto& m : members) body.insert(body.end(), m.begin(), m.end());
    return tlv(tag, body);
}

Bytes oid_der(const ASN1_OBJECT* obj) { return der_of(obj, i2d_ASN1_OBJECT, "cms sign: oid"); }

Bytes digest_of(const EVP_MD* md, ByteView data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) throw_openssl(ErrorKind::internal, "cms sign: digest");
    return Bytes(out, out + len);
}

Hash hash_of(const EVP_MD* md) {
    switch (EVP_MD_get_type(md)) {
        case NID_sha384: return Hash::sha384;
        case NID_sha512: return Hash::sha512;
        default: return Hash::sha256;
    }
}

}  // namespace

Bytes sign_ecdsa_der(ByteView content, const PrivateKey& key, X509* cert, const std::vector<X509*>& certificates,
                     const ASN1_OBJECT* econtent_type, const EVP_MD* md, const ASN1_TIME* signing_time, bool detached) {
    int sig_nid = NID_undef;
    if (OBJ_find_sigid_by_algs(&sig_nid, EVP_MD_get_type(md), EVP_PKEY_EC) != 1)
        throw Error(ErrorKind::usage, "cms sign: no ECDSA signature algorithm for this digest");
    const Bytes type_oid = oid_der(econtent_type);
    const Bytes digest_alg = tlv(0x30, oid_der(OBJ_nid2obj(EVP_MD_get_type(md))));
    const Bytes sig_alg = tlv(0x30, oid_der(OBJ_nid2obj(sig_nid)));

    Bytes attrs = set_of(
        {
            tlv(0x30, cat({oid_der(OBJ_nid2obj(NID_pkcs9_contentType)), tlv(0x31, type_oid)})),
            tlv(0x30, cat({oid_der(OBJ_nid2obj(NID_pkcs9_signingTime)),
                           tlv(0x31, der_of(signing_time, i2d_ASN1_TIME, "cms sign: signing time"))})),
            tlv(0x30, cat({oid_der(OBJ_nid2obj(NID_pkcs9_messageDigest)), tlv(0x31, tlv(0x04, digest_of(md, content)))})),
        });
    // The signature covers the attributes as a SET (tag 0x31); the SignerInfo carries them as [0].
    Bytes signature = ecdsa_sign_der(key, attrs, hash_of(md));
    attrs[0] = 0xA0;

    Bytes sid = tlv(0x30, cat({der_of(X509_get_issuer_name(cert), i2d_X509_NAME, "cms sign: issuer"),
                               der_of(X509_get0_serialNumber(cert), i2d_ASN1_INTEGER, "cms sign: serial")}));
    static const std::uint8_t v1[] = {0x02, 0x01, 0x01}, v3[] = {0x02, 0x01, 0x03};
    Bytes signer_info = tlv(0x30, cat({ByteView(v1, 3), sid, digest_alg, attrs, sig_alg, tlv(0x04, signature)}));

    // RFC 5652 5.1: version 3 when the eContentType is not id-data (issuer+serial signer, X.509 only).
    bool id_data = OBJ_obj2nid(econtent_type) == NID_pkcs7_data;
    Bytes encap = tlv(0x30, detached ? ByteView(type_oid) : ByteView(cat({type_oid, tlv(0xA0, tlv(0x04, content))})));
    std::vector<Bytes> cert_ders;
    for (X509* x : certificates) cert_ders.push_back(der_of(x, i2d_X509, "cms sign: certificate"));
    Bytes certs = cert_ders.empty() ? Bytes() : set_of(std::move(cert_ders), 0xA0);
    Bytes signed_data = tlv(0x30, cat({ByteView(id_data ? v1 : v3, 3), set_of({digest_alg}), encap, certs,
                                       set_of({signer_info})}));
    return tlv(0x30, cat({oid_der(OBJ_nid2obj(NID_pkcs7_signed)), tlv(0xA0, signed_data)}));
}

}  // namespace iotops::crypto::cms_detail
