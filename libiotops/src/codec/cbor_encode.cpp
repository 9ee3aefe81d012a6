// CBOR encoding: heads through cbor_head.hpp, floats through libcbor. The deterministic form
// (RFC 8949 section 4.2.1) uses the shortest heads, definite lengths only, map entries sorted by the bytes of their encoded
// keys, and the shortest float that keeps the value (NaN as f97e00).
#include <cbor.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "iotops/codec/cbor_head.hpp"
#include "iotops/codec/cbor.hpp"
#include "iotops/core/error.hpp"

namespace iotops::cbor {
namespace {

using Writer = std::size_t (*)(std::uint64_t, unsigned char*, std::size_t);

template <typename F>
void put(Bytes& out, F&& write) {
    unsigned char buf[9];
    std::size_t n = write(buf, sizeof buf);
    if (n == 0) throw_internal("cbor: libcbor failed to encode a head");
    out.insert(out.end(), buf, buf + n);
}

// Half-precision bits for a float known to be exactly representable as a half. libcbor 0.8's
// cbor_encode_half keeps only the top bit of subnormal halves, so the bits are built here.
std::uint16_t half_bits(float f) {
    std::uint32_t u;
    std::memcpy(&u, &f, 4);
    std::uint16_t sign = static_cast<std::uint16_t>((u >> 16) & 0x8000);
    if (std::isinf(f)) return sign | 0x7c00;
    if (f == 0) return sign;
    int exp = static_cast<int>((u >> 23) & 0xff) - 127;
    std::uint32_t mant = u & 0x7fffff;
    if (exp >= -14) return sign | static_cast<std::uint16_t>(((exp + 15) << 10) | (mant >> 13));
    // Subnormal half: the value is m * 2^-24.
    return sign | static_cast<std::uint16_t>(std::ldexp(std::fabs(f), 24));
}

bool fits_half(float f) {
    if (std::isinf(f) || f == 0) return true;
    std::uint32_t u;
    std::memcpy(&u, &f, 4);
    int exp = static_cast<int>((u >> 23) & 0xff) - 127;
    std::uint32_t mant = u & 0x7fffff;
    if (exp > 15) return false;
    if (exp >= -14) return (mant & 0x1fff) == 0;
    double m = std::ldexp(std::fabs(static_cast<double>(f)), 24);
    return exp >= -24 && m == std::floor(m);
}

void encode_float(double d, Bytes& out) {
    if (std::isnan(d)) {
        out.insert(out.end(), {0xf9, 0x7e, 0x00});
        return;
    }
    float f = static_cast<float>(d);
    if (static_cast<double>(f) != d) {
        put(out, [&](unsigned char* b, std::size_t n) { return cbor_encode_double(d, b, n); });
    } else if (!fits_half(f)) {
        put(out, [&](unsigned char* b, std::size_t n) { return cbor_encode_single(f, b, n); });
    } else {
        std::uint16_t h = half_bits(f);
        out.insert(out.end(), {0xf9, static_cast<std::uint8_t>(h >> 8), static_cast<std::uint8_t>(h & 0xff)});
    }
}

void encode_value(const Value& v, Bytes& out, bool sort_keys) {
    switch (v.type()) {
        case Type::unsigned_int: put_head(out, Major::unsigned_int, v.as_uint()); return;
        case Type::negative_int: put_head(out, Major::negative_int, v.negative_argument()); return;
        case Type::bytes: {
            const auto& s = v.as_bytes();
            put_string(out, Major::bytes, s.data(), s.size());
            return;
        }
        case Type::text: {
            const auto& s = v.as_text();
            put_string(out, Major::text, s.data(), s.size());
            return;
        }
        case Type::array: {
            const auto& a = v.as_array();
            put_head(out, Major::array, a.size());
            for (const auto& item : a) encode_value(item, out, sort_keys);
            return;
        }
        case Type::map: {
            const auto& m = v.as_map();
            put_head(out, Major::map, m.size());
            if (!sort_keys || m.size() < 2) {  // nothing to sort: no encoded keys to hold
                for (const auto& [k, val] : m) {
                    encode_value(k, out, sort_keys);
                    encode_value(val, out, sort_keys);
                }
                return;
            }
            std::vector<std::pair<Bytes, const Value*>> entries;
            entries.reserve(m.size());
            for (const auto& [k, val] : m) {
                Bytes key;
                encode_value(k, key, true);
                entries.emplace_back(std::move(key), &val);
            }
            std::stable_sort(entries.begin(), entries.end(),
                      [](const auto& a, const auto& b) { return a.first < b.first; });
            for (const auto& [key, val] : entries) {
                out.insert(out.end(), key.begin(), key.end());
                encode_value(*val, out, true);
            }
            return;
        }
        case Type::tag:
            put_head(out, Major::tag, v.tag_number());
            encode_value(v.tag_content(), out, sort_keys);
            return;
        case Type::simple: put_head(out, Major::simple, v.simple_value()); return;
        case Type::floating: encode_float(v.as_float(), out); return;
    }
}

}  // namespace

void encode_to(const Value& v, Bytes& out) { encode_value(v, out, true); }

Bytes encode(const Value& v) {
    Bytes out;
    encode_value(v, out, true);
    return out;
}

Bytes encode_preserving_order(const Value& v) {
    Bytes out;
    encode_value(v, out, false);
    return out;
}

}  // namespace iotops::cbor
