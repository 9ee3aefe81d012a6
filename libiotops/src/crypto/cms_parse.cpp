// CMS SignedData: decoding (DER, PEM, base64) and inspection without verification.
#include <openssl/asn1.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <limits>
#include <string>

#include "crypto/cms_common.hpp"
#include "crypto/der.hpp"
#include "crypto/x509_name.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/crypto/cms.hpp"

namespace iotops::crypto {
namespace cms_detail {
namespace {

struct OpensslFree {
    void operator()(void* p) const noexcept { OPENSSL_free(p); }
};
template <typename T>
using OsslPtr = std::unique_ptr<T, OpensslFree>;

bool is_base64_text(ByteView in) {
    return std::all_of(in.begin(), in.end(), [](std::uint8_t c) {
        return std::isalnum(c) || c == '+' || c == '/' || c == '=' || c == '-' || c == '_' || c == ' ' ||
               c == '\n' || c == '\r' || c == '\t';
    });
}

Bytes pem_to_der(ByteView in) {
    BioPtr bio = memory_bio(in);
    char* name_raw = nullptr;
    char* header_raw = nullptr;
    unsigned char* data_raw = nullptr;
    long len = 0;
    int ok = PEM_read_bio(bio.get(), &name_raw, &header_raw, &data_raw, &len);
    OsslPtr<char> name(name_raw), header(header_raw);
    OsslPtr<unsigned char> data(data_raw);
    if (ok != 1) throw Error(ErrorKind::malformed, openssl_error("cms: bad pem"));
    std::string label = name.get();
    if (label != "CMS" && label != "PKCS7" && label != "PKCS #7 SIGNED DATA")
        throw Error(ErrorKind::malformed, "cms: pem block is \"" + label + "\", expected CMS or PKCS7");
    return Bytes(data.get(), data.get() + len);
}

// OpenSSL 3.0 spends most of a SignedData's decoding on its certificates (the public key goes through
// the provider decoders). A stream carries the same few certificates in every artifact, so they are
// cut out of the DER, decoded once per thread and attached to the rest. Null whenever the input is
// anything but plain DER of that shape: the caller then decodes it whole, with OpenSSL's messages.
CmsPtr load_with_shared_certificates(ByteView der) {
    auto info = der::read(der, 0);
    if (!info || info->tag != 0x30 || info->whole.size() != der.size()) return nullptr;
    auto type = der::read(info->value, 0);
    if (!type || type->tag != 0x06) return nullptr;
    auto wrapper = der::read(info->value, type->whole.size());
    if (!wrapper || wrapper->tag != 0xA0 || type->whole.size() + wrapper->whole.size() != info->value.size()) return nullptr;
    auto sd = der::read(wrapper->value, 0);
    if (!sd || sd->tag != 0x30 || sd->whole.size() != wrapper->value.size()) return nullptr;

    Bytes rest;  // the SignedData without its certificates
    std::vector<ByteView> certificates;
    for (std::size_t at = 0; at < sd->value.size();) {
        auto e = der::read(sd->value, at);
        if (!e) return nullptr;
        at += e->whole.size();
        if (e->tag != 0xA0) {
            rest.insert(rest.end(), e->whole.begin(), e->whole.end());
            continue;
        }
        for (std::size_t c = 0; c < e->value.size();) {
            auto cert = der::read(e->value, c);
            if (!cert || cert->tag != 0x30) return nullptr;  // other certificate choices: decoded whole
            certificates.push_back(cert->whole);
            c += cert->whole.size();
        }
    }
    if (certificates.empty()) return nullptr;
    Bytes rebuilt = der::tlv(0x30, [&] {
        Bytes body(type->whole.begin(), type->whole.end());
        der::append_tlv(body, 0xA0, der::tlv(0x30, rest));
        return body;
    }());

    const unsigned char* p = rebuilt.data();
    CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(rebuilt.size())));
    if (!cms || p != rebuilt.data() + rebuilt.size() || OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed) {
        ERR_clear_error();
        return nullptr;
    }
    for (ByteView c : certificates) {
        // Certificate::load keeps what each thread decoded from DER.
        std::optional<Certificate> cert;
        try {
            cert = Certificate::load(c);
        } catch (const Error&) {
            ERR_clear_error();
            return nullptr;
        }
        // Refused for a certificate carried twice: the whole decoding keeps such a list as it is.
        if (CMS_add1_cert(cms.get(), native(*cert)) != 1) {
            ERR_clear_error();
            return nullptr;
        }
    }
    return cms;
}

}  // namespace

CmsPtr load(ByteView input, Bytes& der) {
    if (input.empty()) throw Error(ErrorKind::malformed, "cms: empty input");
    std::string_view text(reinterpret_cast<const char*>(input.data()), input.size());
    // A SEQUENCE with a long-form or indefinite length is binary (any real SignedData is over 127 bytes);
    // checked first because signed content may itself hold PEM text.
    bool binary = input.size() > 1 && input[0] == 0x30 && (input[1] & 0x80) != 0;
    if (!binary && text.find("-----BEGIN ") != std::string_view::npos) {
        der = pem_to_der(input);
    } else if (!binary && is_base64_text(input)) {
        try {
            der = base64_decode(text);
        } catch (const Error& e) {
            throw Error(ErrorKind::malformed, std::string("cms: neither der, pem nor base64: ") + e.what());
        }
    } else {
        der.assign(input.begin(), input.end());
    }
    if (der.size() > static_cast<std::size_t>(std::numeric_limits<long>::max()))
        throw Error(ErrorKind::malformed, "cms: input too large");

    if (CmsPtr cms = load_with_shared_certificates(der)) return cms;
    ERR_clear_error();
    const unsigned char* p = der.data();
    CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size())));
    if (!cms) throw Error(ErrorKind::malformed, openssl_error("cms: not a der contentinfo"));
    auto used = static_cast<std::size_t>(p - der.data());
    if (used != der.size())
        throw Error(ErrorKind::malformed,
                    "cms: " + std::to_string(der.size() - used) + " trailing bytes at offset " + std::to_string(used));
    if (OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed)
        throw Error(ErrorKind::malformed, "cms: content type is " + oid_text(CMS_get0_type(cms.get())) +
                                              ", not signed-data (1.2.840.113549.1.7.2)");
    return cms;
}

std::optional<Bytes> econtent(CMS_ContentInfo* cms) {
    ASN1_OCTET_STRING** pos = CMS_get0_content(cms);
    if (pos == nullptr || *pos == nullptr) return std::nullopt;
    const unsigned char* data = ASN1_STRING_get0_data(*pos);
    return Bytes(data, data + ASN1_STRING_length(*pos));
}

std::string oid_text(const ASN1_OBJECT* obj) {
    if (obj == nullptr) return {};
    char buf[128];
    int n = OBJ_obj2txt(buf, sizeof buf, obj, 1);
    if (n <= 0) return {};
    return std::string(buf, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buf - 1));
}

Time to_time(const ASN1_TIME* t) {
    std::tm tm{};
    if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) {
        ERR_clear_error();
        throw Error(ErrorKind::malformed, "cms: signing time is not a valid time");
    }
    return from_time_t(timegm(&tm));
}

}  // namespace cms_detail

namespace cms {
namespace {

using namespace cms_detail;

Algorithm algorithm(const X509_ALGOR* alg) {
    const ASN1_OBJECT* obj = nullptr;
    if (alg != nullptr) X509_ALGOR_get0(&obj, nullptr, nullptr, alg);
    Algorithm out;
    out.oid = oid_text(obj);
    int nid = obj ? OBJ_obj2nid(obj) : NID_undef;
    out.name = nid != NID_undef ? OBJ_nid2ln(nid) : out.oid;
    return out;
}

std::string serial_hex(const ASN1_INTEGER* serial) {
    BnPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
    if (!bn) throw_openssl(ErrorKind::malformed, "cms: signer serial number");
    char* hex = BN_bn2hex(bn.get());
    if (hex == nullptr) throw_openssl(ErrorKind::internal, "cms: signer serial number");
    std::string out = hex;
    OPENSSL_free(hex);
    return out;
}

SignerInfo signer_info(CMS_SignerInfo* si) {
    SignerInfo out;
    ASN1_OCTET_STRING* keyid = nullptr;
    X509_NAME* issuer = nullptr;
    ASN1_INTEGER* serial = nullptr;
    if (CMS_SignerInfo_get0_signer_id(si, &keyid, &issuer, &serial) != 1)
        throw Error(ErrorKind::malformed, openssl_error("cms: signer identifier"));
    if (keyid != nullptr) {
        const unsigned char* d = ASN1_STRING_get0_data(keyid);
        out.subject_key_id = Bytes(d, d + ASN1_STRING_length(keyid));
    } else {
        out.issuer = rfc2253(issuer);
        out.serial_hex = serial_hex(serial);
    }
    X509_ALGOR* dig = nullptr;
    X509_ALGOR* sig = nullptr;
    CMS_SignerInfo_get0_algs(si, nullptr, nullptr, &dig, &sig);
    out.digest_algorithm = algorithm(dig);
    out.signature_algorithm = algorithm(sig);
    out.has_signed_attributes = CMS_signed_get_attr_count(si) > 0;
    int idx = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
    if (idx >= 0) {
        ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, idx), 0);
        if (value == nullptr || (value->type != V_ASN1_UTCTIME && value->type != V_ASN1_GENERALIZEDTIME))
            throw Error(ErrorKind::malformed, "cms: signing time attribute is not a time");
        out.signing_time = to_time(reinterpret_cast<const ASN1_TIME*>(value->value.asn1_string));
    }
    return out;
}

// Reads a header at p (bounded by end); returns the contents' length, or -1 for indefinite length.
long read_header(const unsigned char* base, const unsigned char*& p, const unsigned char* end, int& tag, int& cls,
                 bool& constructed) {
    long len = 0;
    auto offset = p - base;
    int ret = ASN1_get_object(&p, &len, &tag, &cls, end - p);
    if (ret & 0x80) {
        ERR_clear_error();
        throw Error(ErrorKind::malformed, "cms: bad der header at offset " + std::to_string(offset));
    }
    constructed = (ret & V_ASN1_CONSTRUCTED) != 0;
    return (ret == 0x21) ? -1 : len;
}

// OpenSSL does not expose SignedData.version, so read it from the DER:
// ContentInfo ::= SEQUENCE { OID, [0] EXPLICIT SEQUENCE { INTEGER version, ... } }.
int signed_data_version(const Bytes& der) {
    const unsigned char* p = der.data();
    const unsigned char* end = der.data() + der.size();
    int tag = 0, cls = 0;
    bool cons = false;
    auto fail = [&] { throw Error(ErrorKind::malformed, "cms: cannot read the signeddata version"); };
    read_header(der.data(), p, end, tag, cls, cons);  // ContentInfo
    if (tag != V_ASN1_SEQUENCE || !cons) fail();
    long len = read_header(der.data(), p, end, tag, cls, cons);  // contentType
    if (tag != V_ASN1_OBJECT || len < 0) fail();
    p += len;
    read_header(der.data(), p, end, tag, cls, cons);  // [0]
    if (cls != V_ASN1_CONTEXT_SPECIFIC || tag != 0 || !cons) fail();
    read_header(der.data(), p, end, tag, cls, cons);  // SignedData
    if (tag != V_ASN1_SEQUENCE || !cons) fail();
    len = read_header(der.data(), p, end, tag, cls, cons);  // version
    if (tag != V_ASN1_INTEGER || cons || len < 1 || len > 2) fail();
    int v = 0;
    for (long i = 0; i < len; ++i) v = (v << 8) | p[i];
    return v;
}

}  // namespace

std::string to_pem(ByteView der) {
    return bio_text(
        [&](BIO* bio) { return PEM_write_bio(bio, "CMS", "", der.data(), static_cast<long>(der.size())) > 0; },
        "cms: writing pem");
}

Bytes to_der(ByteView input) {
    Bytes der;
    load(input, der);
    return der;
}

SignedData parse(ByteView input) {
    Bytes der;
    CmsPtr cms = load(input, der);
    SignedData out;
    out.econtent_type = oid_text(CMS_get0_eContentType(cms.get()));
    out.version = signed_data_version(der);
    out.content = econtent(cms.get());
    out.detached = !out.content.has_value();

    X509StackPtr certs(CMS_get1_certs(cms.get()));
    for (int i = 0; certs && i < sk_X509_num(certs.get()); ++i)
        out.certificates.push_back(copy_certificate(sk_X509_value(certs.get(), i)));

    STACK_OF(CMS_SignerInfo)* sis = CMS_get0_SignerInfos(cms.get());
    for (int i = 0; sis && i < sk_CMS_SignerInfo_num(sis); ++i)
        out.signers.push_back(signer_info(sk_CMS_SignerInfo_value(sis, i)));
    return out;
}

}  // namespace cms
}  // namespace iotops::crypto
