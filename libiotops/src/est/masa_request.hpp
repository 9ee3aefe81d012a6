// Checking a registrar voucher-request as a MASA does (RFC 8995 5.5.2-5.5.6), shared by the
// requestvoucher and requestauditlog answers. A check that fails throws Refusal with the HTTP
// status and the reason RFC 8995 5.6 asks for.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "iotops/core/bytes.hpp"
#include "iotops/core/time.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/est/brski_http.hpp"
#include "est/refusal.hpp"
#include "iotops/voucher/envelope.hpp"

namespace iotops::est::detail {

struct CheckedRvr {
    voucher::Envelope rvr;
    std::vector<crypto::Certificate> registrar_chain;  // the RVR signer first, then towards the domain CA
    std::optional<voucher::Envelope> pvr;
    std::optional<crypto::Certificate> idevid;         // the PVR's signer
    std::string serial_number;
    Bytes idevid_issuer;                               // the AKI extension value
    std::optional<std::string> nonce;                  // the RVR's nonce leaf as written
    bool proximity = false;                            // the PVR asked for it and its registrar pin checked out
};

struct RvrRules {
    std::vector<crypto::Certificate> idevid_anchors;
    Time at;
    bool require_pvr = true;  // requestvoucher: no nonceless vouchers
};

// The signed format the Content-Type names; 415 otherwise.
voucher::Format request_format(const BrskiRequest& r);
CheckedRvr check_rvr(const BrskiRequest& r, const RvrRules& rules);

}  // namespace iotops::est::detail
