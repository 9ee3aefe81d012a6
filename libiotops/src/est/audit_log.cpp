#include "iotops/est/audit_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "iotops/core/time.hpp"

namespace iotops::est {

AuditLog::AuditLog(std::string path) : path_(std::move(path)) {}

void AuditLog::append(const nlohmann::json& record) const {
    if (path_.empty()) return;
    nlohmann::json line = record;
    if (!line.contains("time")) line["time"] = format_rfc3339(now());
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0) return;
    ssize_t n = ::write(fd, text.data(), text.size());
    (void)n;
    ::close(fd);
}

}  // namespace iotops::est
