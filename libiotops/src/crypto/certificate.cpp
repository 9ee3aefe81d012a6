#include <openssl/pem.h>

#include <string>
#include <unordered_map>

#include "crypto/digest.hpp"
#include "crypto/native.hpp"
#include "crypto/pem_sniff.hpp"
#include "crypto/x509_name.hpp"
#include "iotops/core/file.hpp"

namespace iotops::crypto {

namespace {

Certificate decode_der(ByteView der) {
    const unsigned char* p = der.data();
    X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!x) throw_openssl(ErrorKind::malformed, "certificate: not a DER certificate");
    if (p != der.data() + der.size())
        throw Error(ErrorKind::malformed,
                    "certificate: trailing bytes after the certificate at offset " + std::to_string(p - der.data()));
    return wrap_certificate(std::move(x));
}

// OpenSSL 3.0 decodes a certificate's public key through its provider decoders, slowly; artifacts in a
// stream carry the same few certificates (x5c, COSE x5chain), so each thread keeps those it decoded.
Certificate load_der(ByteView der) {
    thread_local std::unordered_map<std::string, Certificate> decoded;
    std::string key(der.begin(), der.end());
    if (auto it = decoded.find(key); it != decoded.end()) return it->second;
    Certificate c = decode_der(der);
    if (decoded.size() >= 64) decoded.clear();
    decoded.emplace(std::move(key), c);
    return c;
}

Time asn1_time(const ASN1_TIME* t) {
    struct tm tm {};
    if (ASN1_TIME_to_tm(t, &tm) != 1) throw_openssl(ErrorKind::malformed, "certificate: bad time");
    return from_time_t(timegm(&tm));
}

const ASN1_OCTET_STRING* extension_data(X509* x, std::string_view dotted_oid) {
    AsnObjPtr obj(OBJ_txt2obj(std::string(dotted_oid).c_str(), 1));
    if (!obj) throw Error(ErrorKind::usage, "not a dotted OID: " + std::string(dotted_oid));
    int idx = X509_get_ext_by_OBJ(x, obj.get(), -1);
    if (idx < 0) return nullptr;
    return X509_EXTENSION_get_data(X509_get_ext(x, idx));
}

std::optional<std::string> ia5_extension(X509* x, const char* oid) {
    const ASN1_OCTET_STRING* data = extension_data(x, oid);
    if (data == nullptr) return std::nullopt;
    const unsigned char* p = ASN1_STRING_get0_data(data);
    long len = ASN1_STRING_length(data);
    // The RFCs say IA5String; accept any string type other issuers may have used.
    std::unique_ptr<ASN1_STRING, Deleter<ASN1_STRING_free>> s(d2i_ASN1_PRINTABLE(nullptr, &p, len));
    if (!s || ASN1_STRING_type(s.get()) == V_ASN1_SEQUENCE)
        throw_openssl(ErrorKind::malformed, std::string("certificate: extension ") + oid + " is not a string");
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, s.get());
    if (n < 0) throw_openssl(ErrorKind::malformed, std::string("certificate: extension ") + oid + " is not a string");
    std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
    OPENSSL_free(utf8);
    return out;
}

Bytes octets(const ASN1_OCTET_STRING* s) {
    const unsigned char* p = ASN1_STRING_get0_data(s);
    return Bytes(p, p + ASN1_STRING_length(s));
}

}  // namespace

Certificate Certificate::load(ByteView pem_or_der) {
    if (!looks_like_pem(pem_or_der)) return load_der(pem_or_der);
    auto bio = memory_bio(pem_or_der);
    X509Ptr x(PEM_read_bio_X509(bio.get(), nullptr, no_pem_passphrase, nullptr));
    if (!x) throw_openssl(ErrorKind::malformed, "certificate: no PEM CERTIFICATE block");
    return wrap_certificate(std::move(x));
}

std::vector<Certificate> Certificate::load_all(ByteView pem_or_der) {
    std::vector<Certificate> out;
    if (!looks_like_pem(pem_or_der)) {
        out.push_back(load_der(pem_or_der));
        return out;
    }
    auto bio = memory_bio(pem_or_der);
    for (;;) {
        X509Ptr x(PEM_read_bio_X509(bio.get(), nullptr, no_pem_passphrase, nullptr));
        if (!x) {
            unsigned long err = ERR_peek_last_error();
            bool end = ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE;
            if (!end || out.empty()) throw_openssl(ErrorKind::malformed, "certificate: bad PEM CERTIFICATE block");
            ERR_clear_error();
            break;
        }
        out.push_back(wrap_certificate(std::move(x)));
    }
    return out;
}

Certificate Certificate::load_file(const std::string& path) {
    Bytes data = read_file(path);
    try {
        return load(data);
    } catch (const Error& e) {
        throw Error(e.kind(), path + ": " + e.what());
    }
}

std::vector<Certificate> Certificate::load_all_files(const std::vector<std::string>& paths) {
    std::vector<Certificate> out;
    for (const auto& p : paths) {
        auto certs = load_all_file(p);
        out.insert(out.end(), std::make_move_iterator(certs.begin()), std::make_move_iterator(certs.end()));
    }
    return out;
}

std::vector<Certificate> Certificate::load_all_file(const std::string& path) {
    Bytes data = read_file(path);
    try {
        return load_all(data);
    } catch (const Error& e) {
        throw Error(e.kind(), path + ": " + e.what());
    }
}

Bytes Certificate::der() const { return der_of(native(*this), i2d_X509, "encode certificate"); }

std::string Certificate::pem() const {
    return bio_text([&](BIO* bio) { return PEM_write_bio_X509(bio, native(*this)) == 1; }, "certificate pem");
}

std::string Certificate::subject() const { return rfc2253(X509_get_subject_name(native(*this))); }
Name Certificate::subject_name() const { return from_x509_name(X509_get_subject_name(native(*this))); }
std::string Certificate::issuer() const { return rfc2253(X509_get_issuer_name(native(*this))); }
std::string Certificate::subject_oneline() const {
    char* s = X509_NAME_oneline(X509_get_subject_name(native(*this)), nullptr, 0);
    if (s == nullptr) throw_openssl(ErrorKind::internal, "certificate: subject");
    std::string out(s);
    OPENSSL_free(s);
    return out;
}

std::optional<std::string> Certificate::subject_attribute(std::string_view short_name) const {
    int nid = OBJ_txt2nid(std::string(short_name).c_str());
    if (nid == NID_undef) throw Error(ErrorKind::usage, "unknown name attribute " + std::string(short_name));
    const X509_NAME* name = X509_get_subject_name(native(*this));
    int idx = X509_NAME_get_index_by_NID(name, nid, -1);
    if (idx < 0) return std::nullopt;
    unsigned char* utf8 = nullptr;
    int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx)));
    if (len < 0) throw_openssl(ErrorKind::malformed, "certificate: name attribute " + std::string(short_name));
    std::string value(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
    OPENSSL_free(utf8);
    return value;
}

std::string Certificate::serial_hex() const {
    BnPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(native(*this)), nullptr));
    if (!bn) throw_openssl(ErrorKind::malformed, "certificate: serial number");
    char* hex = BN_bn2hex(bn.get());
    std::string out(hex);
    OPENSSL_free(hex);
    return out;
}

Time Certificate::not_before() const { return asn1_time(X509_get0_notBefore(native(*this))); }
Time Certificate::not_after() const { return asn1_time(X509_get0_notAfter(native(*this))); }

PublicKey Certificate::public_key() const {
    EVP_PKEY* pkey = X509_get0_pubkey(native(*this));
    if (pkey == nullptr) throw_openssl(ErrorKind::malformed, "certificate: unsupported public key");
    EVP_PKEY_up_ref(pkey);
    return wrap_public(PkeyPtr(pkey));
}

bool Certificate::is_ca() const { return (X509_get_extension_flags(native(*this)) & EXFLAG_CA) != 0; }

unsigned Certificate::key_usage() const {
    X509* x = native(*this);
    if ((X509_get_extension_flags(x) & EXFLAG_KUSAGE) == 0) return 0;
    uint32_t ku = X509_get_key_usage(x);
    unsigned out = 0;
    if (ku & KU_DIGITAL_SIGNATURE) out |= ku_digital_signature;
    if (ku & KU_NON_REPUDIATION) out |= ku_non_repudiation;
    if (ku & KU_KEY_ENCIPHERMENT) out |= ku_key_encipherment;
    if (ku & KU_DATA_ENCIPHERMENT) out |= ku_data_encipherment;
    if (ku & KU_KEY_AGREEMENT) out |= ku_key_agreement;
    if (ku & KU_KEY_CERT_SIGN) out |= ku_key_cert_sign;
    if (ku & KU_CRL_SIGN) out |= ku_crl_sign;
    return out;
}

std::vector<std::string> Certificate::ext_key_usage() const {
    std::vector<std::string> out;
    auto* eku = static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(native(*this), NID_ext_key_usage, nullptr, nullptr));
    if (eku == nullptr) return out;
    for (int i = 0; i < sk_ASN1_OBJECT_num(eku); ++i) {
        char buf[128];
        OBJ_obj2txt(buf, sizeof buf, sk_ASN1_OBJECT_value(eku, i), 1);
        out.emplace_back(buf);
    }
    EXTENDED_KEY_USAGE_free(eku);
    return out;
}

std::optional<Bytes> Certificate::subject_key_id() const {
    const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(native(*this));
    if (ski == nullptr) return std::nullopt;
    return octets(ski);
}

std::optional<Bytes> Certificate::authority_key_id() const {
    const ASN1_OCTET_STRING* aki = X509_get0_authority_key_id(native(*this));
    if (aki == nullptr) return std::nullopt;
    return octets(aki);
}

std::optional<Bytes> Certificate::authority_key_id_extension_value() const {
    // 8366bis idevid-issuer (erratum 7263): the extnValue OCTET STRING with its own tag and length.
    int idx = X509_get_ext_by_NID(native(*this), NID_authority_key_identifier, -1);
    if (idx < 0) return std::nullopt;
    const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(native(*this), idx));
    return der_of(data, i2d_ASN1_OCTET_STRING, "encode authority key identifier");
}

std::optional<std::string> Certificate::masa_url() const { return ia5_extension(native(*this), oid::masa_url); }
std::optional<std::string> Certificate::mud_url() const { return ia5_extension(native(*this), oid::mud_url); }

std::optional<std::string> Certificate::mud_signer() const {
    const ASN1_OCTET_STRING* data = extension_data(native(*this), oid::mud_signer);
    if (data == nullptr) return std::nullopt;
    const unsigned char* p = ASN1_STRING_get0_data(data);
    X509NamePtr name(d2i_X509_NAME(nullptr, &p, ASN1_STRING_length(data)));
    if (!name) throw_openssl(ErrorKind::malformed, "certificate: MUD signer extension is not a Name");
    return rfc2253(name.get());
}

std::optional<Bytes> Certificate::extension_value(std::string_view dotted_oid) const {
    const ASN1_OCTET_STRING* data = extension_data(native(*this), dotted_oid);
    if (data == nullptr) return std::nullopt;
    return octets(data);
}

Bytes Certificate::fingerprint_sha256() const {
    Bytes out(32);
    unsigned int len = 0;
    if (X509_digest(native(*this), evp_md(Hash::sha256), out.data(), &len) != 1)
        throw_openssl(ErrorKind::internal, "certificate fingerprint");
    out.resize(len);
    return out;
}

bool Certificate::self_signed() const {
    int rc = X509_self_signed(native(*this), 1);
    ERR_clear_error();
    return rc == 1;
}

bool Certificate::operator==(const Certificate& other) const { return X509_cmp(native(*this), native(other)) == 0; }

}  // namespace iotops::crypto
