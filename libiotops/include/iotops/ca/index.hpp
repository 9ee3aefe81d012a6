// The OpenSSL `ca` database format (index.txt): one certificate per line, six TAB-separated fields
// status, notAfter, revocation, serial, file, subject. Revocation is "date[,reason[,extra]]" exactly
// as `openssl ca` writes it (holdInstruction,<OID> / keyTime,<time> / CAkeyTime,<time>).
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "iotops/core/time.hpp"

namespace iotops::ca {

// RFC 5280 CRLReason codes (7 is unused).
enum class Reason : int {
    unspecified = 0,
    key_compromise = 1,
    ca_compromise = 2,
    affiliation_changed = 3,
    superseded = 4,
    cessation_of_operation = 5,
    certificate_hold = 6,
    remove_from_crl = 8,
    privilege_withdrawn = 9,
    aa_compromise = 10,
};

// The RFC 5280 name: "keyCompromise", "cACompromise", ...
std::string_view reason_name(Reason r);
// A name (case-insensitive; OpenSSL's "CACompromise" too) or a code 0-10 except 7.
// Throws Error(usage) listing the names.
Reason parse_reason(std::string_view text);

enum class Status : char { valid = 'V', revoked = 'R', expired = 'E' };

struct Revocation {
    Time time;
    std::optional<Reason> reason;              // none: the field holds only the date
    std::optional<Time> invalidity;            // keyTime / CAkeyTime (keyCompromise and cACompromise only)
    std::optional<std::string> hold_instruction;  // as written: a short name or dotted OID (certificateHold)
    // The same reason and extras (a missing reason counts as unspecified).
    bool same_as(const Revocation& other) const;
};

struct Entry {
    Status status = Status::valid;
    Time not_after;
    std::optional<Revocation> revocation;  // set exactly when status is revoked
    std::string serial;                    // upper-case hex as in the file
    std::string file = "unknown";
    std::string subject;                   // one-line form: /CN=dev1/serialNumber=JADA1
};

// A hold instruction: none|callIssuer|reject, the short names holdInstructionNone/CallIssuer/Reject,
// or a dotted OID. Returns what index.txt holds (the short name, or the OID). Throws Error(usage).
std::string parse_hold_instruction(std::string_view text);
// The dotted OID of a hold instruction as index.txt holds it.
std::string hold_instruction_oid(std::string_view stored);

// Serial in the form OpenSSL looks up: upper case, no leading zero bytes, even length ("0A").
// Accepts an optional 0x prefix and ':' separators. Throws Error(usage) for non-hex text.
std::string canonical_serial(std::string_view hex);

// YYMMDDHHMMSSZ (UTCTime) before 2050, YYYYMMDDHHMMSSZ (GeneralizedTime) from 2050.
std::string format_ca_time(Time t);
std::string format_generalized_time(Time t);
// Either form; nullopt when it is not one.
std::optional<Time> parse_ca_time(std::string_view text);

// Parses one line (without its newline). Throws Error(malformed) "index.txt line N: ...".
Entry parse_index_line(std::string_view line, std::size_t line_no, std::string_view file_name = "index.txt");
// The line with its trailing newline.
std::string format_index_line(const Entry& e);
// The revocation field alone ("261124134853Z,keyCompromise").
std::string format_revocation(const Revocation& r);

// The value of one attribute in a one-line subject ("/CN=a/serialNumber=X" -> "X"); nullopt if absent.
std::optional<std::string> subject_attribute(std::string_view oneline, std::string_view name);

}  // namespace iotops::ca
