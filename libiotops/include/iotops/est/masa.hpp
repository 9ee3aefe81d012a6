// The MASA (RFC 8995 5.5-5.8): checks a registrar voucher-request and the pledge voucher-request
// inside it, applies the deny list and the ownership policy, issues a signed voucher and records
// it in the audit log; answers audit-log requests. Bytes in, an HTTP answer out: no sockets here.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "iotops/core/time.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/key.hpp"
#include "iotops/est/brski_http.hpp"
#include "iotops/est/masa_policy.hpp"
#include "iotops/voucher/envelope.hpp"

namespace iotops::est {

struct MasaConfig {
    crypto::PrivateKey key;                    // the MASA's voucher signing identity
    crypto::Certificate cert;
    std::vector<crypto::Certificate> chain;    // intermediates sent with the voucher
    std::vector<crypto::Certificate> idevid_anchors;  // the manufacturer's IDevID trust anchors
    std::optional<OwnershipPolicy> policy;     // none: any registrar may claim any device (audit only)
    std::string deny_list;                     // ca::DenyList path, re-read on every request; empty: none
    std::string audit_log;                     // NDJSON path; empty: nothing recorded
    PinChoice pin = PinChoice::domain_ca;      // unless the registrar's policy domain says otherwise
    voucher::Format format = voucher::Format::cms;  // for CMS and JWS requests whose Accept names no type
    std::optional<std::chrono::seconds> validity;   // expires-on = created-on + validity
    std::size_t audit_max_events = 1024;
    std::optional<Time> at;                    // the clock (tests); none: now
};

class Masa {
public:
    explicit Masa(MasaConfig config);

    // POST /.well-known/brski/requestvoucher. 200 with the voucher; 400 malformed or inconsistent,
    // 403 a bad signature, a signer that is not a registrar, the deny list or the ownership policy,
    // 404 a device of another manufacturer, 406 an Accept naming no voucher type, 415 a Content-Type
    // that is not one. Error answers are text/plain with the reason.
    BrskiReply request_voucher(const BrskiRequest& request) const;
    // POST /.well-known/brski/requestauditlog: the same signed RVR; 200 with the JSON audit log of
    // the device, 404 when the device has no voucher issued to the requesting domain.
    BrskiReply request_audit_log(const BrskiRequest& request) const;

    const MasaConfig& config() const { return config_; }

private:
    MasaConfig config_;
};

}  // namespace iotops::est
