#include "iotops/est/multipart.hpp"

#include <strings.h>

#include <algorithm>

#include "iotops/core/error.hpp"

namespace iotops::est {

namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

[[noreturn]] void bad(const std::string& why) { throw Error(ErrorKind::protocol, "multipart: " + why); }

}  // namespace

std::optional<std::string> MimePart::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return v;
    return std::nullopt;
}

Bytes build_multipart(const std::string& boundary, const std::vector<MimePart>& parts) {
    std::string out;
    for (const auto& p : parts) {
        out += "--" + boundary + "\r\n";
        for (const auto& [k, v] : p.headers) out += k + ": " + v + "\r\n";
        out += "\r\n";
        out.append(p.body.begin(), p.body.end());
        out += "\r\n";
    }
    out += "--" + boundary + "--\r\n";
    return Bytes(out.begin(), out.end());
}

std::string multipart_boundary(std::string_view ct) {
    std::size_t semi = ct.find(';');
    if (!iequals(trim(ct.substr(0, semi)), "multipart/mixed")) bad("content type is not multipart/mixed");
    while (semi != std::string_view::npos) {
        std::string_view rest = ct.substr(semi + 1);
        std::size_t next = rest.find(';');
        std::string_view param = trim(rest.substr(0, next));
        semi = next == std::string_view::npos ? next : semi + 1 + next;
        std::size_t eq = param.find('=');
        if (eq == std::string_view::npos || !iequals(trim(param.substr(0, eq)), "boundary")) continue;
        std::string_view v = trim(param.substr(eq + 1));
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
        if (v.empty() || v.size() > 70) bad("boundary must be 1 to 70 characters");
        return std::string(v);
    }
    bad("no boundary parameter");
}

std::vector<MimePart> parse_multipart(std::string_view content_type, ByteView body) {
    const std::string delim = "--" + multipart_boundary(content_type);
    std::string_view text(reinterpret_cast<const char*>(body.data()), body.size());
    // The first delimiter starts the body or follows a CRLF (the preamble is ignored).
    std::size_t pos = text.rfind(delim, 0) == 0 ? 0 : text.find("\r\n" + delim);
    if (pos == std::string_view::npos) bad("no opening delimiter");
    if (pos != 0) pos += 2;
    std::vector<MimePart> parts;
    for (;;) {
        pos += delim.size();
        if (text.substr(pos, 2) == "--") return parts;  // close delimiter
        std::size_t eol = text.find("\r\n", pos);
        if (eol == std::string_view::npos || !trim(text.substr(pos, eol - pos)).empty())
            bad("malformed delimiter line");
        pos = eol + 2;
        MimePart part;
        for (;;) {  // header lines up to the empty line
            eol = text.find("\r\n", pos);
            if (eol == std::string_view::npos) bad("part headers do not end");
            std::string_view line = text.substr(pos, eol - pos);
            pos = eol + 2;
            if (line.empty()) break;
            std::size_t colon = line.find(':');
            if (colon == std::string_view::npos || colon == 0) bad("malformed part header");
            if (part.headers.size() >= 32) bad("too many part headers");
            part.headers.emplace_back(std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
        }
        std::size_t end = text.find("\r\n" + delim, pos);
        if (end == std::string_view::npos) bad("no closing delimiter");
        part.body.assign(body.begin() + static_cast<std::ptrdiff_t>(pos), body.begin() + static_cast<std::ptrdiff_t>(end));
        parts.push_back(std::move(part));
        pos = end + 2;
    }
}

}  // namespace iotops::est
