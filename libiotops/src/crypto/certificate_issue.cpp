// Issuing X.509 v3 certificates with the extensions BRSKI, MUD and EST need.
#include <openssl/rand.h>

#include "crypto/digest.hpp"
#include "crypto/native.hpp"
#include "crypto/x509_name.hpp"

namespace iotops::crypto {

namespace {

using Ia5Ptr = std::unique_ptr<ASN1_IA5STRING, Deleter<ASN1_IA5STRING_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;
using AkiPtr = std::unique_ptr<AUTHORITY_KEYID, Deleter<AUTHORITY_KEYID_free>>;
using BasicConstraintsPtr = std::unique_ptr<BASIC_CONSTRAINTS, Deleter<BASIC_CONSTRAINTS_free>>;
using EkuPtr = std::unique_ptr<EXTENDED_KEY_USAGE, Deleter<EXTENDED_KEY_USAGE_free>>;
using BitStringPtr = std::unique_ptr<ASN1_BIT_STRING, Deleter<ASN1_BIT_STRING_free>>;
using IntegerPtr = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER_free>>;

[[noreturn]] void fail(std::string_view what) { throw_openssl(ErrorKind::internal, std::string("issue certificate: ") + std::string(what)); }

// RFC 5280 4.2.1.2 method 1: SHA-1 over the subjectPublicKey BIT STRING value.
Bytes key_identifier(X509_PUBKEY* spki) {
    const unsigned char* pk = nullptr;
    int pk_len = 0;
    if (X509_PUBKEY_get0_param(nullptr, &pk, &pk_len, nullptr, spki) != 1) fail("subject public key");
    static EVP_MD* sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
    if (sha1 == nullptr) fail("SHA-1 unavailable");
    Bytes id(20);
    unsigned int len = 0;
    if (EVP_Digest(pk, static_cast<size_t>(pk_len), id.data(), &len, sha1, nullptr) != 1) fail("key identifier");
    return id;
}

AsnOctetPtr octet_string(ByteView data) {
    AsnOctetPtr s(ASN1_OCTET_STRING_new());
    if (!s || ASN1_OCTET_STRING_set(s.get(), data.data(), static_cast<int>(data.size())) != 1) fail("octet string");
    return s;
}

// Extensions OpenSSL has no built-in type for: the value is DER we encoded ourselves.
void add_raw_extension(X509* x, const char* dotted_oid, ByteView der, bool critical) {
    AsnObjPtr obj(OBJ_txt2obj(dotted_oid, 1));
    if (!obj) fail(dotted_oid);
    AsnOctetPtr data = octet_string(der);
    X509ExtPtr ext(X509_EXTENSION_create_by_OBJ(nullptr, obj.get(), critical ? 1 : 0, data.get()));
    if (!ext || X509_add_ext(x, ext.get(), -1) != 1) fail(dotted_oid);
}

void add_ia5_extension(X509* x, const char* dotted_oid, const std::string& value) {
    Ia5Ptr s(ASN1_IA5STRING_new());
    if (!s || ASN1_STRING_set(s.get(), value.data(), static_cast<int>(value.size())) != 1) fail(dotted_oid);
    add_raw_extension(x, dotted_oid, der_of(s.get(), i2d_ASN1_IA5STRING, "issue certificate: encode extension"), false);
}

void add_d2i_extension(X509* x, int nid, void* value, bool critical) {
    if (X509_add1_ext_i2d(x, nid, value, critical ? 1 : 0, X509V3_ADD_REPLACE) != 1) fail(OBJ_nid2sn(nid));
}

void add_basic_constraints(X509* x, const CertificateSpec& spec) {
    BasicConstraintsPtr bc(BASIC_CONSTRAINTS_new());
    bc->ca = spec.is_ca ? 0xFF : 0;
    if (spec.is_ca && spec.path_length) {
        bc->pathlen = ASN1_INTEGER_new();
        ASN1_INTEGER_set(bc->pathlen, *spec.path_length);
    }
    add_d2i_extension(x, NID_basic_constraints, bc.get(), spec.is_ca);  // critical for CAs (RFC 5280 4.2.1.9)
}

void add_key_usage(X509* x, unsigned ku) {
    BitStringPtr bits(ASN1_BIT_STRING_new());
    // RFC 5280 bit numbers: digitalSignature(0) ... cRLSign(6), same order as KeyUsage.
    for (int bit = 0; bit <= 6; ++bit)
        if (ku & (1u << bit)) ASN1_BIT_STRING_set_bit(bits.get(), bit, 1);
    add_d2i_extension(x, NID_key_usage, bits.get(), true);
}

void add_ext_key_usage(X509* x, const std::vector<std::string>& oids) {
    EkuPtr eku(sk_ASN1_OBJECT_new_null());
    for (const auto& o : oids) {
        ASN1_OBJECT* obj = OBJ_txt2obj(o.c_str(), 0);
        if (obj == nullptr) throw Error(ErrorKind::usage, "issue certificate: unknown extended key usage " + o);
        sk_ASN1_OBJECT_push(eku.get(), obj);
    }
    add_d2i_extension(x, NID_ext_key_usage, eku.get(), false);
}

void push_general_name(GENERAL_NAMES* names, int type, const std::string& value) {
    Ia5Ptr s(ASN1_IA5STRING_new());
    GENERAL_NAME* gen = GENERAL_NAME_new();
    if (!s || gen == nullptr || ASN1_STRING_set(s.get(), value.data(), static_cast<int>(value.size())) != 1) fail("name");
    GENERAL_NAME_set0_value(gen, type, s.release());
    sk_GENERAL_NAME_push(names, gen);
}

void add_subject_alt_name(X509* x, const CertificateSpec& spec) {
    GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
    for (const auto& d : spec.dns_names) push_general_name(names.get(), GEN_DNS, d);
    for (const auto& u : spec.uris) push_general_name(names.get(), GEN_URI, u);
    // Critical only when the subject is empty (RFC 5280 4.2.1.6).
    add_d2i_extension(x, NID_subject_alt_name, names.get(), spec.subject.empty());
}

void set_serial(X509* x, const Bytes& requested) {
    Bytes serial = requested;
    if (serial.empty()) {
        serial.resize(16);
        if (RAND_bytes(serial.data(), static_cast<int>(serial.size())) != 1) fail("random serial");
        serial[0] &= 0x7F;  // positive
        serial[0] |= 0x40;  // and a full 16 bytes long
    }
    BnPtr bn(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
    if (!bn || BN_is_zero(bn.get())) throw Error(ErrorKind::usage, "issue certificate: serial number must be positive");
    IntegerPtr i(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    if (!i || X509_set_serialNumber(x, i.get()) != 1) fail("serial");
}

void set_validity(X509* x, const CertificateSpec& spec) {
    // An unset not_before (the epoch) means "now".
    std::time_t nb = spec.not_before == Time{} ? to_time_t(now()) : to_time_t(spec.not_before);
    if (ASN1_TIME_set(X509_getm_notBefore(x), nb) == nullptr) fail("notBefore");
    if (spec.not_after) {
        std::time_t na = to_time_t(*spec.not_after);
        if (na < nb) throw Error(ErrorKind::usage, "issue certificate: notAfter is before notBefore");
        if (ASN1_TIME_set(X509_getm_notAfter(x), na) == nullptr) fail("notAfter");
    } else if (ASN1_TIME_set_string(X509_getm_notAfter(x), "99991231235959Z") != 1) {
        fail("notAfter");  // RFC 5280 4.1.2.5: no well-defined expiration
    }
}

const EVP_MD* signing_md(const PrivateKey& key, Hash hash) {
    int id = EVP_PKEY_get_base_id(native(key));
    if (id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448) return nullptr;
    return evp_md(hash);
}

}  // namespace

Certificate issue_certificate(const CertificateSpec& spec, const PublicKey& subject_key, const PrivateKey& issuer_key,
                              const Certificate* issuer) {
    if (issuer != nullptr && X509_check_private_key(native(*issuer), native(issuer_key)) != 1) {
        ERR_clear_error();
        throw Error(ErrorKind::usage, "issue certificate: the issuer key does not belong to the issuer certificate");
    }
    X509Ptr x(X509_new());
    if (!x || X509_set_version(x.get(), X509_VERSION_3) != 1) fail("new");
    set_serial(x.get(), spec.serial);
    X509NamePtr subject = to_x509_name(spec.subject);
    if (X509_set_subject_name(x.get(), subject.get()) != 1) fail("subject");
    const X509_NAME* issuer_name = issuer ? X509_get_subject_name(native(*issuer)) : subject.get();
    if (X509_set_issuer_name(x.get(), issuer_name) != 1) fail("issuer");
    set_validity(x.get(), spec);
    if (X509_set_pubkey(x.get(), native(subject_key)) != 1) fail("public key");

    add_basic_constraints(x.get(), spec);
    if (spec.key_usage != 0) add_key_usage(x.get(), spec.key_usage);
    if (!spec.ext_key_usage.empty()) add_ext_key_usage(x.get(), spec.ext_key_usage);
    if (!spec.dns_names.empty() || !spec.uris.empty()) add_subject_alt_name(x.get(), spec);

    Bytes ski = key_identifier(X509_get_X509_PUBKEY(x.get()));
    AsnOctetPtr ski_octets = octet_string(ski);
    add_d2i_extension(x.get(), NID_subject_key_identifier, ski_octets.get(), false);
    // AKI keyIdentifier: the issuer's SKI (or its method-1 value when it has none); our own when self-signed.
    Bytes aki_id = ski;
    if (issuer != nullptr) {
        const ASN1_OCTET_STRING* issuer_ski = X509_get0_subject_key_id(native(*issuer));
        aki_id = issuer_ski ? Bytes(ASN1_STRING_get0_data(issuer_ski),
                                    ASN1_STRING_get0_data(issuer_ski) + ASN1_STRING_length(issuer_ski))
                            : key_identifier(X509_get_X509_PUBKEY(native(*issuer)));
    }
    AkiPtr aki(AUTHORITY_KEYID_new());
    aki->keyid = octet_string(aki_id).release();
    add_d2i_extension(x.get(), NID_authority_key_identifier, aki.get(), false);

    if (spec.masa_url) add_ia5_extension(x.get(), oid::masa_url, *spec.masa_url);
    static const std::uint8_t der_null[] = {0x05, 0x00};
    if (spec.ocsp_nocheck) add_raw_extension(x.get(), "1.3.6.1.5.5.7.48.1.5", der_null, false);
    if (spec.no_rev_avail) {
        if (spec.is_ca) throw Error(ErrorKind::usage, "issue certificate: noRevAvail is not allowed in CA certificates (RFC 9608)");
        add_raw_extension(x.get(), "2.5.29.56", der_null, false);
    }
    if (spec.mud_url) add_ia5_extension(x.get(), oid::mud_url, *spec.mud_url);
    if (spec.mud_signer) {
        X509NamePtr signer = to_x509_name(*spec.mud_signer);
        add_raw_extension(x.get(), oid::mud_signer, name_der(signer.get()), false);
    }

    if (X509_sign(x.get(), native(issuer_key), signing_md(issuer_key, spec.hash)) <= 0) fail("sign");
    return wrap_certificate(std::move(x));
}

}  // namespace iotops::crypto
