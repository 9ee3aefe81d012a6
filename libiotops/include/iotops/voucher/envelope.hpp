// Signed voucher artifacts: CMS (RFC 8366 / 8995), JWS (jws-voucher) and COSE_Sign1 (cBRSKI),
// opened from bytes whatever the wrapper, and signed in each.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "iotops/codec/sniff.hpp"
#include "iotops/core/bytes.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/cose.hpp"
#include "iotops/crypto/key.hpp"
#include "iotops/voucher/model.hpp"

namespace iotops::voucher {

// json and cbor are unsigned (bare) vouchers.
enum class Format { cms, jws, cose, json, cbor };
std::string_view format_name(Format f);  // "cms", "jws", "cose", "json", "cbor"
Format parse_format(std::string_view name);  // Error(usage) for others

// An artifact opened but not verified.
struct Envelope {
    Format format = Format::json;
    Voucher voucher;
    Bytes raw;      // the artifact as DER (CMS), JSON text (JWS), CBOR (COSE) or as given (bare)
    Bytes content;  // the signed payload bytes
    std::vector<crypto::Certificate> certificates;  // carried by the artifact (CMS certs, x5c, x5bag/x5chain)
    nlohmann::json details = nlohmann::json::object();  // format facts for inspect (content type, alg...)
};

// Sniffs and opens CMS (DER, PEM, base64), JWS (JSON or compact), COSE_Sign1, bare JSON or YANG-CBOR.
// Throws Error(malformed) naming the problem when the input is none of them or holds no voucher.
Envelope open(ByteView data);
// As open(), with the encoding given instead of sniffed (--in-format): json (JWS or a bare voucher),
// cbor (COSE_Sign1 or YANG-CBOR), pem, der or base64 (CMS); unknown sniffs.
Envelope open(ByteView data, codec::Format as);

struct SignOptions {
    Format format = Format::cms;  // cms, jws or cose
    std::vector<crypto::Certificate> chain;  // intermediates after the signer certificate
    std::optional<crypto::cose::Algorithm> cose_alg;  // none: the key's default (ES256 for P-256)
};

// CMS: eContentType id-ct-animaJSONVoucher, signed attributes, attached, DER. JWS: general JSON
// serialization, typ voucher-jws+json, x5c (standard base64). COSE: tagged COSE_Sign1 over YANG-CBOR;
// a voucher-request carries the certificates in an unprotected x5bag.
Bytes sign(const Voucher& v, const crypto::PrivateKey& key, const crypto::Certificate& cert, const SignOptions& options);

// COSE with a signer made once (its key context is reused; a Signer is for one thread at a time).
Bytes sign_cose(const Voucher& v, crypto::cose::Signer& signer, const crypto::Certificate& cert, const SignOptions& options);

// cBRSKI "Registrar Extensions": a COSE_Sign1 voucher with the unprotected x5bag (32) and x5chain
// (33) removed, as the registrar forwards it to a constrained pledge; the protected header, payload
// and signature are kept byte for byte (so the signature still verifies), tagged stays tagged.
// Error(malformed) when the input is not a COSE_Sign1.
Bytes strip_unprotected_certificates(ByteView cose);

// A certificate as a short JSON summary for reports.
nlohmann::json certificate_summary(const crypto::Certificate& c);

// inspect: format, kind, payload, certificates, details, signer hints; a prior-signed-voucher-request
// is opened and described too (under "prior-signed-voucher-request-decoded").
nlohmann::json describe(const Envelope& e);

}  // namespace iotops::voucher
