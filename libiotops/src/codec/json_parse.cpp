// JSON text (RFC 8259) to nlohmann::json, with errors that say at which byte. The result is the
// value nlohmann::json::parse gives for the same text (integers as int64 or uint64 when they fit,
// otherwise double; the last of two equal keys wins; a leading UTF-8 BOM is skipped), except that a
// NUL byte after the value is trailing input, not an end that hides what follows it; the parsing is
// our own because nlohmann's lexer handles every character on its own, which made it the largest cost
// of a signing stream: here a run of plain string bytes is found in one scan and appended whole.
// Containers are parsed without recursion, so deep nesting cannot exhaust the stack.
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "iotops/codec/json.hpp"
#include "iotops/core/error.hpp"

namespace iotops::codec {
namespace {

using nlohmann::json;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The bytes that stand for themselves in a string: ASCII from space on, but '"' and '\\'.
constexpr std::array<bool, 256> plain = [] {
    std::array<bool, 256> t{};
    for (int c = 0x20; c < 0x80; ++c) t[c] = c != '"' && c != '\\';
    return t;
}();

class Parser {
public:
    Parser(std::string_view text, std::string_view what) : s_(text), what_(what) {}

    json parse() {
        if (s_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
        json root;
        // The containers being filled, innermost last. Nothing is added to a container while one
        // of its elements is still open, so these pointers stay valid.
        std::vector<json*> open;
        json* target = &root;
        for (;;) {
            if (value(*target)) {
                open.push_back(target);
                target = target->is_object() ? first_member(*target) : first_element(*target);
                if (target) continue;
                open.pop_back();
            }
            // A value is complete: go on in the innermost open container, closing those that end.
            target = nullptr;
            while (!target) {
                skip_space();
                if (open.empty()) {
                    if (pos_ != s_.size()) fail(pos_, "syntax error while parsing value - " + unexpected() + "; expected end of input");
                    return root;
                }
                json& c = *open.back();
                bool object = c.is_object();
                if (at(',')) {
                    ++pos_;
                    target = object ? member(c) : &element(c);
                } else if (at(object ? '}' : ']')) {
                    ++pos_;
                    open.pop_back();
                } else {
                    fail(pos_, std::string("syntax error while parsing ") + (object ? "object - " : "array - ") + unexpected() +
                                   (object ? "; expected ',' or '}'" : "; expected ',' or ']'"));
                }
            }
        }
    }

private:
    // Parses the value at pos_ into out. Returns true when it opened a non-empty object or array
    // whose contents are still to come.
    bool value(json& out) {
        skip_space();
        if (pos_ >= s_.size()) fail(pos_, "syntax error while parsing value - unexpected end of input; expected a value");
        switch (s_[pos_]) {
            case '{':
                ++pos_;
                out = json::object();
                return true;
            case '[':
                ++pos_;
                out = json::array();
                return true;
            case '"': out = string(); return false;
            case 't': literal("true"); out = true; return false;
            case 'f': literal("false"); out = false; return false;
            case 'n': literal("null"); out = nullptr; return false;
            default:
                if (s_[pos_] == '-' || is_digit(s_[pos_])) {
                    out = number();
                    return false;
                }
                fail(pos_, "syntax error while parsing value - " + unexpected() + "; expected a value");
        }
    }

    // After '{' or '[': the slot of the first member or element, or nullptr when the container is
    // empty (its closing bracket is consumed).
    json* first_member(json& object) {
        skip_space();
        if (at('}')) {
            ++pos_;
            return nullptr;
        }
        return member(object);
    }
    json* first_element(json& array) {
        skip_space();
        if (at(']')) {
            ++pos_;
            return nullptr;
        }
        return &element(array);
    }

    // `"key":` then the slot for its value.
    json* member(json& object) {
        skip_space();
        if (!at('"')) fail(pos_, "syntax error while parsing object key - " + unexpected() + "; expected a string");
        std::string key = string();
        skip_space();
        if (!at(':')) fail(pos_, "syntax error while parsing object separator - " + unexpected() + "; expected ':'");
        ++pos_;
        json& slot = object[std::move(key)];
        slot = nullptr;  // a repeated key: the last value wins
        return &slot;
    }

    json& element(json& array) {
        array.push_back(nullptr);
        return array.back();
    }

    std::string string() {
        std::size_t open = pos_++;
        std::string out;
        for (;;) {
            const char* start = s_.data() + pos_;
            const char* end = s_.data() + s_.size();
            const char* p = start;
            while (p != end && plain[static_cast<unsigned char>(*p)]) ++p;
            out.append(start, p);
            pos_ += static_cast<std::size_t>(p - start);
            if (pos_ >= s_.size()) fail(open, "syntax error while parsing value - invalid string: missing closing quote");
            auto c = static_cast<unsigned char>(s_[pos_]);
            if (c == '"') {
                ++pos_;
                return out;
            }
            if (c == '\\') {
                escape(out);
            } else if (c < 0x20) {
                fail(pos_, "syntax error while parsing value - invalid string: control character " + hex_byte(c) +
                               " must be escaped");
            } else {
                std::size_t n = utf8_length(pos_);
                if (n == 0) fail(pos_, "syntax error while parsing value - invalid string: ill-formed UTF-8 byte");
                out.append(s_.data() + pos_, n);
                pos_ += n;
            }
        }
    }


    // The length of the well-formed UTF-8 sequence (RFC 3629) starting at i, or 0.
    std::size_t utf8_length(std::size_t i) const {
        auto at = [&](std::size_t k) { return i + k < s_.size() ? static_cast<unsigned char>(s_[i + k]) : 0; };
        auto in = [](unsigned char c, unsigned char lo, unsigned char hi) { return c >= lo && c <= hi; };
        unsigned char c = at(0);
        if (in(c, 0xc2, 0xdf)) return in(at(1), 0x80, 0xbf) ? 2 : 0;
        unsigned char lo = 0x80, hi = 0xbf;
        if (c == 0xe0) lo = 0xa0;
        if (c == 0xed) hi = 0x9f;
        if (in(c, 0xe0, 0xef)) return in(at(1), lo, hi) && in(at(2), 0x80, 0xbf) ? 3 : 0;
        if (c == 0xf0) lo = 0x90;
        if (c == 0xf4) hi = 0x8f;
        if (in(c, 0xf0, 0xf4)) return in(at(1), lo, hi) && in(at(2), 0x80, 0xbf) && in(at(3), 0x80, 0xbf) ? 4 : 0;
        return 0;
    }

    void escape(std::string& out) {
        std::size_t start = pos_++;
        if (pos_ >= s_.size()) fail(start, "syntax error while parsing value - invalid string: missing closing quote");
        switch (s_[pos_++]) {
            case '"': out += '"'; return;
            case '\\': out += '\\'; return;
            case '/': out += '/'; return;
            case 'b': out += '\b'; return;
            case 'f': out += '\f'; return;
            case 'n': out += '\n'; return;
            case 'r': out += '\r'; return;
            case 't': out += '\t'; return;
            case 'u': break;
            default: fail(start, "syntax error while parsing value - invalid string: forbidden character after backslash");
        }
        std::uint32_t cp = hex4(start);
        if (cp >= 0xdc00 && cp <= 0xdfff)
            fail(start, "syntax error while parsing value - invalid string: surrogate U+DC00..U+DFFF must follow U+D800..U+DBFF");
        if (cp >= 0xd800 && cp <= 0xdbff) {
            if (!(s_.substr(pos_, 2) == "\\u"))
                fail(start, "syntax error while parsing value - invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF");
            pos_ += 2;
            std::uint32_t low = hex4(start);
            if (low < 0xdc00 || low > 0xdfff)
                fail(start, "syntax error while parsing value - invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF");
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        }
        put_utf8(out, cp);
    }

    std::uint32_t hex4(std::size_t escape_start) {
        std::uint32_t v = 0;
        for (int k = 0; k < 4; ++k, ++pos_) {
            char c = pos_ < s_.size() ? s_[pos_] : '\0';
            int d = is_digit(c) ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) fail(escape_start, "syntax error while parsing value - invalid string: '\\u' must be followed by 4 hex digits");
            v = v * 16 + static_cast<std::uint32_t>(d);
        }
        return v;
    }

    static void put_utf8(std::string& out, std::uint32_t cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xc0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xe0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        }
    }

    // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    json number() {
        std::size_t start = pos_;
        bool negative = at('-');
        if (negative) ++pos_;
        if (at('0')) ++pos_;
        else if (pos_ < s_.size() && is_digit(s_[pos_])) skip_digits();
        else fail(pos_, "syntax error while parsing value - invalid number; expected a digit");
        bool integer = true;
        if (at('.')) {
            ++pos_;
            if (!(pos_ < s_.size() && is_digit(s_[pos_])))
                fail(pos_, "syntax error while parsing value - invalid number; expected a digit after '.'");
            skip_digits();
            integer = false;
        }
        if (at('e') || at('E')) {
            ++pos_;
            if (at('+') || at('-')) ++pos_;
            if (!(pos_ < s_.size() && is_digit(s_[pos_])))
                fail(pos_, "syntax error while parsing value - invalid number; expected a digit in the exponent");
            skip_digits();
            integer = false;
        }
        const char* first = s_.data() + start;
        const char* last = s_.data() + pos_;
        if (integer) {
            // Integers that do not fit 64 bits become doubles, as nlohmann has them.
            if (negative) {
                std::int64_t v = 0;
                if (std::from_chars(first, last, v).ec == std::errc()) return v;
            } else {
                std::uint64_t v = 0;
                if (std::from_chars(first, last, v).ec == std::errc()) return v;
            }
        }
        double d = 0;
        if (std::from_chars(first, last, d).ec == std::errc::result_out_of_range)
            d = std::strtod(std::string(first, last).c_str(), nullptr);  // the infinity or the tiny value
        if (!std::isfinite(d)) throw_malformed(std::string(what_) + ": number overflow parsing '" + std::string(first, last) + "'");
        return d;
    }

    void skip_digits() {
        while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
    }

    void literal(std::string_view word) {
        if (s_.substr(pos_, word.size()) != word) fail(pos_, "syntax error while parsing value - invalid literal");
        pos_ += word.size();
    }

    void skip_space() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) ++pos_;
    }

    bool at(char c) const { return pos_ < s_.size() && s_[pos_] == c; }

    // What stands at pos_, for a message: printable ASCII quoted, other bytes in hex (never raw,
    // so that the message stays valid UTF-8).
    std::string unexpected() const {
        if (pos_ >= s_.size()) return "unexpected end of input";
        auto c = static_cast<unsigned char>(s_[pos_]);
        if (c > 0x20 && c < 0x7f) return std::string("unexpected '") + static_cast<char>(c) + "'";
        return "unexpected byte " + hex_byte(c);
    }

    static std::string hex_byte(unsigned char c) {
        const char* digits = "0123456789abcdef";
        return std::string("0x") + digits[c >> 4] + digits[c & 15];
    }

    [[noreturn]] void fail(std::size_t at, const std::string& why) const {
        throw_malformed(std::string(what_) + ": at byte " + std::to_string(at) + ": " + why);
    }

    std::string_view s_;
    std::string_view what_;
    std::size_t pos_ = 0;
};

}  // namespace

nlohmann::json parse_json(std::string_view text, std::string_view what) { return Parser(text, what).parse(); }

nlohmann::json parse_json(ByteView data, std::string_view what) {
    return parse_json(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()), what);
}

}  // namespace iotops::codec
