// OCSP responder side: parse a request, find the issuer by its CertID hashes, sign a basic response.
#include <mutex>

#include "crypto/ocsp_common.hpp"

namespace iotops::crypto::ocsp {

namespace {
constexpr std::size_t max_nonce = 128;  // RFC 9654
}

struct Responder::Impl {
    std::vector<ResponderIssuer> issuers;
    // Per issuer, CertIDs over SHA-1 and SHA-256 (serial ignored) for OCSP_id_issuer_cmp.
    std::vector<std::vector<OcspCertIdPtr>> ids;
    X509StackPtr no_certs;
};

Responder::Responder(std::vector<ResponderIssuer> issuers) : impl_(std::make_unique<Impl>()) {
    impl_->issuers = std::move(issuers);
    for (const auto& is : impl_->issuers) {
        std::vector<OcspCertIdPtr> ids;
        for (const EVP_MD* md : {EVP_sha1(), EVP_sha256(), EVP_sha384(), EVP_sha512()}) {
            ids.emplace_back(OCSP_cert_to_id(md, nullptr, native(is.ca)));
            if (!ids.back()) throw_openssl(ErrorKind::internal, "OCSP issuer id");
        }
        impl_->ids.push_back(std::move(ids));
        if (X509_check_private_key(native(is.signer), native(is.key)) != 1) {
            ERR_clear_error();
            throw Error(ErrorKind::usage, "OCSP: the responder key does not match the responder certificate " + is.signer.subject());
        }
    }
}

Responder::~Responder() = default;

Bytes Responder::error_response(ResponseStatus s) {
    // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED } (e.g. 30 03 0A 01 01)
    return Bytes{0x30, 0x03, 0x0A, 0x01, static_cast<std::uint8_t>(s)};
}

Response Responder::respond(ByteView der, const Lookup& lookup, std::optional<std::chrono::seconds> validity) const {
    auto fail = [](ResponseStatus s) {
        ERR_clear_error();
        Response r;
        r.status = s;
        r.der = error_response(s);
        return r;
    };
    const unsigned char* p = der.data();
    OcspRequestPtr req(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(der.size())));
    if (!req || p != der.data() + der.size()) return fail(ResponseStatus::malformed_request);
    int n = OCSP_request_onereq_count(req.get());
    if (n <= 0) return fail(ResponseStatus::malformed_request);

    // The nonce: an OCTET STRING inside the extension value, 1..128 octets.
    bool has_nonce = false;
    int nonce_idx = OCSP_REQUEST_get_ext_by_NID(req.get(), NID_id_pkix_OCSP_Nonce, -1);
    if (nonce_idx >= 0) {
        X509_EXTENSION* ext = OCSP_REQUEST_get_ext(req.get(), nonce_idx);
        const ASN1_OCTET_STRING* v = X509_EXTENSION_get_data(ext);
        const unsigned char* vp = ASN1_STRING_get0_data(v);
        AsnOctetPtr inner(d2i_ASN1_OCTET_STRING(nullptr, &vp, ASN1_STRING_length(v)));
        std::size_t len = inner ? static_cast<std::size_t>(ASN1_STRING_length(inner.get()))
                                : static_cast<std::size_t>(ASN1_STRING_length(v));
        if (len == 0 || len > max_nonce) return fail(ResponseStatus::malformed_request);
        has_nonce = true;
    }

    // Every CertID must name the same served issuer: one response has one signer.
    std::optional<std::size_t> issuer;
    for (int i = 0; i < n; ++i) {
        OCSP_CERTID* cid = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req.get(), i));
        std::optional<std::size_t> found;
        for (std::size_t k = 0; k < impl_->ids.size() && !found; ++k)
            for (const auto& id : impl_->ids[k])
                if (OCSP_id_issuer_cmp(id.get(), cid) == 0) {
                    found = k;
                    break;
                }
        if (!found || (issuer && *issuer != *found)) return fail(ResponseStatus::unauthorized);
        issuer = found;
    }
    const ResponderIssuer& is = impl_->issuers[*issuer];

    OcspBasicPtr basic(OCSP_BASICRESP_new());
    using TimePtr = std::unique_ptr<ASN1_TIME, Deleter<ASN1_TIME_free>>;
    Time t = now();
    TimePtr this_upd(ASN1_TIME_set(nullptr, to_time_t(t)));
    TimePtr next_upd;
    Response out;
    out.this_update = t;
    if (validity) {
        next_upd.reset(ASN1_TIME_set(nullptr, to_time_t(t + *validity)));
        out.next_update = t + *validity;
    }
    for (int i = 0; i < n; ++i) {
        OCSP_CERTID* cid = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req.get(), i));
        ASN1_INTEGER* serial = nullptr;
        OCSP_id_get0_info(nullptr, nullptr, nullptr, &serial, cid);
        BnPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
        if (!bn) return fail(ResponseStatus::malformed_request);
        char* hex = BN_bn2hex(bn.get());
        std::string serial_hex(hex);
        OPENSSL_free(hex);
        if (serial_hex.size() % 2) serial_hex.insert(serial_hex.begin(), '0');
        SingleStatus s;
        try {
            s = lookup(*issuer, serial_hex);
        } catch (...) {
            return fail(ResponseStatus::internal_error);
        }
        int st = s.status == CertStatus::good      ? V_OCSP_CERTSTATUS_GOOD
                 : s.status == CertStatus::revoked ? V_OCSP_CERTSTATUS_REVOKED
                                                   : V_OCSP_CERTSTATUS_UNKNOWN;
        TimePtr rev;
        if (s.status == CertStatus::revoked) rev.reset(ASN1_TIME_set(nullptr, to_time_t(*s.revocation_time)));
        if (OCSP_basic_add1_status(basic.get(), cid, st, s.reason.value_or(-1), rev.get(), this_upd.get(),
                                   next_upd.get()) == nullptr)
            return fail(ResponseStatus::internal_error);
    }
    if (has_nonce && OCSP_copy_nonce(basic.get(), req.get()) != 1) return fail(ResponseStatus::internal_error);
    bool delegated = X509_cmp(native(is.signer), native(is.ca)) != 0;
    EVP_PKEY* pk = native(is.key);
    const EVP_MD* md = EVP_PKEY_get_base_id(pk) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
    if (OCSP_basic_sign(basic.get(), native(is.signer), pk, md, nullptr,
                        OCSP_RESPID_KEY | (delegated ? 0 : OCSP_NOCERTS)) != 1)
        return fail(ResponseStatus::internal_error);
    OcspResponsePtr resp(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()));
    if (!resp) return fail(ResponseStatus::internal_error);
    out.der = der_of(resp.get(), i2d_OCSP_RESPONSE, "OCSP response");
    out.cacheable = !has_nonce;
    return out;
}

}  // namespace iotops::crypto::ocsp
