// Inside crypto only: OpenSSL OCSP owners and helpers shared by the client and the responder.
#pragma once
#include <openssl/ocsp.h>

#include "crypto/native.hpp"
#include "iotops/crypto/ocsp.hpp"

namespace iotops::crypto::ocsp {

using OcspRequestPtr = std::unique_ptr<OCSP_REQUEST, Deleter<OCSP_REQUEST_free>>;
using OcspResponsePtr = std::unique_ptr<OCSP_RESPONSE, Deleter<OCSP_RESPONSE_free>>;
using OcspBasicPtr = std::unique_ptr<OCSP_BASICRESP, Deleter<OCSP_BASICRESP_free>>;
using OcspCertIdPtr = std::unique_ptr<OCSP_CERTID, Deleter<OCSP_CERTID_free>>;

inline Time asn1_to_time(const ASN1_TIME* t) {
    struct tm tm {};
    if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) throw_openssl(ErrorKind::malformed, "OCSP: bad time");
    return from_time_t(timegm(&tm));
}

}  // namespace iotops::crypto::ocsp
