// A CA database in the OpenSSL `ca` layout: index.txt, index.txt.attr (unique_subject), serial and
// crlnumber beside it. Readers take a shared flock on index.txt.lock, writers an exclusive one; every
// file is replaced atomically (temporary file, fsync, rename), so a crash leaves the old contents.
// Used by iot-revoke (revocation, CRLs, OCSP) and the registrar (recording the LDevIDs it issues).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "iotops/ca/index.hpp"

namespace iotops::ca {

// The parsed database.
class Index {
public:
    bool unique_subject = true;  // OpenSSL's default when index.txt.attr is absent

    const std::vector<Entry>& entries() const { return entries_; }
    std::size_t size() const { return entries_.size(); }

    const Entry* find_serial(std::string_view serial_hex) const;
    std::vector<const Entry*> find_subject(std::string_view oneline_subject) const;
    // Entries whose subject carries serialNumber=<value>.
    std::vector<const Entry*> find_subject_serial_number(std::string_view value) const;

    // Adds an issued certificate. Throws Error(negative) for a duplicate serial, or for a subject
    // that a valid entry already has when unique_subject is on.
    void add(Entry e);

    enum class RevokeOutcome { revoked, already_revoked, hold_changed };
    // Revokes by serial. Throws Error(missing) for an unknown serial and Error(negative) when the
    // certificate is already revoked for another reason (changing from certificateHold is allowed).
    RevokeOutcome revoke(std::string_view serial_hex, const Revocation& r);
    // Releases a certificateHold. Throws Error(missing) for an unknown serial, Error(negative) when not on hold.
    void unhold(std::string_view serial_hex);

    // Parses index.txt text. Throws Error(malformed) naming the line. Without `lookup` the serial
    // index (and the duplicate check) waits until the first lookup: a single pass such as writing
    // a CRL never pays for it. Such an Index must not be shared between threads before a lookup.
    static Index parse(std::string_view text, std::string_view file_name = "index.txt", bool lookup = true);
    std::string serialize() const;

private:
    Entry* find_mut(std::string_view serial_hex);
    // Open addressing over (hash of the canonical serial, position): a million entries index in a
    // fraction of the time std::unordered_map<std::string, ...> takes.
    struct Slot {
        std::uint64_t hash = 0;
        std::uint32_t pos = UINT32_MAX;
    };
    std::optional<std::size_t> lookup(const std::string& canonical, std::uint64_t hash) const;
    // Inserts entries_[pos]; false when the serial is already there.
    bool insert_slot(std::size_t pos, const std::string& canonical, std::uint64_t hash);
    void grow();
    std::vector<Entry> entries_;
    std::vector<Slot> slots_;
    std::size_t used_ = 0;
};

class Database {
public:
    // index_path: the index.txt; its side files are <index>.attr, <index>.lock, and serial and
    // crlnumber in the same directory.
    explicit Database(std::string index_path);

    const std::string& index_path() const { return index_; }
    std::string attr_path() const { return index_ + ".attr"; }
    std::string lock_path() const { return index_ + ".lock"; }
    std::string serial_path() const { return dir_ + "serial"; }
    std::string crlnumber_path() const { return dir_ + "crlnumber"; }

    // Creates an empty database (index.txt, .attr, serial 01, crlnumber 01) unless it exists.
    void create(bool unique_subject = false) const;

    // A consistent snapshot under a shared lock. Missing index: Error(missing).
    Index load(bool lookup = true) const;
    // Runs fn on the current contents under the exclusive lock; writes index.txt (and .attr)
    // atomically when fn returns true. The lock is held once for the whole batch.
    void update(const std::function<bool(Index&)>& fn) const;

    // Shorthands, each one locked transaction.
    void add(const Entry& e) const;
    Index::RevokeOutcome revoke(std::string_view serial_hex, const Revocation& r) const;

    // Next serial from the serial file (hex), stored incremented. Creates the file (starting at
    // `start`) when missing.
    std::string allocate_serial(std::string_view start = "01") const;
    // The CRL number to use from crlnumber, stored incremented; nullopt when the file is missing
    // and create is false.
    std::optional<std::string> allocate_crl_number(bool create = true) const;

private:
    std::string index_;
    std::string dir_;  // with trailing '/', or ""
};

// An exclusive or shared flock on a lock file, released on destruction.
class FileLock {
public:
    FileLock(const std::string& path, bool exclusive);
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    ~FileLock();

private:
    int fd_ = -1;
};

// Writes data to path atomically: temporary file in the same directory, fsync, rename, fsync of
// the directory. IOTOPS_CA_TEST_PAUSE_MS (a test hook) sleeps halfway through the temporary file.
void write_file_atomic(const std::string& path, std::string_view data, unsigned mode = 0644);

}  // namespace iotops::ca
