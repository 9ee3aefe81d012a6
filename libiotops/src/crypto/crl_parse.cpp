// Reading CRLs: issuer, numbers, signature, and the entry for a serial.
#include <openssl/pem.h>

#include "crypto/native.hpp"
#include "iotops/crypto/crl.hpp"

namespace iotops::crypto {

using CrlPtr = std::unique_ptr<X509_CRL, Deleter<X509_CRL_free>>;
using AsnIntPtr = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER_free>>;
using AsnEnumPtr = std::unique_ptr<ASN1_ENUMERATED, Deleter<ASN1_ENUMERATED_free>>;
using GenTimePtr = std::unique_ptr<ASN1_GENERALIZEDTIME, Deleter<ASN1_GENERALIZEDTIME_free>>;

struct Crl::Impl {
    CrlPtr crl;
};

namespace {

Time to_time(const ASN1_TIME* t) {
    struct tm tm {};
    if (ASN1_TIME_to_tm(t, &tm) != 1) throw_openssl(ErrorKind::malformed, "CRL: bad time");
    return from_time_t(timegm(&tm));
}

std::string int_hex(const ASN1_INTEGER* i) {
    BnPtr bn(ASN1_INTEGER_to_BN(i, nullptr));
    if (!bn) throw_openssl(ErrorKind::malformed, "CRL: integer");
    char* hex = BN_bn2hex(bn.get());
    std::string out(hex);
    OPENSSL_free(hex);
    if (out.size() % 2) out.insert(out.begin(), '0');
    return out;
}

CrlEntry entry_of(X509_REVOKED* r) {
    CrlEntry e;
    e.serial_hex = int_hex(X509_REVOKED_get0_serialNumber(r));
    e.revoked = to_time(X509_REVOKED_get0_revocationDate(r));
    int crit = 0;
    AsnEnumPtr reason(static_cast<ASN1_ENUMERATED*>(X509_REVOKED_get_ext_d2i(r, NID_crl_reason, &crit, nullptr)));
    if (reason) e.reason = static_cast<int>(ASN1_ENUMERATED_get(reason.get()));
    GenTimePtr inv(static_cast<ASN1_GENERALIZEDTIME*>(X509_REVOKED_get_ext_d2i(r, NID_invalidity_date, &crit, nullptr)));
    if (inv) e.invalidity = to_time(inv.get());
    AsnObjPtr hold(static_cast<ASN1_OBJECT*>(X509_REVOKED_get_ext_d2i(r, NID_hold_instruction_code, &crit, nullptr)));
    if (hold) {
        char buf[128];
        OBJ_obj2txt(buf, sizeof buf, hold.get(), 1);
        e.hold_instruction_oid = buf;
    }
    ERR_clear_error();
    return e;
}

}  // namespace

Crl Crl::load(ByteView data) {
    auto impl = std::make_shared<Impl>();
    BioPtr bio = memory_bio(data);
    impl->crl.reset(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
    if (!impl->crl) {
        ERR_clear_error();
        const unsigned char* p = data.data();
        impl->crl.reset(d2i_X509_CRL(nullptr, &p, static_cast<long>(data.size())));
        if (!impl->crl) throw_openssl(ErrorKind::malformed, "CRL: neither PEM nor DER");
    }
    return Crl(std::move(impl));
}

Bytes Crl::der() const { return der_of(impl_->crl.get(), i2d_X509_CRL, "CRL DER"); }

std::string Crl::issuer() const {
    return bio_text([&](BIO* b) { return X509_NAME_print_ex(b, X509_CRL_get_issuer(impl_->crl.get()), 0, XN_FLAG_RFC2253) >= 0; },
                    "CRL issuer");
}

Time Crl::this_update() const { return to_time(X509_CRL_get0_lastUpdate(impl_->crl.get())); }

std::optional<Time> Crl::next_update() const {
    const ASN1_TIME* t = X509_CRL_get0_nextUpdate(impl_->crl.get());
    if (t == nullptr) return std::nullopt;
    return to_time(t);
}

std::optional<std::string> Crl::number_hex() const {
    int crit = 0;
    AsnIntPtr n(static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(impl_->crl.get(), NID_crl_number, &crit, nullptr)));
    if (!n) return std::nullopt;
    return int_hex(n.get());
}

std::optional<std::string> Crl::delta_base_hex() const {
    int crit = 0;
    AsnIntPtr n(static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(impl_->crl.get(), NID_delta_crl, &crit, nullptr)));
    if (!n) return std::nullopt;
    return int_hex(n.get());
}

bool Crl::issued_by(const Certificate& ca) const {
    if (X509_NAME_cmp(X509_CRL_get_issuer(impl_->crl.get()), X509_get_subject_name(native(ca))) != 0) return false;
    EVP_PKEY* pk = X509_get0_pubkey(native(ca));
    bool ok = pk != nullptr && X509_CRL_verify(impl_->crl.get(), pk) == 1;
    ERR_clear_error();
    return ok;
}

std::optional<CrlEntry> Crl::find(const std::string& serial_hex) const {
    BIGNUM* raw = nullptr;
    if (BN_hex2bn(&raw, serial_hex.c_str()) == 0) throw Error(ErrorKind::usage, "not a hex serial: " + serial_hex);
    BnPtr bn(raw);
    AsnIntPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    X509_REVOKED* r = nullptr;
    if (X509_CRL_get0_by_serial(impl_->crl.get(), &r, serial.get()) != 1 || r == nullptr) return std::nullopt;
    return entry_of(r);
}

std::vector<CrlEntry> Crl::entries() const {
    std::vector<CrlEntry> out;
    STACK_OF(X509_REVOKED)* list = X509_CRL_get_REVOKED(impl_->crl.get());
    int n = list ? sk_X509_REVOKED_num(list) : 0;
    out.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) out.push_back(entry_of(sk_X509_REVOKED_value(list, i)));
    return out;
}

}  // namespace iotops::crypto
