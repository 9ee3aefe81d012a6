// PKCS#7 certs-only messages through OpenSSL's PKCS7 type; csrattrs with the small DER helpers.
#include "iotops/crypto/pkcs7.hpp"

#include <openssl/objects.h>
#include <openssl/pkcs7.h>

#include "crypto/der.hpp"
#include "crypto/native.hpp"

namespace iotops::crypto {

namespace {
using Pkcs7Ptr = std::unique_ptr<PKCS7, Deleter<PKCS7_free>>;
}

Bytes certs_only(const std::vector<Certificate>& certificates) {
    Pkcs7Ptr p7(PKCS7_new());
    if (!p7 || PKCS7_set_type(p7.get(), NID_pkcs7_signed) != 1 || PKCS7_content_new(p7.get(), NID_pkcs7_data) != 1)
        throw_openssl(ErrorKind::internal, "certs-only");
    for (const auto& c : certificates)
        if (PKCS7_add_certificate(p7.get(), native(c)) != 1) throw_openssl(ErrorKind::internal, "certs-only add");
    return der_of(p7.get(), i2d_PKCS7, "certs-only encode");
}

std::vector<Certificate> parse_certs_only(ByteView der) {
    const unsigned char* p = der.data();
    Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, static_cast<long>(der.size())));
    if (!p7) throw_openssl(ErrorKind::malformed, "certs-only: not a PKCS#7 message");
    if (p != der.data() + der.size())
        throw Error(ErrorKind::malformed, "certs-only: trailing bytes at offset " + std::to_string(p - der.data()));
    if (OBJ_obj2nid(p7->type) != NID_pkcs7_signed || p7->d.sign == nullptr)
        throw Error(ErrorKind::malformed, "certs-only: not a SignedData");
    PKCS7_SIGNED* sd = p7->d.sign;
    if (sd->signer_info != nullptr && sk_PKCS7_SIGNER_INFO_num(sd->signer_info) > 0)
        throw Error(ErrorKind::malformed, "certs-only: the SignedData has signers");
    std::vector<Certificate> out;
    if (sd->cert != nullptr)
        for (int i = 0; i < sk_X509_num(sd->cert); ++i) out.push_back(copy_certificate(sk_X509_value(sd->cert, i)));
    if (out.empty()) throw Error(ErrorKind::malformed, "certs-only: no certificates");
    return out;
}

namespace {

Bytes oid_der(const std::string& dotted) {
    AsnObjPtr obj(OBJ_txt2obj(dotted.c_str(), 1));
    if (!obj) throw Error(ErrorKind::usage, "csrattrs: not a dotted OID: " + dotted);
    return der_of(obj.get(), i2d_ASN1_OBJECT, "csrattrs oid");
}

std::string oid_text(ByteView whole) {
    const unsigned char* p = whole.data();
    AsnObjPtr obj(d2i_ASN1_OBJECT(nullptr, &p, static_cast<long>(whole.size())));
    if (!obj) throw_openssl(ErrorKind::malformed, "csrattrs: bad OBJECT IDENTIFIER");
    char buf[128];
    int n = OBJ_obj2txt(buf, sizeof buf, obj.get(), 1);
    if (n <= 0 || n >= static_cast<int>(sizeof buf)) throw Error(ErrorKind::malformed, "csrattrs: OID too long");
    return std::string(buf, static_cast<std::size_t>(n));
}

}  // namespace

Bytes encode_csr_attrs(const std::vector<CsrAttr>& attrs) {
    Bytes seq;
    for (const auto& a : attrs) {
        if (a.values.empty()) {
            Bytes o = oid_der(a.oid);
            seq.insert(seq.end(), o.begin(), o.end());
            continue;
        }
        Bytes set, attr = oid_der(a.oid);
        for (const auto& v : a.values) {
            Bytes o = oid_der(v);
            set.insert(set.end(), o.begin(), o.end());
        }
        der::append_tlv(attr, 0x31, set);
        der::append_tlv(seq, 0x30, attr);
    }
    return der::tlv(0x30, seq);
}

std::vector<CsrAttr> parse_csr_attrs(ByteView data) {
    auto outer = der::read(data, 0);
    if (!outer || outer->tag != 0x30) throw Error(ErrorKind::malformed, "csrattrs: not a DER SEQUENCE");
    if (outer->whole.size() != data.size())
        throw Error(ErrorKind::malformed, "csrattrs: trailing bytes after the SEQUENCE");
    std::vector<CsrAttr> out;
    ByteView body = outer->value;
    for (std::size_t at = 0; at < body.size();) {
        auto e = der::read(body, at);
        if (!e) throw Error(ErrorKind::malformed, "csrattrs: truncated element at offset " + std::to_string(at));
        at += e->whole.size();
        if (e->tag == 0x06) {
            out.push_back({oid_text(e->whole), {}});
            continue;
        }
        if (e->tag != 0x30) throw Error(ErrorKind::malformed, "csrattrs: an entry is neither an OID nor an Attribute");
        auto type = der::read(e->value, 0);
        if (!type || type->tag != 0x06) throw Error(ErrorKind::malformed, "csrattrs: Attribute without a type OID");
        auto set = der::read(e->value, type->whole.size());
        if (!set || set->tag != 0x31 || type->whole.size() + set->whole.size() != e->value.size())
            throw Error(ErrorKind::malformed, "csrattrs: Attribute without a SET of values");
        CsrAttr a{oid_text(type->whole), {}};
        for (std::size_t v = 0; v < set->value.size();) {
            auto val = der::read(set->value, v);
            if (!val) throw Error(ErrorKind::malformed, "csrattrs: truncated attribute value");
            v += val->whole.size();
            if (val->tag == 0x06) a.values.push_back(oid_text(val->whole));
        }
        out.push_back(std::move(a));
    }
    return out;
}

}  // namespace iotops::crypto
