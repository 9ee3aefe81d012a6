// The MASA audit log (RFC 8995 5.8): one NDJSON line per voucher issued, appended under a lock so
// several servers may share the file, and the audit-log response a registrar asks for.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "iotops/crypto/certificate.hpp"

namespace iotops::est {

struct AuditEvent {
    std::string date;           // RFC 3339, when the voucher was issued
    std::string serial_number;
    std::string idevid_issuer;  // base64, as in the voucher
    std::string domain_id;      // base64 (RFC 8995 5.8.2)
    std::optional<std::string> nonce;  // as the voucher-request gave it; none: a nonceless voucher
    std::string assertion;
    std::string registrar;      // subject of the registrar certificate that signed the request

    nlohmann::json to_json() const;
    // Throws Error(malformed) for a record that is not an audit event.
    static AuditEvent from_json(const nlohmann::json& j);
};

// RFC 8995 5.8.2: the pinned-domain-cert's subjectKeyIdentifier, else the RFC 7469 SPKI
// fingerprint (SHA-256 of the SubjectPublicKeyInfo), base64.
std::string domain_id(const crypto::Certificate& pinned_domain_cert);

// Appends one JSON line to path under an exclusive flock on <path>.lock (mode 0640 when created).
void append_ndjson(const std::string& path, const nlohmann::json& record);

class MasaAuditLog {
public:
    explicit MasaAuditLog(std::string path) : path_(std::move(path)) {}
    const std::string& path() const { return path_; }
    void append(const AuditEvent& e) const;
    // The events of one device (and issuer, when given), oldest first; none when the file does not
    // exist. Throws Error(malformed) naming the line that is not an event.
    std::vector<AuditEvent> events(std::string_view serial_number, std::optional<std::string_view> idevid_issuer = {}) const;

private:
    std::string path_;
};

// The audit-log response (RFC 8995 5.8.1): {"version":"1","events":[...],"truncation":{...}}, newest
// first. Past max_events, older duplicates per domainID (nonced / nonceless) are dropped first,
// leaving the most recent of each with its "truncated" count; then the oldest, counted as arbitrary.
nlohmann::json audit_log_response(const std::vector<AuditEvent>& events, std::size_t max_events = 1024);

}  // namespace iotops::est
