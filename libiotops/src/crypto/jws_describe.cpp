// A readable JSON decoding of a parsed JWS, for the tools' inspect verbs.
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/time.hpp"
#include "iotops/crypto/jws.hpp"

namespace iotops::crypto {

nlohmann::json Jws::describe() const {
    using nlohmann::json;
    json out = {{"form", std::string(jws_form_name(form))}};
    json decoded = json::parse(payload.begin(), payload.end(), nullptr, /*allow_exceptions=*/false);
    if (decoded.is_discarded()) {
        out["payload-base64url"] = payload_b64;
    } else {
        out["payload"] = std::move(decoded);
    }
    json sigs = json::array();
    for (const auto& sig : signatures) {
        json entry = {{"alg", sig.alg}, {"protected", sig.protected_header}, {"signature-size", sig.signature.size()}};
        if (sig.header.is_object() && !sig.header.empty()) entry["header"] = sig.header;
        json certs = json::array();
        for (const auto& cert : sig.x5c) {
            try {
                certs.push_back({{"subject", cert.subject()},
                                 {"issuer", cert.issuer()},
                                 {"serial", cert.serial_hex()},
                                 {"not-before", format_rfc3339(cert.not_before())},
                                 {"not-after", format_rfc3339(cert.not_after())}});
            } catch (const Error& e) {
                // Certificates built by hand into a Jws may be damaged; describe says so instead of failing.
                certs.push_back({{"error", e.what()}});
            }
        }
        if (!certs.empty()) entry["x5c-certificates"] = std::move(certs);
        sigs.push_back(std::move(entry));
    }
    out["signatures"] = std::move(sigs);
    return out;
}

}  // namespace iotops::crypto
