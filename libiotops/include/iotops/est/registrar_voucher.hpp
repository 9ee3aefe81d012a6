// The registrar's side of the voucher exchange (RFC 8995 5.2-5.7): a pledge voucher-request that
// arrived over TLS is checked against the pledge's client certificate and the registrar's policy,
// wrapped in a signed registrar voucher-request, sent to the MASA the IDevID names, and the MASA's
// voucher is returned to the pledge unchanged. The HTTP call to the MASA is injected.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "iotops/core/time.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/key.hpp"
#include "iotops/est/brski_http.hpp"
#include "iotops/voucher/envelope.hpp"

namespace iotops::est {

// A manufacturer whose pledges this registrar admits (RFC 8995 5.3).
struct Manufacturer {
    std::string name;
    std::vector<crypto::Certificate> anchors;  // its IDevID trust anchors
    std::vector<std::string> serials{"*"};     // fnmatch(3) globs of admitted serial-numbers
    std::optional<std::string> masa_url;       // overrides the IDevID's MASA URL extension (5.4)
};

// The URL of a BRSKI operation at the MASA a MASA URL extension names (RFC 8995 2.3.2): an
// authority alone ("masa.example:9443") means https://<authority>/.well-known/brski; a URI whose
// path is empty or "/" gets /.well-known/brski too; a URI with a path is the base itself.
// Error(malformed) for anything but https.
std::string masa_operation_url(std::string_view masa_url, std::string_view operation = "requestvoucher");

struct MasaCall {
    std::string url;
    std::string content_type;
    std::string accept;
    Bytes body;
};
struct MasaAnswer {
    int status = 0;
    std::string content_type;
    Bytes body;
};
// POSTs to the MASA. Throws Error(unreachable) when it cannot be reached (the server passes the
// crypto HTTP client; tests pass a function).
using MasaTransport = std::function<MasaAnswer(const MasaCall&)>;

struct RegistrarVoucherConfig {
    crypto::PrivateKey key;                  // signs registrar voucher-requests (EKU id-kp-cmcRA)
    crypto::Certificate cert;
    std::vector<crypto::Certificate> chain;  // sent with the RVR: the MASA pins the farthest (5.5)
    // The TLS server certificate pledges see; a PVR's proximity-registrar-cert must be it (5.2).
    std::optional<crypto::Certificate> tls_certificate;
    std::vector<Manufacturer> manufacturers;
    std::optional<voucher::Format> rvr_format;  // none: the PVR's format
    // When not empty the MASA's voucher must verify to one of these; its serial-number and nonce
    // are always checked against the request.
    std::vector<crypto::Certificate> masa_anchors;
    std::optional<Time> at;                   // the clock (tests); none: now
};

struct RegistrarReply {
    BrskiReply reply;
    nlohmann::json log;  // one record for the registrar's log: serial-number, MASA, status, reason
};

class RegistrarVoucherService {
public:
    RegistrarVoucherService(RegistrarVoucherConfig config, MasaTransport masa);

    // POST /.well-known/brski/requestvoucher from a pledge. 200 with the MASA's voucher and its
    // content type; 400 malformed, 401 a PVR pinning another registrar, 403 a PVR not signed by the
    // TLS client certificate or a pledge the policy does not admit, 404 an unknown manufacturer or
    // no MASA URL, 415 an unsupported Content-Type, the MASA's own 4xx passed on, 502 when the MASA
    // cannot be reached, fails or answers with a voucher that does not fit the request.
    RegistrarReply request_voucher(const BrskiRequest& request) const;

    const RegistrarVoucherConfig& config() const { return config_; }

private:
    RegistrarVoucherConfig config_;
    MasaTransport masa_;
};

// Pledge telemetry (RFC 8995 5.7 voucher_status, 5.9.4 enrollstatus): JSON
// {"version":uint,"status":bool,"reason"?:text,"reason-context"?:any}. 200 when valid, 400 (with
// the reason) when not, 415 when neither application/json nor application/cbor (cBRSKI: the same
// structure as a CBOR map with text keys). The record to log holds the fields, the
// client certificate (subject, serialNumber, SHA-256), unknown fields and a newer version noted.
struct TelemetryResult {
    BrskiReply reply;
    nlohmann::json record;
};
TelemetryResult voucher_status(const BrskiRequest& request, std::optional<Time> at = std::nullopt);
TelemetryResult enroll_status(const BrskiRequest& request, std::optional<Time> at = std::nullopt);

}  // namespace iotops::est
