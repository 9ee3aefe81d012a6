// Inside est: what the pledge's steps need from the wire, once over HTTPS (RFC 8995) and once
// over CoAPS (cBRSKI). Each call writes what went over the wire into the step's JSON and throws
// iotops::Error with the kind the step fails with.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "iotops/crypto/certificate.hpp"
#include "iotops/est/pledge.hpp"
#include "pledge_transcript.hpp"

namespace iotops::est {

class PledgeTransport {
public:
    virtual ~PledgeTransport() = default;
    virtual const char* name() const = 0;  // "https", "coaps"
    // Connects without trusting the registrar and returns the chain it showed, leaf first.
    virtual std::vector<crypto::Certificate> connect(nlohmann::json& step) = 0;
    // Sends the PVR to the registrar that connect() saw and returns its answer body.
    virtual Bytes request_voucher(const Bytes& pvr, voucher::Format format, nlohmann::json& step) = 0;
    // Status telemetry ("voucher_status" or "enrollstatus"); returns why the registrar did not
    // take it, empty when it did.
    virtual std::string send_status(const std::string& which, const nlohmann::json& body, nlohmann::json& step) = 0;
    // From now on the registrar is trusted through the voucher's pinned-domain-cert.
    virtual void trust(const crypto::Certificate& pinned, nlohmann::json& step) = 0;
    virtual std::vector<crypto::Certificate> cacerts(nlohmann::json& step) = 0;
    virtual std::vector<crypto::Certificate> enroll(const crypto::Csr& csr, nlohmann::json& step) = 0;
};

std::unique_ptr<PledgeTransport> https_transport(const PledgeIdentity& identity, const PledgeOptions& options, Transcript& t);
std::unique_ptr<PledgeTransport> coaps_transport(const PledgeIdentity& identity, const PledgeOptions& options, Transcript& t);

}  // namespace iotops::est
