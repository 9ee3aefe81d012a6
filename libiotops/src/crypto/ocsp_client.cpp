// OCSP client side: requests with nonces, response checks, AIA and the no-check extensions.
#include <openssl/rand.h>

#include "crypto/ocsp_common.hpp"

namespace iotops::crypto::ocsp {

std::string_view cert_status_name(CertStatus s) {
    switch (s) {
        case CertStatus::good: return "good";
        case CertStatus::revoked: return "revoked";
        case CertStatus::unknown: return "unknown";
    }
    return "unknown";
}

std::string_view response_status_name(ResponseStatus s) {
    switch (s) {
        case ResponseStatus::successful: return "successful";
        case ResponseStatus::malformed_request: return "malformedRequest";
        case ResponseStatus::internal_error: return "internalError";
        case ResponseStatus::try_later: return "tryLater";
        case ResponseStatus::sig_required: return "sigRequired";
        case ResponseStatus::unauthorized: return "unauthorized";
    }
    return "unknown";
}

Request make_request(const Certificate& cert, const Certificate& issuer, std::size_t nonce_length) {
    OcspRequestPtr req(OCSP_REQUEST_new());
    OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), native(cert), native(issuer));
    if (!req || id == nullptr || OCSP_request_add0_id(req.get(), id) == nullptr)
        throw_openssl(ErrorKind::internal, "OCSP request");
    Request out;
    if (nonce_length > 0) {
        Bytes nonce(nonce_length);
        RAND_bytes(nonce.data(), static_cast<int>(nonce.size()));
        if (OCSP_request_add1_nonce(req.get(), nonce.data(), static_cast<int>(nonce.size())) != 1)
            throw_openssl(ErrorKind::internal, "OCSP nonce");
        out.nonce = std::move(nonce);
    }
    out.der = der_of(req.get(), i2d_OCSP_REQUEST, "OCSP request");
    return out;
}

Answer check_response(ByteView der, const Request& req, const Certificate& cert, const Certificate& issuer) {
    const unsigned char* p = der.data();
    OcspResponsePtr resp(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
    if (!resp) {
        ERR_clear_error();
        throw Error(ErrorKind::protocol, "OCSP: the response does not parse");
    }
    int status = OCSP_response_status(resp.get());
    if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL)
        throw Error(ErrorKind::protocol, "OCSP: the responder answered " +
                                             std::string(response_status_name(static_cast<ResponseStatus>(status))));
    OcspBasicPtr basic(OCSP_response_get1_basic(resp.get()));
    if (!basic) throw Error(ErrorKind::protocol, "OCSP: no basic response");
    // The signer: the issuer itself, or a certificate in the response that the issuer signed.
    X509StorePtr store(X509_STORE_new());
    X509_STORE_add_cert(store.get(), native(issuer));
    X509StackPtr certs(sk_X509_new_null());
    sk_X509_push(certs.get(), X509_dup(native(issuer)));
    if (OCSP_basic_verify(basic.get(), certs.get(), store.get(), OCSP_TRUSTOTHER | OCSP_PARTIAL_CHAIN) != 1 &&
        OCSP_basic_verify(basic.get(), certs.get(), store.get(), OCSP_PARTIAL_CHAIN) != 1) {
        std::string why = openssl_error("verify");
        throw Error(ErrorKind::protocol, "OCSP: the response signature does not verify against the issuer: " + why);
    }
    Answer a;
    if (req.nonce) {
        OcspRequestPtr r;
        const unsigned char* rp = req.der.data();
        r.reset(d2i_OCSP_REQUEST(nullptr, &rp, static_cast<long>(req.der.size())));
        int n = OCSP_check_nonce(r.get(), basic.get());
        if (n <= 0) throw Error(ErrorKind::protocol, n == 0 ? "OCSP: nonce mismatch" : "OCSP: the response has no nonce");
        a.nonce_echoed = true;
    }
    OcspCertIdPtr id(OCSP_cert_to_id(EVP_sha1(), native(cert), native(issuer)));
    int st = 0, reason = -1;
    ASN1_GENERALIZEDTIME *rev = nullptr, *thisupd = nullptr, *nextupd = nullptr;
    if (OCSP_resp_find_status(basic.get(), id.get(), &st, &reason, &rev, &thisupd, &nextupd) != 1)
        throw Error(ErrorKind::protocol, "OCSP: the response has no answer for the certificate asked about");
    if (OCSP_check_validity(thisupd, nextupd, 300, -1) != 1) {
        ERR_clear_error();
        throw Error(ErrorKind::protocol, "OCSP: the response is outside its validity period");
    }
    a.this_update = asn1_to_time(thisupd);
    if (nextupd) a.next_update = asn1_to_time(nextupd);
    a.single.status = st == V_OCSP_CERTSTATUS_GOOD      ? CertStatus::good
                      : st == V_OCSP_CERTSTATUS_REVOKED ? CertStatus::revoked
                                                        : CertStatus::unknown;
    if (rev) a.single.revocation_time = asn1_to_time(rev);
    if (reason >= 0) a.single.reason = reason;
    return a;
}

std::optional<std::string> aia_ocsp_url(const Certificate& cert) {
    using AiaPtr = std::unique_ptr<AUTHORITY_INFO_ACCESS, Deleter<AUTHORITY_INFO_ACCESS_free>>;
    AiaPtr aia(static_cast<AUTHORITY_INFO_ACCESS*>(X509_get_ext_d2i(native(cert), NID_info_access, nullptr, nullptr)));
    if (!aia) return std::nullopt;
    for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(aia.get()); ++i) {
        ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(aia.get(), i);
        if (OBJ_obj2nid(ad->method) == NID_ad_OCSP && ad->location->type == GEN_URI) {
            const ASN1_IA5STRING* uri = ad->location->d.uniformResourceIdentifier;
            return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                               static_cast<std::size_t>(ASN1_STRING_length(uri)));
        }
    }
    return std::nullopt;
}

bool has_no_rev_avail(const Certificate& cert) { return cert.extension_value("2.5.29.56").has_value(); }
bool has_ocsp_nocheck(const Certificate& cert) { return cert.extension_value("1.3.6.1.5.5.7.48.1.5").has_value(); }

}  // namespace iotops::crypto::ocsp
