#include "iotops/suit/uuid.hpp"

#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/hasher.hpp"

namespace iotops::suit {

Bytes parse_uuid(std::string_view text) {
    auto bad = [&] { throw_malformed("\"" + std::string(text) + "\" is not a UUID (expected 8-4-4-4-12 hex digits)"); };
    if (text.size() != 36) bad();
    std::string hex;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        bool dash_place = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash_place != (c == '-')) bad();
        if (dash_place) continue;
        if (!std::isxdigit(static_cast<unsigned char>(c))) bad();
        hex.push_back(c);
    }
    return hex_decode(hex);
}

std::string format_uuid(ByteView uuid) {
    std::string h = hex_encode(uuid);
    if (h.size() != 32) return h;
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

Bytes uuid5(ByteView ns, ByteView name) {
    Bytes input(ns.begin(), ns.end());
    input.insert(input.end(), name.begin(), name.end());
    Bytes h = crypto::sha1(input);
    h.resize(16);
    h[6] = static_cast<std::uint8_t>((h[6] & 0x0f) | 0x50);
    h[8] = static_cast<std::uint8_t>((h[8] & 0x3f) | 0x80);
    return h;
}

Bytes named_namespace(std::string_view name) {
    // RFC 9562 section 6.6: 6ba7b810-9dad-11d1-80b4-00c04fd430c8 and its siblings.
    if (name == "dns") return parse_uuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
    if (name == "url") return parse_uuid("6ba7b811-9dad-11d1-80b4-00c04fd430c8");
    if (name == "oid") return parse_uuid("6ba7b812-9dad-11d1-80b4-00c04fd430c8");
    if (name == "x500") return parse_uuid("6ba7b814-9dad-11d1-80b4-00c04fd430c8");
    return {};
}

}  // namespace iotops::suit
