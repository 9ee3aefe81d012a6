// Input format sniffing from content alone, in the order the contract states. Cheap checks
// first; the CBOR check decodes, so it comes last.
#include "iotops/codec/sniff.hpp"

#include <algorithm>

#include "iotops/codec/cbor.hpp"
#include "iotops/core/encoding.hpp"

namespace iotops::codec {
namespace {

bool is_space(std::uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::size_t skip_space(ByteView d) {
    std::size_t i = 0;
    while (i < d.size() && is_space(d[i])) ++i;
    return i;
}

// JSON text holds no control bytes outside whitespace; this keeps CBOR items that happen to start
// with 0x22, 0x5b or 0x7b (a negative integer, long byte and text strings) from passing as JSON.
bool looks_like_json(ByteView d) {
    std::size_t i = skip_space(d);
    if (i == d.size() || (d[i] != '{' && d[i] != '[' && d[i] != '"')) return false;
    std::size_t end = std::min(d.size(), i + 4096);
    for (std::size_t k = i; k < end; ++k)
        if ((d[k] < 0x20 && !is_space(d[k])) || d[k] == 0x7f) return false;
    return true;
}

bool looks_like_pem(ByteView d) {
    static constexpr std::string_view begin = "-----BEGIN ";
    std::size_t i = skip_space(d);
    return d.size() - i >= begin.size() && std::equal(begin.begin(), begin.end(), d.begin() + i);
}

// A DER SEQUENCE (0x30) whose definite length covers exactly the rest of the input.
bool looks_like_der(ByteView d) {
    if (d.size() < 2 || d[0] != 0x30) return false;
    std::size_t len, header;
    if (d[1] < 0x80) {
        len = d[1];
        header = 2;
    } else {
        std::size_t n = d[1] & 0x7f;
        if (n == 0 || n > 4 || d.size() < 2 + n || d[2] == 0) return false;  // DER: minimal length
        len = 0;
        for (std::size_t k = 0; k < n; ++k) len = (len << 8) | d[2 + k];
        if (len < 0x80) return false;
        header = 2 + n;
    }
    return header + len == d.size();
}

bool looks_like_base64(ByteView d) {
    std::size_t chars = 0;
    for (std::uint8_t c : d) {
        if (is_space(c)) continue;
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
                  c == '/' || c == '-' || c == '_' || c == '=';
        if (!ok) return false;
        ++chars;
    }
    if (chars == 0) return false;
    try {
        base64_decode(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

bool looks_like_cbor(ByteView d) {
    if (d.empty()) return false;
    try {
        cbor::decode_sequence(d);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace

const char* format_name(Format f) {
    switch (f) {
        case Format::json: return "json";
        case Format::cbor: return "cbor";
        case Format::pem: return "pem";
        case Format::der: return "der";
        case Format::base64: return "base64";
        case Format::unknown: break;
    }
    return "unknown";
}

Format sniff(ByteView data) {
    if (looks_like_json(data)) return Format::json;
    if (looks_like_pem(data)) return Format::pem;
    if (looks_like_der(data)) return Format::der;
    if (looks_like_base64(data)) return Format::base64;
    if (looks_like_cbor(data)) return Format::cbor;
    return Format::unknown;
}

}  // namespace iotops::codec
