// Diagnostic notation (RFC 8949 section 8, RFC 8610 appendix G): h'..' byte strings, JSON-style
// text, N(content) tags, floats with a decimal point or exponent so they never read as integers.
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "iotops/codec/cbor.hpp"
#include "iotops/core/encoding.hpp"

namespace iotops::cbor {
namespace {

std::string float_text(double d) {
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d < 0 ? "-Infinity" : "Infinity";
    // Shortest digits that read back exactly; fixed notation for moderate exponents, as Python's repr.
    char buf[400];
    auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    int exp10 = std::atoi(std::string(buf, res.ptr).substr(std::string(buf, res.ptr).find('e') + 1).c_str());
    if (exp10 >= -4 && exp10 < 16) res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
    std::string s(buf, res.ptr);
    auto e = s.find('e');
    std::string mantissa = s.substr(0, e), exponent = e == std::string::npos ? "" : s.substr(e + 1);
    if (mantissa.find('.') == std::string::npos) mantissa += ".0";
    if (exponent.empty()) return mantissa;
    // "e-08" -> "e-8", as the RFC writes exponents.
    std::string sign = exponent[0] == '-' || exponent[0] == '+' ? exponent.substr(0, 1) : "";
    std::string digits = exponent.substr(sign.size());
    while (digits.size() > 1 && digits[0] == '0') digits.erase(0, 1);
    return mantissa + "e" + sign + digits;
}

void quote(const std::string& s, std::string& out) {
    static const char* hex = "0123456789abcdef";
    out += '"';
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    out += "\\u00";
                    out += hex[c >> 4];
                    out += hex[c & 15];
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    out += '"';
}

class Printer {
public:
    explicit Printer(const DiagnosticOptions& o) : opt_(o) {}

    void print(const Value& v, std::string& out, int level) {
        switch (v.type()) {
            case Type::unsigned_int: out += std::to_string(v.as_uint()); return;
            case Type::negative_int: {
                std::uint64_t n = v.negative_argument();
                out += n == UINT64_MAX ? "-18446744073709551616" : "-" + std::to_string(n + 1);
                return;
            }
            case Type::bytes: bytes(v.as_bytes(), out, level); return;
            case Type::text: quote(v.as_text(), out); return;
            case Type::array: {
                const auto& a = v.as_array();
                open(out, '[', a.empty());
                for (std::size_t i = 0; i < a.size(); ++i) {
                    separator(out, i, level + 1);
                    print(a[i], out, level + 1);
                }
                close(out, ']', a.empty(), level);
                return;
            }
            case Type::map: {
                const auto& m = v.as_map();
                open(out, '{', m.empty());
                for (std::size_t i = 0; i < m.size(); ++i) {
                    separator(out, i, level + 1);
                    print(m[i].first, out, level + 1);
                    out += ": ";
                    print(m[i].second, out, level + 1);
                }
                close(out, '}', m.empty(), level);
                return;
            }
            case Type::tag:
                out += std::to_string(v.tag_number()) + "(";
                print(v.tag_content(), out, level);
                out += ')';
                return;
            case Type::simple:
                if (v.is_bool()) out += v.as_bool() ? "true" : "false";
                else if (v.is_null()) out += "null";
                else if (v.is_undefined()) out += "undefined";
                else out += "simple(" + std::to_string(v.simple_value()) + ")";
                return;
            case Type::floating: out += float_text(v.as_float()); return;
        }
    }

private:
    void bytes(const Bytes& b, std::string& out, int level) {
        if (opt_.embedded_cbor && !b.empty()) {
            try {
                Limits lim;
                lim.max_depth = 32;
                Value inner = decode(b, lim);
                out += "<<";
                print(inner, out, level);
                out += ">>";
                return;
            } catch (const std::exception&) {
                // not CBOR: plain bytes
            }
        }
        out += "h'" + hex_encode(b) + "'";
    }
    void open(std::string& out, char c, bool) { out += c; }
    void separator(std::string& out, std::size_t i, int level) {
        if (i > 0) out += opt_.pretty ? "," : ", ";
        if (opt_.pretty) {
            out += '\n';
            out.append(static_cast<std::size_t>(level) * 2, ' ');
        }
    }
    void close(std::string& out, char c, bool empty, int level) {
        if (opt_.pretty && !empty) {
            out += '\n';
            out.append(static_cast<std::size_t>(level) * 2, ' ');
        }
        out += c;
    }

    const DiagnosticOptions& opt_;
};

}  // namespace

std::string diagnostic(const Value& v, const DiagnosticOptions& options) {
    std::string out;
    Printer(options).print(v, out, 0);
    return out;
}

std::string diagnostic(const Value& v, bool pretty) {
    DiagnosticOptions o;
    o.pretty = pretty;
    return diagnostic(v, o);
}

}  // namespace iotops::cbor
