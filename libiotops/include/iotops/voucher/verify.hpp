// Verifying a signed voucher artifact: every step a named check in one report.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "iotops/core/bytes.hpp"
#include "iotops/core/time.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/voucher/envelope.hpp"
#include "iotops/voucher/model.hpp"

namespace iotops::voucher {

// What the caller expects: a voucher, a pledge voucher-request (no prior-signed-voucher-request)
// or a registrar voucher-request (wrapping a signed PVR).
enum class Expect { any, voucher, pvr, rvr };
Expect parse_expect(std::string_view name);  // "any", "voucher", "pvr", "rvr"; Error(usage) otherwise
std::string_view expect_name(Expect e);

struct VerifyOptions {
    std::vector<crypto::Certificate> anchors;        // trust anchors for the signer's chain
    std::vector<crypto::Certificate> intermediates;  // besides those the artifact carries
    std::optional<crypto::Certificate> signer;       // when the artifact does not carry it
    std::optional<Time> at;                          // none: now
    std::optional<Bytes> nonce;                      // the nonce the voucher must carry
    std::optional<std::string> serial;               // the serial-number it must carry
    std::optional<crypto::Certificate> idevid;       // serial and idevid-issuer must match this IDevID
    std::optional<crypto::Certificate> pinned;       // pinned-domain-cert must be this certificate
    Expect kind = Expect::any;                       // check "kind" when not any
    // Anchors for the PVR inside an RVR (the pledge's vendor CA); none: only its signature is checked.
    std::vector<crypto::Certificate> pvr_anchors;
    // Warnings (legacy forms: id-data eContentType, SignedData v1, the old COSE content type,
    // unpadded base64url binaries, dates with offsets or fractions; a signer trusted only because
    // --cert named it; no idevid-issuer to compare) become failures.
    bool strict = false;
};

struct Report {
    Format format = Format::json;
    Kind kind = Kind::voucher;
    std::vector<Check> checks;
    std::optional<crypto::Certificate> signer;
    nlohmann::json payload;

    bool ok() const { return all_ok(checks); }
    nlohmann::json to_json() const;  // {"result":"valid|invalid","format","kind","signer","checks":[...]}
};

// Checks "signature", "chain", the rules of check_rules, the legacy forms ("content-type",
// "signed-data-version", "binary-encoding", "date-format"), "kind" when an expectation is given;
// for a registrar voucher-request "prior-signed-voucher-request" (decoded, a PVR, its signature),
// "rvr-serial-number" and "rvr-idevid-issuer" (against the PVR's signer certificate); and
// "nonce", "serial-number", "idevid-issuer", "pinned-domain-cert" when asked. Bad signatures and chains are failed checks;
// input that is not a voucher artifact throws Error(malformed).
Report verify(const Envelope& e, const VerifyOptions& options);
Report verify(ByteView artifact, const VerifyOptions& options);

}  // namespace iotops::voucher
