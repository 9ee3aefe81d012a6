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

static std::uint64_t serial_hash(const std::string& canonical) {
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (char c : canonical) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    return h | 1;  // never 0
}

std::optional<std::size_t> Index::lookup(const std::string& canonical, std::uint64_t hash) const {
    if (slots_.empty() && !entries_.empty()) {
        // Parsed without the index: build it now (not thread-safe; shared indexes are built eagerly).
        Index* self = const_cast<Index*>(this);
        std::size_t cap = 16;
        while (cap < entries_.size() * 2) cap *= 2;
        self->slots_.assign(cap, Slot{});
        self->used_ = 0;
        for (std::size_t i = 0; i < entries_.size(); ++i) {
            std::string key = canonical_serial(entries_[i].serial);
            if (!self->insert_slot(i, key, serial_hash(key)))
                throw Error(ErrorKind::malformed, "index.txt: serial " + key + " appears twice");
        }
    }
    if (slots_.empty()) return std::nullopt;
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
        const Slot& s = slots_[i];
        if (s.pos == UINT32_MAX) return std::nullopt;
        if (s.hash == hash && canonical_serial(entries_[s.pos].serial) == canonical) return s.pos;
    }
}

void Index::grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(std::max<std::size_t>(16, old.size() * 2), Slot{});
    std::size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
        if (s.pos == UINT32_MAX) continue;
        std::size_t i = s.hash & mask;
        while (slots_[i].pos != UINT32_MAX) i = (i + 1) & mask;
        slots_[i] = s;
    }
}

bool Index::insert_slot(std::size_t pos, const std::string& canonical, std::uint64_t hash) {
    if ((used_ + 1) * 2 > slots_.size()) grow();
    if (lookup(canonical, hash)) return false;
    std::size_t mask = slots_.size() - 1;
    std::size_t i = hash & mask;
    while (slots_[i].pos != UINT32_MAX) i = (i + 1) & mask;
    slots_[i] = Slot{hash, static_cast<std::uint32_t>(pos)};
    ++used_;
    return true;
}

const Entry* Index::find_serial(std::string_view serial_hex) const {
    std::string key = canonical_serial(serial_hex);
    auto pos = lookup(key, serial_hash(key));
    return pos ? &entries_[*pos] : nullptr;
}

Entry* Index::find_mut(std::string_view serial_hex) {
    return const_cast<Entry*>(static_cast<const Index*>(this)->find_serial(serial_hex));
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
    std::uint64_t hash = serial_hash(key);
    if (lookup(key, hash)) throw Error(ErrorKind::negative, "serial " + key + " is already in the database");
    if (unique_subject)
        for (const auto& other : entries_)
            if (other.status == Status::valid && other.subject == e.subject)
                throw Error(ErrorKind::negative, "subject " + e.subject + " already has a valid certificate (serial " +
                                                     other.serial + ") and unique_subject is on");
    e.serial = key;
    if (e.status == Status::revoked && !e.revocation) e.revocation = Revocation{now(), std::nullopt, {}, {}};
    entries_.push_back(std::move(e));
    insert_slot(entries_.size() - 1, key, hash);
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

Index Index::parse(std::string_view text, std::string_view file_name, bool lookup) {
    Index idx;
    std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    idx.entries_.reserve(lines);
    std::size_t cap = 16;
    while (cap < lines * 2) cap *= 2;
    if (lookup) idx.slots_.assign(cap, Slot{});
    std::size_t line_no = 0;
    while (!text.empty()) {
        ++line_no;
        auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        if (line.empty() || line == "\r") continue;
        Entry e = parse_index_line(line, line_no, file_name);
        idx.entries_.push_back(std::move(e));
        if (!lookup) continue;
        std::string key = canonical_serial(idx.entries_.back().serial);
        if (!idx.insert_slot(idx.entries_.size() - 1, key, serial_hash(key)))
            throw Error(ErrorKind::malformed, std::string(file_name) + " line " + std::to_string(line_no) +
                                                  ": serial " + key + " appears twice");
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

static Index load_unlocked(const Database& db, bool lookup = true) {
    Bytes text = read_file(db.index_path());
    Index idx = Index::parse(to_string_view(text), db.index_path(), lookup);
    if (exists(db.attr_path())) idx.unique_subject = parse_attr(to_string_view(read_file(db.attr_path())));
    return idx;
}

Index Database::load(bool lookup) const {
    FileLock lock(lock_path(), false);
    return load_unlocked(*this, lookup);
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
