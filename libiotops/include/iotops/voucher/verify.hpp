// Verifying a signed voucher artifact: every step a named check in one report.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "iotops/core/bytes.hpp"
#include "iotops/core/time.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/voucher/envelope.hpp"
#include "iotops/voucher/model.hpp"

namespace iotops::voucher {

struct VerifyOptions {
    std::vector<crypto::Certificate> anchors;        // trust anchors for the signer's chain
    std::vector<crypto::Certificate> intermediates;  // besides those the artifact carries
    std::optional<crypto::Certificate> signer;       // when the artifact does not carry it
    std::optional<Time> at;                          // none: now
    std::optional<Bytes> nonce;                      // the nonce the voucher must carry
    std::optional<std::string> serial;               // the serial-number it must carry
    std::optional<crypto::Certificate> idevid;       // serial and idevid-issuer must match this IDevID
    std::optional<crypto::Certificate> pinned;       // pinned-domain-cert must be this certificate
    // Warnings (id-data eContentType, a signer trusted only because --cert named it, no
    // idevid-issuer to compare) become failures.
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

// Checks "signature", "chain", the rules of check_rules, and "nonce", "serial-number",
// "idevid-issuer", "pinned-domain-cert" when asked. Bad signatures and chains are failed checks;
// input that is not a voucher artifact throws Error(malformed).
Report verify(const Envelope& e, const VerifyOptions& options);
Report verify(ByteView artifact, const VerifyOptions& options);

}  // namespace iotops::voucher
