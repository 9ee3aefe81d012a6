// index.txt lines and their time and revocation fields, as `openssl ca` reads and writes them.
#include <cctype>
#include <chrono>

#include "iotops/ca/index.hpp"
#include "iotops/core/error.hpp"

namespace iotops::ca {

namespace {

using namespace std::chrono;

bool digits(std::string_view s) {
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}
int num(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

void put2(std::string& out, unsigned v) {
    out.push_back(static_cast<char>('0' + v / 10 % 10));
    out.push_back(static_cast<char>('0' + v % 10));
}

std::string format_time(Time t, bool generalized) {
    auto secs = floor<seconds>(t);
    auto day = floor<days>(secs);
    year_month_day ymd{day};
    hh_mm_ss hms{secs - day};
    int y = static_cast<int>(ymd.year());
    std::string out;
    out.reserve(15);
    if (generalized) put2(out, static_cast<unsigned>(y / 100));
    put2(out, static_cast<unsigned>(y % 100));
    put2(out, static_cast<unsigned>(ymd.month()));
    put2(out, static_cast<unsigned>(ymd.day()));
    put2(out, static_cast<unsigned>(hms.hours().count()));
    put2(out, static_cast<unsigned>(hms.minutes().count()));
    put2(out, static_cast<unsigned>(hms.seconds().count()));
    out.push_back('Z');
    return out;
}

// Splits on the first n-1 separators.
std::size_t split(std::string_view s, char sep, std::string_view* parts, std::size_t max) {
    std::size_t n = 0;
    while (n + 1 < max) {
        auto pos = s.find(sep);
        if (pos == std::string_view::npos) break;
        parts[n++] = s.substr(0, pos);
        s.remove_prefix(pos + 1);
    }
    parts[n++] = s;
    return n;
}

}  // namespace

std::string format_ca_time(Time t) {
    int y = static_cast<int>(year_month_day{floor<days>(t)}.year());
    return format_time(t, y < 1950 || y >= 2050);
}
std::string format_generalized_time(Time t) { return format_time(t, true); }

std::optional<Time> parse_ca_time(std::string_view s) {
    if (s.size() != 13 && s.size() != 15) return std::nullopt;
    if (s.back() != 'Z' || !digits(s.substr(0, s.size() - 1))) return std::nullopt;
    int y;
    std::size_t i;
    if (s.size() == 13) {
        y = num(s.substr(0, 2));
        y += y < 50 ? 2000 : 1900;
        i = 2;
    } else {
        y = num(s.substr(0, 4));
        i = 4;
    }
    unsigned mo = static_cast<unsigned>(num(s.substr(i, 2))), d = static_cast<unsigned>(num(s.substr(i + 2, 2)));
    int h = num(s.substr(i + 4, 2)), mi = num(s.substr(i + 6, 2)), se = num(s.substr(i + 8, 2));
    year_month_day ymd{year{y}, month{mo}, day{d}};
    if (!ymd.ok() || h > 23 || mi > 59 || se > 60) return std::nullopt;
    return Time(sys_days(ymd)) + hours(h) + minutes(mi) + seconds(se);
}

std::string canonical_serial(std::string_view hex) {
    // Fast path: already upper-case hex of even length without a leading zero byte.
    if (!hex.empty() && hex.size() % 2 == 0 && !(hex.size() > 2 && hex[0] == '0' && hex[1] == '0')) {
        bool plain = true;
        for (char c : hex)
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) {
                plain = false;
                break;
            }
        if (plain) return std::string(hex);
    }
    if (hex.size() > 1 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex.remove_prefix(2);
    std::string out;
    out.reserve(hex.size() + 1);
    for (char c : hex) {
        if (c == ':') continue;
        if (!std::isxdigit(static_cast<unsigned char>(c)))
            throw Error(ErrorKind::usage, "serial '" + std::string(hex) + "' is not hexadecimal",
                        "serials are hex as in index.txt, e.g. 1000 or 0x1A2B");
        if (out.empty() && c == '0') continue;
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
    if (hex.empty()) throw Error(ErrorKind::usage, "empty serial");
    if (out.size() % 2) out.insert(out.begin(), '0');
    if (out.empty()) out = "00";
    return out;
}

std::string format_revocation(const Revocation& r) {
    std::string out = format_ca_time(r.time);
    if (r.invalidity) {
        out += r.reason == Reason::ca_compromise ? ",CAkeyTime," : ",keyTime,";
        out += format_generalized_time(*r.invalidity);
    } else if (r.hold_instruction) {
        out += ",holdInstruction,";
        out += *r.hold_instruction;
    } else if (r.reason) {
        out += ',';
        // OpenSSL spells this one with a capital C; it reads either.
        out += *r.reason == Reason::ca_compromise ? std::string_view("CACompromise") : reason_name(*r.reason);
    }
    return out;
}

Entry parse_index_line(std::string_view line, std::size_t line_no, std::string_view file_name) {
    auto bad = [&](const std::string& why) -> Error {
        return Error(ErrorKind::malformed, std::string(file_name) + " line " + std::to_string(line_no) + ": " + why);
    };
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // a file edited on Windows
    // any other carriage return would not survive being written back and read again
    if (line.find('\r') != std::string_view::npos) throw bad("carriage return inside a field");
    std::string_view f[7];
    std::size_t n = split(line, '\t', f, 7);
    if (n != 6)
        throw bad("expected 6 TAB-separated fields (status, expiry, revocation, serial, file, subject), found " +
                  std::to_string(n));
    Entry e;
    if (f[0] == "V") e.status = Status::valid;
    else if (f[0] == "R") e.status = Status::revoked;
    else if (f[0] == "E") e.status = Status::expired;
    else throw bad("status '" + std::string(f[0]) + "' is not V, R or E");
    auto exp = parse_ca_time(f[1]);
    if (!exp) throw bad("expiry '" + std::string(f[1]) + "' is not YYMMDDHHMMSSZ or YYYYMMDDHHMMSSZ");
    e.not_after = *exp;
    if (f[3].empty()) throw bad("empty serial");
    for (char c : f[3])
        if (!std::isxdigit(static_cast<unsigned char>(c))) throw bad("serial '" + std::string(f[3]) + "' is not hex");
    e.serial = std::string(f[3]);
    e.file = std::string(f[4]);
    e.subject = std::string(f[5]);
    if (e.status == Status::revoked) {
        std::string_view r[3];
        std::size_t rn = split(f[2], ',', r, 3);
        Revocation rev;
        auto t = parse_ca_time(r[0]);
        if (!t) throw bad("revocation date '" + std::string(r[0]) + "' is not YYMMDDHHMMSSZ or YYYYMMDDHHMMSSZ");
        rev.time = *t;
        if (rn >= 2) {
            std::string_view name = r[1];
            auto extra = [&]() -> std::string_view {
                if (rn < 3 || r[2].empty()) throw bad("revocation reason '" + std::string(name) + "' needs a value");
                return r[2];
            };
            if (name == "holdInstruction") {
                rev.reason = Reason::certificate_hold;
                rev.hold_instruction = std::string(extra());
            } else if (name == "keyTime" || name == "CAkeyTime") {
                rev.reason = name == "keyTime" ? Reason::key_compromise : Reason::ca_compromise;
                auto it = parse_ca_time(extra());
                if (!it) throw bad("invalidity time '" + std::string(r[2]) + "' is not a GeneralizedTime");
                rev.invalidity = *it;
            } else {
                try {
                    rev.reason = parse_reason(name);
                } catch (const Error&) {
                    throw bad("unknown revocation reason '" + std::string(name) + "'");
                }
                if (rn == 3) throw bad("unexpected value after reason '" + std::string(name) + "'");
            }
        }
        e.revocation = std::move(rev);
    } else if (!f[2].empty()) {
        throw bad("a certificate with status " + std::string(f[0]) + " has a revocation date");
    }
    return e;
}

std::string format_index_line(const Entry& e) {
    std::string out;
    out.reserve(48 + e.serial.size() + e.subject.size());
    out.push_back(static_cast<char>(e.status));
    out.push_back('\t');
    out += format_ca_time(e.not_after);
    out.push_back('\t');
    if (e.status == Status::revoked && e.revocation) out += format_revocation(*e.revocation);
    out.push_back('\t');
    out += e.serial;
    out.push_back('\t');
    out += e.file.empty() ? std::string("unknown") : e.file;
    out.push_back('\t');
    out += e.subject;
    out.push_back('\n');
    return out;
}

std::optional<std::string> subject_attribute(std::string_view s, std::string_view name) {
    // "/CN=a/serialNumber=X"; a '/' inside a value is escaped by OpenSSL as "\/" in some versions,
    // so split only on '/' that starts "<attr>=".
    std::size_t pos = 0;
    while ((pos = s.find('/', pos)) != std::string_view::npos) {
        std::string_view rest = s.substr(pos + 1);
        if (rest.size() > name.size() && rest.substr(0, name.size()) == name && rest[name.size()] == '=') {
            std::string_view v = rest.substr(name.size() + 1);
            auto end = v.find('/');
            while (end != std::string_view::npos) {
                auto eq = v.find('=', end);
                auto next = v.find('/', end + 1);
                if (eq != std::string_view::npos && (next == std::string_view::npos || eq < next)) break;
                end = next;
            }
            return std::string(v.substr(0, end));
        }
        ++pos;
    }
    return std::nullopt;
}

}  // namespace iotops::ca
