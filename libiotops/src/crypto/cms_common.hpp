// Inside the crypto area: what the CMS sign, parse and verify files share.
#pragma once
#include <string>

#include "crypto/native.hpp"
#include "iotops/core/time.hpp"

namespace iotops::crypto::cms_detail {

// Decodes DER, PEM or base64 into a SignedData ContentInfo; `der` receives the DER it was read from.
// Throws Error(malformed) naming what is wrong.
CmsPtr load(ByteView input, Bytes& der);

// The attached eContent; nullopt when detached.
std::optional<Bytes> econtent(CMS_ContentInfo* cms);

std::string oid_text(const ASN1_OBJECT* obj);  // dotted
Time to_time(const ASN1_TIME* t);              // throws Error(malformed) for a bad time

}  // namespace iotops::crypto::cms_detail
