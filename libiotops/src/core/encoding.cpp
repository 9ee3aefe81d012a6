#include "iotops/core/encoding.hpp"

#include <array>

#include "iotops/core/error.hpp"

namespace iotops {
namespace {

constexpr char kHexLower[] = "0123456789abcdef";
constexpr char kHexUpper[] = "0123456789ABCDEF";
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kB64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Both alphabets in one table: '+' and '-' are 62, '/' and '_' are 63.
constexpr std::array<int, 256> make_b64_table() {
    std::array<int, 256> t{};
    for (auto& v : t) v = -1;
    for (int i = 0; i < 64; ++i) {
        t[static_cast<unsigned char>(kB64[i])] = i;
        t[static_cast<unsigned char>(kB64Url[i])] = i;
    }
    return t;
}
constexpr auto kB64Table = make_b64_table();

std::string encode64(ByteView data, const char* alphabet, bool pad) {
    std::size_t full = data.size() / 3, rest = data.size() % 3;
    std::string out(full * 4 + (rest == 0 ? 0 : pad ? 4 : rest + 1), '=');
    // Written by index into a sized string: appending a character at a time costs a check each.
    char* o = out.data();
    const std::uint8_t* d = data.data();
    for (std::size_t k = 0; k < full; ++k, d += 3, o += 4) {
        unsigned v = (unsigned{d[0]} << 16) | (unsigned{d[1]} << 8) | d[2];
        o[0] = alphabet[(v >> 18) & 63];
        o[1] = alphabet[(v >> 12) & 63];
        o[2] = alphabet[(v >> 6) & 63];
        o[3] = alphabet[v & 63];
    }
    if (rest != 0) {
        unsigned v = (unsigned{d[0]} << 16) | (rest == 2 ? unsigned{d[1]} << 8 : 0u);
        o[0] = alphabet[(v >> 18) & 63];
        o[1] = alphabet[(v >> 12) & 63];
        if (rest == 2) o[2] = alphabet[(v >> 6) & 63];
    }
    return out;
}

}  // namespace

std::string hex_encode(ByteView data, bool upper) {
    const char* digits = upper ? kHexUpper : kHexLower;
    std::string out;
    out.reserve(data.size() * 2);
    for (auto b : data) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

Bytes hex_decode(std::string_view text) {
    Bytes out;
    out.reserve(text.size() / 2);
    int high = -1;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (is_space(c) || c == ':') continue;
        int v = hex_value(c);
        if (v < 0) throw_malformed("hex: invalid character at offset " + std::to_string(i));
        if (high < 0) {
            high = v;
        } else {
            out.push_back(static_cast<std::uint8_t>(high << 4 | v));
            high = -1;
        }
    }
    if (high >= 0) throw_malformed("hex: odd number of digits");
    return out;
}

std::string base64_encode(ByteView data) { return encode64(data, kB64, true); }
std::string base64url_encode(ByteView data) { return encode64(data, kB64Url, false); }

namespace {

// The decoder behind base64_decode and base64_decoded_size: the number of bytes, written to out
// unless it is null (a validity check needs no copy of what it checks).
std::size_t decode64(std::string_view text, std::uint8_t* out) {
    std::size_t n = 0;
    unsigned acc = 0;
    int bits = 0;
    std::size_t padding = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        // Whole groups of four alphabet characters (nearly all of any real input) three bytes at a time.
        while (bits == 0 && padding == 0 && i + 4 <= text.size()) {
            int a = kB64Table[static_cast<unsigned char>(text[i])], b = kB64Table[static_cast<unsigned char>(text[i + 1])],
                c = kB64Table[static_cast<unsigned char>(text[i + 2])], d = kB64Table[static_cast<unsigned char>(text[i + 3])];
            if ((a | b | c | d) < 0) break;
            if (out != nullptr) {
                unsigned v = (unsigned(a) << 18) | (unsigned(b) << 12) | (unsigned(c) << 6) | unsigned(d);
                out[n] = static_cast<std::uint8_t>(v >> 16);
                out[n + 1] = static_cast<std::uint8_t>(v >> 8);
                out[n + 2] = static_cast<std::uint8_t>(v);
            }
            n += 3;
            i += 4;
        }
        if (i >= text.size()) break;
        char c = text[i];
        if (is_space(c)) continue;
        if (c == '\\' && i + 1 < text.size() && text[i + 1] == '/') continue;  // JSON "\/" escape
        if (c == '=') {
            ++padding;
            continue;
        }
        int v = kB64Table[static_cast<unsigned char>(c)];
        if (v < 0 || padding > 0)
            throw_malformed("base64: invalid character at offset " + std::to_string(i));
        acc = (acc << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (out != nullptr) out[n] = static_cast<std::uint8_t>((acc >> bits) & 0xff);
            ++n;
        }
    }
    // 6 leftover bits can never be a whole encoding; non-zero leftover bits mean a non-canonical tail.
    if (bits >= 6) throw_malformed("base64: truncated input");
    if (padding > 2) throw_malformed("base64: too much padding");
    return n;
}

}  // namespace

Bytes base64_decode(std::string_view text) {
    Bytes out(text.size() * 3 / 4 + 1);
    out.resize(decode64(text, out.data()));
    return out;
}

std::size_t base64_decoded_size(std::string_view text) { return decode64(text, nullptr); }

Bytes base64url_decode_strict(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) throw_malformed("base64url: invalid character at offset " + std::to_string(i));
    }
    if (text.size() % 4 == 1) throw_malformed("base64url: truncated input");
    Bytes out = base64_decode(text);
    // Non-zero unused tail bits would let two strings carry the same bytes (a silent edit of a signature).
    if (base64url_encode(out) != text) throw_malformed("base64url: non-canonical encoding (non-zero trailing bits)");
    return out;
}

std::string percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        int hi = 0, lo = 0;
        if (text[i] == '%' && i + 2 < text.size() && (hi = hex_value(text[i + 1])) >= 0 &&
            (lo = hex_value(text[i + 2])) >= 0) {
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

bool valid_utf8(std::string_view text) {
    auto p = reinterpret_cast<const std::uint8_t*>(text.data());
    std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        std::uint8_t c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len;
        std::uint32_t cp, min;
        if ((c & 0xe0) == 0xc0) { len = 2; cp = c & 0x1f; min = 0x80; }
        else if ((c & 0xf0) == 0xe0) { len = 3; cp = c & 0x0f; min = 0x800; }
        else if ((c & 0xf8) == 0xf0) { len = 4; cp = c & 0x07; min = 0x10000; }
        else return false;
        if (n - i < len) return false;
        for (std::size_t k = 1; k < len; ++k) {
            if ((p[i + k] & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        i += len;
    }
    return true;
}

}  // namespace iotops
