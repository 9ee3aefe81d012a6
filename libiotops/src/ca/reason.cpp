// RFC 5280 CRLReason names and codes.
#include <array>
#include <cctype>
#include <charconv>

#include "iotops/ca/index.hpp"
#include "iotops/core/error.hpp"

namespace iotops::ca {

namespace {

struct Named {
    Reason reason;
    std::string_view name;
};
constexpr std::array<Named, 10> names{{
    {Reason::unspecified, "unspecified"},
    {Reason::key_compromise, "keyCompromise"},
    {Reason::ca_compromise, "cACompromise"},
    {Reason::affiliation_changed, "affiliationChanged"},
    {Reason::superseded, "superseded"},
    {Reason::cessation_of_operation, "cessationOfOperation"},
    {Reason::certificate_hold, "certificateHold"},
    {Reason::remove_from_crl, "removeFromCRL"},
    {Reason::privilege_withdrawn, "privilegeWithdrawn"},
    {Reason::aa_compromise, "aACompromise"},
}};

bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

}  // namespace

std::string_view reason_name(Reason r) {
    for (const auto& n : names)
        if (n.reason == r) return n.name;
    return "unspecified";
}

Reason parse_reason(std::string_view text) {
    for (const auto& n : names)  // the exact spelling first: index.txt is read a line at a time
        if (n.name == text) return n.reason;
    for (const auto& n : names)
        if (iequal(n.name, text)) return n.reason;
    int code = -1;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), code);
    if (ec == std::errc() && p == text.data() + text.size() && code >= 0 && code <= 10 && code != 7)
        return static_cast<Reason>(code);
    throw Error(ErrorKind::usage, "unknown revocation reason '" + std::string(text) + "'",
                "use an RFC 5280 name (unspecified, keyCompromise, cACompromise, affiliationChanged, superseded, "
                "cessationOfOperation, certificateHold, removeFromCRL, privilegeWithdrawn, aACompromise) or a code "
                "0-10 other than 7");
}

bool Revocation::same_as(const Revocation& o) const {
    return reason.value_or(Reason::unspecified) == o.reason.value_or(Reason::unspecified) &&
           invalidity == o.invalidity && hold_instruction == o.hold_instruction;
}

}  // namespace iotops::ca

namespace iotops::ca {

namespace {
struct Hold {
    std::string_view alias, name, oid;
};
constexpr std::array<Hold, 3> holds{{
    {"none", "holdInstructionNone", "1.2.840.10040.2.1"},
    {"callIssuer", "holdInstructionCallIssuer", "1.2.840.10040.2.2"},
    {"reject", "holdInstructionReject", "1.2.840.10040.2.3"},
}};
bool dotted(std::string_view s) {
    if (s.empty() || s.front() == '.' || s.back() == '.' || s.find('.') == std::string_view::npos) return false;
    for (char c : s)
        if (c != '.' && (c < '0' || c > '9')) return false;
    return s.find("..") == std::string_view::npos;
}
}  // namespace

std::string parse_hold_instruction(std::string_view text) {
    for (const auto& h : holds)
        if (iequal(text, h.alias) || iequal(text, h.name) || text == h.oid) return std::string(h.name);
    if (dotted(text)) return std::string(text);
    throw Error(ErrorKind::usage, "unknown hold instruction '" + std::string(text) + "'",
                "use none, callIssuer, reject or a dotted OID");
}

std::string hold_instruction_oid(std::string_view stored) {
    for (const auto& h : holds)
        if (iequal(stored, h.name) || iequal(stored, h.alias) || stored == h.oid) return std::string(h.oid);
    if (dotted(stored)) return std::string(stored);
    throw Error(ErrorKind::malformed, "unknown hold instruction '" + std::string(stored) + "'");
}

}  // namespace iotops::ca
