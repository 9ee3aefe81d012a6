// The CA database: index.txt with its side files, locked and replaced atomically.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <sys/stat.h>

#include "iotops/ca/database.hpp"
#include "iotops/core/bytes.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/file.hpp"

namespace iotops::ca {

namespace {

std::string_view to_string_view(const Bytes& b) {
    return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return std::string(s);
}

// index.txt.attr: "unique_subject = yes|no" (OpenSSL's only attribute).
bool parse_attr(std::string_view text) {
    std::istringstream in{std::string(text)};
    std::string line;
    bool unique = true;
    while (std::getline(in, line)) {
        auto eq = line.find('=');
        if (eq == std::string::npos || trim(line.substr(0, eq)) != "unique_subject") continue;
        std::string v = trim(line.substr(eq + 1));
        unique = !(v == "no" || v == "n" || v == "NO" || v == "No" || v == "false" || v == "0");
    }
    return unique;
}

// Hex number + 1, keeping upper case and even length.
std::string hex_increment(std::string hex) {
    hex = canonical_serial(hex);
    int i = static_cast<int>(hex.size()) - 1;
    for (; i >= 0; --i) {
        char c = hex[static_cast<std::size_t>(i)];
        if (c == 'F') {
            hex[static_cast<std::size_t>(i)] = '0';
            continue;
        }
        hex[static_cast<std::size_t>(i)] = c == '9' ? 'A' : static_cast<char>(c + 1);
        break;
    }
    if (i < 0) hex.insert(hex.begin(), '1');
    return canonical_serial(hex);
}

}  // namespace

// ---- Index ----

const Entry* Index::find_serial(std::string_view serial_hex) const {
    auto it = by_serial_.find(canonical_serial(serial_hex));
    return it == by_serial_.end() ? nullptr : &entries_[it->second];
}

Entry* Index::find_mut(std::string_view serial_hex) {
    auto it = by_serial_.find(canonical_serial(serial_hex));
    return it == by_serial_.end() ? nullptr : &entries_[it->second];
}

std::vector<const Entry*> Index::find_subject(std::string_view subject) const {
    std::vector<const Entry*> out;
    for (const auto& e : entries_)
        if (e.subject == subject) out.push_back(&e);
    return out;
}

std::vector<const Entry*> Index::find_subject_serial_number(std::string_view value) const {
    std::vector<const Entry*> out;
    for (const auto& e : entries_) {
        auto v = subject_attribute(e.subject, "serialNumber");
        if (v && *v == value) out.push_back(&e);
    }
    return out;
}

void Index::add(Entry e) {
    std::string key = canonical_serial(e.serial);
    if (by_serial_.count(key)) throw Error(ErrorKind::negative, "serial " + key + " is already in the database");
    if (unique_subject)
        for (const auto& other : entries_)
            if (other.status == Status::valid && other.subject == e.subject)
                throw Error(ErrorKind::negative, "subject " + e.subject + " already has a valid certificate (serial " +
                                                     other.serial + ") and unique_subject is on");
    e.serial = key;
    if (e.status == Status::revoked && !e.revocation) e.revocation = Revocation{now(), std::nullopt, {}, {}};
    by_serial_.emplace(std::move(key), entries_.size());
    entries_.push_back(std::move(e));
}

Index::RevokeOutcome Index::revoke(std::string_view serial_hex, const Revocation& r) {
    Entry* e = find_mut(serial_hex);
    if (!e) throw Error(ErrorKind::missing, "serial " + canonical_serial(serial_hex) + " is not in the database");
    if (e->status == Status::revoked && e->revocation) {
        if (e->revocation->same_as(r)) return RevokeOutcome::already_revoked;
        if (e->revocation->reason != Reason::certificate_hold)
            throw Error(ErrorKind::negative,
                        "serial " + e->serial + " is already revoked as " +
                            std::string(reason_name(e->revocation->reason.value_or(Reason::unspecified))) +
                            "; the reason of a revocation cannot change except from certificateHold");
        e->revocation = r;
        return RevokeOutcome::hold_changed;
    }
    e->status = Status::revoked;
    e->revocation = r;
    return RevokeOutcome::revoked;
}

void Index::unhold(std::string_view serial_hex) {
    Entry* e = find_mut(serial_hex);
    if (!e) throw Error(ErrorKind::missing, "serial " + canonical_serial(serial_hex) + " is not in the database");
    if (e->status != Status::revoked || !e->revocation || e->revocation->reason != Reason::certificate_hold)
        throw Error(ErrorKind::negative, "serial " + e->serial + " is not on hold (certificateHold)");
    e->status = now() > e->not_after ? Status::expired : Status::valid;
    e->revocation.reset();
}

Index Index::parse(std::string_view text, std::string_view file_name) {
    Index idx;
    idx.entries_.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
    std::size_t line_no = 0;
    while (!text.empty()) {
        ++line_no;
        auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        if (line.empty() || line == "\r") continue;
        Entry e = parse_index_line(line, line_no, file_name);
        std::string key = canonical_serial(e.serial);
        if (!idx.by_serial_.emplace(std::move(key), idx.entries_.size()).second)
            throw Error(ErrorKind::malformed, std::string(file_name) + " line " + std::to_string(line_no) +
                                                  ": serial " + e.serial + " appears twice");
        idx.entries_.push_back(std::move(e));
    }
    return idx;
}

std::string Index::serialize() const {
    std::string out;
    out.reserve(entries_.size() * 64);
    for (const auto& e : entries_) out += format_index_line(e);
    return out;
}

// ---- Database ----

Database::Database(std::string index_path) : index_(std::move(index_path)) {
    auto slash = index_.rfind('/');
    if (slash != std::string::npos) dir_ = index_.substr(0, slash + 1);
}

void Database::create(bool unique_subject) const {
    FileLock lock(lock_path(), true);
    if (!exists(index_)) write_file_atomic(index_, "");
    if (!exists(attr_path())) write_file_atomic(attr_path(), unique_subject ? "unique_subject = yes\n" : "unique_subject = no\n");
    if (!exists(serial_path())) write_file_atomic(serial_path(), "01\n");
    if (!exists(crlnumber_path())) write_file_atomic(crlnumber_path(), "01\n");
}

static Index load_unlocked(const Database& db) {
    Bytes text = read_file(db.index_path());
    Index idx = Index::parse(to_string_view(text), db.index_path());
    if (exists(db.attr_path())) idx.unique_subject = parse_attr(to_string_view(read_file(db.attr_path())));
    return idx;
}

Index Database::load() const {
    FileLock lock(lock_path(), false);
    return load_unlocked(*this);
}

void Database::update(const std::function<bool(Index&)>& fn) const {
    FileLock lock(lock_path(), true);
    Index idx = load_unlocked(*this);
    if (fn(idx)) write_file_atomic(index_, idx.serialize());
}

void Database::add(const Entry& e) const {
    update([&](Index& idx) {
        idx.add(e);
        return true;
    });
}

Index::RevokeOutcome Database::revoke(std::string_view serial_hex, const Revocation& r) const {
    Index::RevokeOutcome out{};
    update([&](Index& idx) {
        out = idx.revoke(serial_hex, r);
        return out != Index::RevokeOutcome::already_revoked;
    });
    return out;
}

static std::optional<std::string> bump_counter(const Database& db, const std::string& path, std::string_view start,
                                               bool create) {
    FileLock lock(db.lock_path(), true);
    std::string current;
    if (exists(path)) {
        current = trim(to_string_view(read_file(path)));
        if (current.empty()) throw Error(ErrorKind::malformed, path + ": empty, expected a hex number");
        try {
            current = canonical_serial(current);
        } catch (const Error&) {
            throw Error(ErrorKind::malformed, path + ": '" + current + "' is not a hex number");
        }
    } else {
        if (!create) return std::nullopt;
        current = canonical_serial(start);
    }
    write_file_atomic(path, hex_increment(current) + "\n");
    return current;
}

std::string Database::allocate_serial(std::string_view start) const {
    return *bump_counter(*this, serial_path(), start, true);
}

std::optional<std::string> Database::allocate_crl_number(bool create) const {
    return bump_counter(*this, crlnumber_path(), "01", create);
}

}  // namespace iotops::ca
