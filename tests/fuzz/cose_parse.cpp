// Fuzz target: COSE_Sign1 and COSE_Mac0 parsing, header readers and verification must never crash;
// the only exception allowed out of the library is iotops::Error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "iotops/core/error.hpp"
#include "iotops/crypto/cose.hpp"

using namespace iotops;

namespace {

// The SUIT examples' P-256 key: the seed corpus holds messages it signed.
constexpr std::string_view suit_public_key =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEhJaBGq4LqqvSYVcYnuzaJr6qi/Eb\n"
    "bz/m4rVlnIXbwK07HypLbAmBMcCjbazR14vTgdzfsJwFLbM5kdtzOLSolg==\n"
    "-----END PUBLIC KEY-----\n";

const crypto::PublicKey& key() {
    static const crypto::PublicKey k = crypto::PublicKey::load(as_bytes(suit_public_key));
    return k;
}

void read_headers(const crypto::cose::HeaderMap& h) {
    try {
        (void)h.alg();
        (void)h.kid();
        (void)h.content_type();
        (void)h.x5bag();
        (void)h.x5chain();
    } catch (const Error&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ByteView input(data, size);
    static const Bytes mac_key(32, 0x5a);
    static const Bytes detached = {0x82, 0x2f, 0x58, 0x20};
    try {
        crypto::cose::Sign1 s = crypto::cose::Sign1::parse(input);
        read_headers(s.protected_header());
        read_headers(s.unprotected_header());
        (void)(s.detached() ? s.verify_detached(key(), detached) : s.verify(key()));
        (void)crypto::cose::Sign1::parse(s.encode(crypto::cose::Form::untagged));
    } catch (const Error&) {
    }
    try {
        crypto::cose::Mac0 m = crypto::cose::Mac0::parse(input);
        read_headers(m.protected_header());
        (void)(m.detached() ? m.verify_detached(mac_key, detached) : m.verify(mac_key));
        (void)crypto::cose::Mac0::parse(m.encode());
    } catch (const Error&) {
    }
    return 0;
}
