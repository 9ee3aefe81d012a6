// CoRE link-format (RFC 6690 section 2): link *("," link); link = "<" URI-Reference ">" *(";" param);
// param = name ["=" (ptoken / quoted-string)]. Parses what a server says in /.well-known/core,
// so every byte is checked and errors name the offset.
#include <cctype>
#include <charconv>

#include "iotops/est/coap.hpp"

namespace iotops::est {

namespace {

struct Parser {
    std::string_view s;
    std::size_t i = 0;

    [[noreturn]] void fail(const std::string& what) const {
        throw Error(ErrorKind::malformed, "link-format: " + what + " at byte " + std::to_string(i));
    }
    bool at_end() const { return i >= s.size(); }
    char peek() const { return at_end() ? '\0' : s[i]; }
    void skip_space() {
        // RFC 6690 has no whitespace, but servers fold long documents: tolerate it between items.
        while (!at_end() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
    }
    void expect(char c) {
        if (peek() != c) fail(std::string("expected '") + c + "'");
        ++i;
    }

    static bool name_char(char c) {  // parmname = 1*( ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" ) (RFC 8288 token)
        return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    }
    static bool ptoken_char(char c) {  // RFC 6690 ptokenchar
        return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'()*+-./:<=>?@[]^_`{|}~").find(c) != std::string_view::npos;
    }

    CoapLink link() {
        CoapLink l;
        expect('<');
        auto close = s.find('>', i);
        if (close == std::string_view::npos) fail("unterminated '<'");
        l.target = std::string(s.substr(i, close - i));
        for (char c : l.target)
            if (static_cast<unsigned char>(c) <= 0x20 || c == '<' || c == '"' || static_cast<unsigned char>(c) >= 0x7f)
                fail("bad character in a link target");
        i = close + 1;
        skip_space();
        while (peek() == ';') {
            ++i;
            skip_space();
            std::size_t start = i;
            while (!at_end() && name_char(s[i])) ++i;
            if (i == start) fail("expected a parameter name");
            std::string name(s.substr(start, i - start));
            std::string value;
            if (peek() == '=') {
                ++i;
                value = peek() == '"' ? quoted() : ptoken();
            }
            l.attributes.emplace_back(std::move(name), std::move(value));
            skip_space();
        }
        return l;
    }

    std::string quoted() {
        expect('"');
        std::string out;
        while (true) {
            if (at_end()) fail("unterminated quoted string");
            char c = s[i++];
            if (c == '"') return out;
            if (c == '\\') {
                if (at_end()) fail("unterminated quoted string");
                c = s[i++];
            }
            out.push_back(c);
        }
    }

    std::string ptoken() {
        std::size_t start = i;
        while (!at_end() && ptoken_char(s[i]) && s[i] != ',' && s[i] != ';') ++i;
        if (i == start) fail("expected a parameter value");
        return std::string(s.substr(start, i - start));
    }
};

std::vector<std::string> split_spaces(const std::string& v) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < v.size()) {
        auto j = v.find(' ', i);
        if (j == std::string::npos) j = v.size();
        if (j > i) out.push_back(v.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

}  // namespace

std::vector<CoapLink> parse_link_format(std::string_view text) {
    Parser p{text};
    std::vector<CoapLink> out;
    p.skip_space();
    if (p.at_end()) return out;
    while (true) {
        out.push_back(p.link());
        p.skip_space();
        if (p.at_end()) break;
        p.expect(',');
        p.skip_space();
    }
    return out;
}

std::optional<std::string> CoapLink::attribute(std::string_view name) const {
    for (const auto& [n, v] : attributes)
        if (n == name) return v;
    return std::nullopt;
}

std::vector<std::string> CoapLink::resource_types() const {
    std::vector<std::string> out;
    for (const auto& [n, v] : attributes)
        if (n == "rt")
            for (auto& t : split_spaces(v)) out.push_back(std::move(t));
    return out;
}

std::vector<unsigned> CoapLink::content_formats() const {
    std::vector<unsigned> out;
    for (const auto& [n, v] : attributes) {
        if (n != "ct") continue;
        for (const auto& t : split_spaces(v)) {
            unsigned cf = 0;
            auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), cf);
            if (ec != std::errc() || end != t.data() + t.size() || cf > 65535)
                throw Error(ErrorKind::malformed, "link-format: ct is not a content-format number: " + t);
            out.push_back(cf);
        }
    }
    return out;
}

}  // namespace iotops::est
