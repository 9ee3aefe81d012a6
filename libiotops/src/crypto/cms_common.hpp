// Inside the crypto area: what the CMS sign, parse and verify files share.
#pragma once
#include <optional>
#include <string>
#include <vector>

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

// OpenSSL 3.0's CMS code cannot sign or verify EdDSA (it insists on a digest for the signature), so
// RFC 8419 signers are handled by hand here with OpenSSL's primitives.
namespace iotops::crypto::cms_detail {

bool is_eddsa(const EVP_PKEY* pkey);

// Finishes a partial SignedData (eContentType set) with the content and an Ed25519 SignerInfo carrying
// contentType, signingTime and messageDigest (SHA-512). `flags` are those given to CMS_sign.
CMS_SignerInfo* sign_eddsa(CMS_ContentInfo* cms, X509* cert, EVP_PKEY* pkey, ByteView content,
                           const ASN1_TIME* signing_time, unsigned int flags);

// Checks one signer (its certificate already attached) over the content without CMS_verify.
// Returns why it fails, or nullopt when it verifies.
std::optional<std::string> verify_signer_by_hand(CMS_SignerInfo* si, ByteView content);

// A whole SignedData ContentInfo (DER) with one ECDSA signer identified by issuer and serial, signed
// attributes contentType, signingTime and messageDigest, and these certificates.
Bytes sign_ecdsa_der(ByteView content, const PrivateKey& key, X509* cert, const std::vector<X509*>& certificates,
                     const ASN1_OBJECT* econtent_type, const EVP_MD* md, const ASN1_TIME* signing_time, bool detached);

}  // namespace iotops::crypto::cms_detail
