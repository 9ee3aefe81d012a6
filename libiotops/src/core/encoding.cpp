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
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < data.size(); i += 3) {
        unsigned v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    std::size_t rest = data.size() - i;
    if (rest == 1) {
        unsigned v = data[i] << 16;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        if (pad) out += "==";
    } else if (rest == 2) {
        unsigned v = (data[i] << 16) | (data[i + 1] << 8);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        if (pad) out += '=';
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

Bytes base64_decode(std::string_view text) {
    Bytes out;
    out.reserve(text.size() * 3 / 4);
    unsigned acc = 0;
    int bits = 0;
    std::size_t padding = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
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
            out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xff));
        }
    }
    // 6 leftover bits can never be a whole encoding; non-zero leftover bits mean a non-canonical tail.
    if (bits >= 6) throw_malformed("base64: truncated input");
    if (padding > 2) throw_malformed("base64: too much padding");
    return out;
}

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
