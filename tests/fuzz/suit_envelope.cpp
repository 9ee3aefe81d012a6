// Fuzz target: SUIT envelope parsing, JSON inspection, annotated diagnostic notation and verification
// must never crash; the only exception allowed out of the library is iotops::Error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "iotops/core/error.hpp"
#include "iotops/suit.hpp"

using namespace iotops;

namespace {

// The SUIT examples' P-256 key: the seed corpus holds envelopes it signed.
constexpr std::string_view suit_public_key =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEhJaBGq4LqqvSYVcYnuzaJr6qi/Eb\n"
    "bz/m4rVlnIXbwK07HypLbAmBMcCjbazR14vTgdzfsJwFLbM5kdtzOLSolg==\n"
    "-----END PUBLIC KEY-----\n";

const suit::TrustAnchors& anchors() {
    static const suit::TrustAnchors a = [] {
        suit::TrustAnchors t;
        t.keys.push_back(crypto::PublicKey::load(as_bytes(suit_public_key)));
        t.mac_keys.push_back(Bytes(32, 'a'));
        return t;
    }();
    return a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        suit::Envelope env = suit::Envelope::parse(ByteView(data, size));
        (void)suit::to_json(env).dump();
        (void)suit::annotated_diagnostic(env);
        (void)suit::verify(env, anchors()).to_json().dump();
    } catch (const Error&) {
    }
    return 0;
}
