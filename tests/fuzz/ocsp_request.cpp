// Fuzz the OCSP responder's request handling: any bytes give a well-formed OCSP response.
#include <cstddef>
#include <cstdint>

#include "iotops/core/error.hpp"
#include "iotops/crypto/ocsp.hpp"

using namespace iotops;
using namespace iotops::crypto;

namespace {
const ocsp::Responder& responder() {
    static const ocsp::Responder r = [] {
        PrivateKey key = PrivateKey::generate(KeyType::p256);
        CertificateSpec spec;
        spec.subject = {{"CN", "Fuzz CA"}};
        spec.is_ca = true;
        Certificate ca = issue_certificate(spec, key.public_key(), key);
        return ocsp::Responder({ocsp::ResponderIssuer{ca, ca, key}});
    }();
    return r;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ocsp::Response r = responder().respond(
        ByteView(data, size),
        [](std::size_t, const std::string& serial) {
            ocsp::SingleStatus s;
            s.status = serial.size() % 2 ? ocsp::CertStatus::revoked : ocsp::CertStatus::good;
            s.revocation_time = now();
            s.reason = 1;
            return s;
        },
        std::chrono::seconds(60));
    if (r.der.empty()) __builtin_trap();
    return 0;
}
