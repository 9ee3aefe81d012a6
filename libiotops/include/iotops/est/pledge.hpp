// The BRSKI pledge (RFC 8995 section 5), over HTTPS or, as cBRSKI's constrained pledge, over
// CoAPS (draft-ietf-anima-constrained-voucher): provisional (D)TLS to the registrar, a pledge voucher-request
// naming the registrar's certificate, the voucher checked against the manufacturer's trust
// anchor, the registrar then checked against the voucher's pinned-domain-cert, voucher status
// telemetry, and EST enrolment of an LDevID. Every step lands in a JSON transcript, so whoever
// reads it sees which step of which exchange failed and why.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "iotops/core/error.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/key.hpp"
#include "iotops/voucher/envelope.hpp"

namespace iotops::est {

inline constexpr const char* brski_well_known = "/.well-known/brski";

// What the factory gave the pledge: its IDevID key, certificate and the chain to present in TLS.
struct PledgeIdentity {
    crypto::PrivateKey key;
    std::vector<crypto::Certificate> certificates;  // the IDevID first
};

struct PledgeOptions {
    std::string registrar;                          // https://host:port or coaps://host:port
    std::vector<crypto::Certificate> masa_anchors;  // the voucher's signer must chain to one
    // A COSE voucher carries no certificate: the MASA's signing certificate is one of these or
    // of masa_anchors.
    std::vector<crypto::Certificate> masa_signers;
    // Of the voucher-request: cms or jws over https, cose over coaps; none: cms, or cose over coaps.
    std::optional<voucher::Format> format;
    crypto::KeyType key_type = crypto::KeyType::p256;  // of the new LDevID key
    int timeout_seconds = 30;
    bool record_exchanges = false;  // put every HTTP or CoAP exchange into the transcript (--verbose)
    // coaps (cBRSKI DTLS section): the max_fragment_length asked for (512 or 1024) and the PMTU.
    unsigned max_fragment_length = 1024;
    unsigned mtu = 1024;
};

// "https" or "coaps" for a registrar origin; Error(usage) for anything else, or one with a path.
std::string pledge_transport_name(const std::string& registrar);
// The voucher format a pledge uses with these options; Error(usage) when it does not fit the transport.
voucher::Format pledge_voucher_format(const PledgeOptions& options);

struct PledgeOutcome {
    // {"serial-number", "registrar", "transport": "https"|"coaps", "result": "enrolled"|"failed",
    //  "failed-step", "error", "steps": [{"step", "result": "ok"|"fail", ...what was sent and what
    //  came back: "http-status" over HTTPS, "coap-code" over CoAPS}]}
    nlohmann::json transcript;
    std::optional<ErrorKind> failure;  // none: enrolled
    Bytes voucher;                     // as the registrar returned it
    std::vector<crypto::Certificate> domain_anchors;  // cacerts
    std::optional<crypto::PrivateKey> ldevid_key;
    std::vector<crypto::Certificate> ldevid;  // the LDevID first
    bool enrolled() const { return !failure; }
};

// Runs the whole exchange. Failures do not throw: they end the transcript at the failing step,
// with the kind an exit code is made from (unreachable: a peer, the registrar or the MASA behind
// it, could not be reached; negative: a check failed; protocol: a peer answered nonsense).
PledgeOutcome run_pledge(const PledgeIdentity& identity, const PledgeOptions& options);

}  // namespace iotops::est
