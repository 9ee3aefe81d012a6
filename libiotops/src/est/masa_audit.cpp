#include "iotops/est/masa_audit.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "iotops/ca/database.hpp"
#include "iotops/codec/json.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/file.hpp"

namespace iotops::est {
namespace {

const std::string& text_field(const nlohmann::json& j, const char* name) {
    auto it = j.find(name);
    if (it == j.end() || !it->is_string()) throw_malformed(std::string("audit event: ") + name + " is missing or not text");
    return it->get_ref<const std::string&>();
}

}  // namespace

nlohmann::json AuditEvent::to_json() const {
    return {{"date", date},
            {"serial-number", serial_number},
            {"idevid-issuer", idevid_issuer},
            {"domainID", domain_id},
            {"nonce", nonce ? nlohmann::json(*nonce) : nlohmann::json(nullptr)},
            {"assertion", assertion},
            {"registrar", registrar}};
}

AuditEvent AuditEvent::from_json(const nlohmann::json& j) {
    if (!j.is_object()) throw_malformed("audit event: not an object");
    AuditEvent e;
    e.date = text_field(j, "date");
    e.serial_number = text_field(j, "serial-number");
    e.idevid_issuer = text_field(j, "idevid-issuer");
    e.domain_id = text_field(j, "domainID");
    e.assertion = text_field(j, "assertion");
    e.registrar = text_field(j, "registrar");
    auto n = j.find("nonce");
    if (n == j.end() || !(n->is_null() || n->is_string())) throw_malformed("audit event: nonce is missing or neither text nor null");
    if (n->is_string()) e.nonce = n->get<std::string>();
    return e;
}

std::string domain_id(const crypto::Certificate& pinned) {
    if (auto ski = pinned.subject_key_id()) return base64_encode(*ski);
    return base64_encode(crypto::digest(crypto::Hash::sha256, pinned.public_key().spki_der()));
}

void append_ndjson(const std::string& path, const nlohmann::json& record) {
    std::string line = record.dump() + "\n";
    ca::FileLock lock(path + ".lock", true);
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) throw Error(ErrorKind::io, path + ": cannot open for appending: " + std::strerror(errno));
    std::size_t done = 0;
    while (done < line.size()) {
        auto n = ::write(fd, line.data() + done, line.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            int err = errno;
            ::close(fd);
            throw Error(ErrorKind::io, path + ": write failed: " + std::strerror(err));
        }
        done += static_cast<std::size_t>(n);
    }
    // An issued voucher must not vanish from the log in a crash.
    int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) throw Error(ErrorKind::io, path + ": fsync failed");
}

void MasaAuditLog::append(const AuditEvent& e) const { append_ndjson(path_, e.to_json()); }

std::vector<AuditEvent> MasaAuditLog::events(std::string_view serial, std::optional<std::string_view> issuer) const {
    std::vector<AuditEvent> out;
    std::string text;
    {
        ca::FileLock lock(path_ + ".lock", false);
        struct stat st {};
        if (::stat(path_.c_str(), &st) != 0) return out;
        Bytes b = read_file(path_);
        text.assign(b.begin(), b.end());
    }
    std::size_t start = 0, line_no = 0;
    while (start < text.size()) {
        ++line_no;
        auto nl = text.find('\n', start);
        if (nl == std::string::npos) nl = text.size();
        std::string_view line(text.data() + start, nl - start);
        start = nl + 1;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        AuditEvent e;
        try {
            e = AuditEvent::from_json(codec::parse_json(line, "audit log"));
        } catch (const Error& err) {
            throw_malformed(path_ + " line " + std::to_string(line_no) + ": " + err.what());
        }
        if (e.serial_number == serial && (!issuer || e.idevid_issuer == *issuer)) out.push_back(std::move(e));
    }
    return out;
}

nlohmann::json audit_log_response(const std::vector<AuditEvent>& events, std::size_t max_events) {
    struct Kept {
        const AuditEvent* event;
        std::size_t truncated = 0;
    };
    std::vector<Kept> kept;  // newest first
    for (auto it = events.rbegin(); it != events.rend(); ++it) kept.push_back({&*it});
    std::size_t nonced = 0, nonceless = 0, arbitrary = 0;
    if (kept.size() > max_events) {
        // Keep the most recent nonced and nonceless event of each domain, counting what they stand for.
        std::map<std::pair<std::string, bool>, std::size_t> first;  // (domainID, nonced) -> index in abridged
        std::vector<Kept> abridged;
        for (const auto& k : kept) {
            auto key = std::make_pair(k.event->domain_id, k.event->nonce.has_value());
            if (auto f = first.find(key); f != first.end()) {
                ++abridged[f->second].truncated;
                ++(key.second ? nonced : nonceless);
                continue;
            }
            first.emplace(key, abridged.size());
            abridged.push_back(k);
        }
        kept = std::move(abridged);
        if (kept.size() > max_events) {
            arbitrary = kept.size() - max_events;
            kept.resize(max_events);
        }
    }
    nlohmann::json list = nlohmann::json::array();
    for (const auto& k : kept) {
        nlohmann::json e = {{"date", k.event->date},
                            {"domainID", k.event->domain_id},
                            {"nonce", k.event->nonce ? nlohmann::json(*k.event->nonce) : nlohmann::json(nullptr)},
                            {"assertion", k.event->assertion}};
        if (k.truncated) e["truncated"] = std::min<std::size_t>(k.truncated, 1024);
        list.push_back(std::move(e));
    }
    // RFC 8995 5.8.1: a count past 1024 may stay at 1024.
    auto cap = [](std::size_t n) { return std::min<std::size_t>(n, 1024); };
    return {{"version", "1"},
            {"events", std::move(list)},
            {"truncation", {{"nonced duplicates", cap(nonced)}, {"nonceless duplicates", cap(nonceless)}, {"arbitrary", cap(arbitrary)}}}};
}

}  // namespace iotops::est
