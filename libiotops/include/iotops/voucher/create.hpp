// Building vouchers and voucher-requests from a description (flags, JSON or YAML turned into JSON).
#pragma once
#include <optional>

#include <nlohmann/json.hpp>

#include "iotops/core/time.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/voucher/envelope.hpp"
#include "iotops/voucher/model.hpp"

namespace iotops::voucher {

struct CreateOptions {
    std::optional<Time> now;  // created-on when the description has none; none: the clock
};

// A description is either a YANG-JSON instance ({"ietf-voucher:voucher":{...}}) or a flat object
// of leaves (then `kind` names the top level). Dates are normalised to RFC 3339 UTC, binary leaves
// to padded standard base64, and created-on defaults to now. The result is checked with
// check_rules (expiry as of now); the first failing rule throws Error(malformed) "create: <check>: ...".
Voucher create(Kind kind, nlohmann::json description, const CreateOptions& options = {});

// The certificate that signed a PVR, found by verifying the PVR's signature over the certificates
// it carries (CMS certificates, x5c, x5bag), or over `known` when given: a constrained pledge's COSE
// PVR may carry none, and a registrar knows the pledge's certificate from the (D)TLS handshake.
// Throws Error(negative) when no certificate verifies and Error(malformed) when the artifact is
// not a signed voucher-request.
crypto::Certificate pvr_signer(const Envelope& pvr, const std::optional<crypto::Certificate>& known = std::nullopt);

// A registrar voucher-request wrapping a signed PVR: prior-signed-voucher-request holds the PVR
// artifact, serial-number and idevid-issuer (the AKI extension value) come from the PVR's signer
// certificate, nonce and assertion are copied from the PVR. `leaves` (flat) adds or overrides.
// `signer` as for pvr_signer.
Voucher create_rvr(const Envelope& pvr, const nlohmann::json& leaves, const CreateOptions& options = {},
                   const std::optional<crypto::Certificate>& signer = std::nullopt);

}  // namespace iotops::voucher
