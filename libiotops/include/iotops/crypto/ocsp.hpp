#pragma once
// OCSP (RFC 6960) with nonces up to 128 octets (RFC 9654): requests and response checking for a
// client, request parsing and response signing for a responder. Status lookups stay with the caller.
#include <chrono>
#include <memory>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "iotops/core/bytes.hpp"
#include "iotops/core/time.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/key.hpp"


namespace iotops::crypto::ocsp {

enum class CertStatus { good, revoked, unknown };
std::string_view cert_status_name(CertStatus s);  // "good", "revoked", "unknown"

struct SingleStatus {
    CertStatus status = CertStatus::unknown;
    std::optional<Time> revocation_time;
    std::optional<int> reason;  // CRLReason code
};

// RFC 6960 OCSPResponseStatus.
enum class ResponseStatus : int {
    successful = 0,
    malformed_request = 1,
    internal_error = 2,
    try_later = 3,
    sig_required = 5,
    unauthorized = 6,
};
std::string_view response_status_name(ResponseStatus s);  // "malformedRequest", ...

// ---- client ----

struct Request {
    Bytes der;
    std::optional<Bytes> nonce;
};
// One CertID (SHA-1, as OpenSSL and most responders expect), with a 16-octet nonce unless
// nonce_length is 0.
Request make_request(const Certificate& cert, const Certificate& issuer, std::size_t nonce_length = 16);

struct Answer {
    SingleStatus single;
    Time this_update;
    std::optional<Time> next_update;
    bool nonce_echoed = false;
};
// Checks the response: successful status (else Error(protocol) naming it), signature by the
// issuer or by a delegated responder it issued with id-kp-OCSPSigning (else Error(protocol)),
// the nonce when the request had one, and the answer for the requested certificate.
Answer check_response(ByteView der, const Request& req, const Certificate& cert, const Certificate& issuer);

// The id-ad-ocsp URI of the Authority Information Access extension.
std::optional<std::string> aia_ocsp_url(const Certificate& cert);
// RFC 9608 id-ce-noRevAvail present.
bool has_no_rev_avail(const Certificate& cert);
// RFC 6960 4.2.2.2.1 id-pkix-ocsp-nocheck present.
bool has_ocsp_nocheck(const Certificate& cert);

// ---- responder ----

struct ResponderIssuer {
    Certificate ca;
    Certificate signer;  // the CA itself or a delegated responder certificate
    PrivateKey key;
};

// A finished response and whether it may be cached (no nonce in the request).
struct Response {
    Bytes der;
    ResponseStatus status = ResponseStatus::successful;
    bool cacheable = false;
    Time this_update;
    std::optional<Time> next_update;
};

class Responder {
public:
    explicit Responder(std::vector<ResponderIssuer> issuers);
    ~Responder();
    Responder(const Responder&) = delete;
    Responder& operator=(const Responder&) = delete;

    // Status of a serial (canonical upper-case hex) under issuer number `issuer`.
    using Lookup = std::function<SingleStatus(std::size_t issuer, const std::string& serial_hex)>;
    // Never throws for bad requests: garbage -> malformedRequest, a nonce over 128 octets ->
    // malformedRequest, an issuer not served -> unauthorized.
    Response respond(ByteView request_der, const Lookup& lookup, std::optional<std::chrono::seconds> validity) const;

    static Bytes error_response(ResponseStatus s);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace iotops::crypto::ocsp
