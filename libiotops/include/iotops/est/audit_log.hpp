// A registrar's audit log: one NDJSON line per event, appended with O_APPEND in one write, so
// lines land whole even when several threads or processes share the file.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace iotops::est {

class AuditLog {
public:
    AuditLog() = default;                 // records nothing
    explicit AuditLog(std::string path);  // appends to path (created 0640 when missing)

    // Writes the record as one line, with "time" (RFC 3339, now) added. A log
    // that cannot be written does not stop the service: the failure is ignored.
    void append(const nlohmann::json& record) const;
    bool enabled() const { return !path_.empty(); }

private:
    std::string path_;
};

}  // namespace iotops::est
