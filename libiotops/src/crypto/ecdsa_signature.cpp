// COSE and JWS carry ECDSA signatures as fixed-width r||s; OpenSSL, X.509 and CMS use DER.
// Converted by hand: SEQUENCE { INTEGER r, INTEGER s } is all there is, and going through
// ECDSA_SIG and two BIGNUMs cost four allocations a signature.
#include <algorithm>

#include "crypto/der.hpp"
#include "crypto/key_detail.hpp"
#include "iotops/core/error.hpp"

namespace iotops::crypto {

namespace {

constexpr std::uint8_t kSequence = 0x30;
constexpr std::uint8_t kInteger = 0x02;

// A positive INTEGER's value: the big-endian magnitude, with a leading 0x00 when its top bit is set.
void append_integer(Bytes& out, ByteView magnitude) {
    auto first = std::find_if(magnitude.begin(), magnitude.end(), [](std::uint8_t b) { return b != 0; });
    ByteView digits = magnitude.subspan(static_cast<std::size_t>(first - magnitude.begin()));
    Bytes value;
    value.reserve(digits.size() + 1);
    if (digits.empty() || (digits[0] & 0x80) != 0) value.push_back(0);
    value.insert(value.end(), digits.begin(), digits.end());
    der::append_tlv(out, kInteger, value);
}

// The INTEGER at `at` in `seq`, written right-aligned into `width` bytes at out; the position after it.
std::size_t take_integer(ByteView seq, std::size_t at, std::uint8_t* out, std::size_t width) {
    auto e = der::read(seq, at);
    if (!e || e->tag != kInteger || e->value.empty() || (e->value[0] & 0x80) != 0)
        throw_internal("ecdsa signature decode");
    ByteView v = e->value;
    while (v.size() > 1 && v[0] == 0) v = v.subspan(1);
    if (v.size() > width) throw_internal("ecdsa signature wider than the curve");
    std::copy(v.begin(), v.end(), out + (width - v.size()));
    return at + e->whole.size();
}

}  // namespace

std::optional<Bytes> ecdsa_raw_to_der(ByteView raw, std::size_t width) {
    if (width == 0 || raw.size() != 2 * width) return std::nullopt;
    Bytes body;
    body.reserve(2 * width + 6);
    append_integer(body, raw.first(width));
    append_integer(body, raw.subspan(width));
    return der::tlv(kSequence, body);
}

Bytes ecdsa_der_to_raw(ByteView der, std::size_t width) {
    auto seq = der::read(der, 0);
    if (!seq || seq->tag != kSequence) throw_internal("ecdsa signature decode");
    Bytes raw(2 * width, 0);
    std::size_t at = take_integer(seq->value, 0, raw.data(), width);
    at = take_integer(seq->value, at, raw.data() + width, width);
    if (at != seq->value.size()) throw_internal("ecdsa signature decode");
    return raw;
}

}  // namespace iotops::crypto
