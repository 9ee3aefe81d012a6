// Fuzz target: whatever body a registrar POSTs to requestvoucher or requestauditlog, the MASA
// answers with a status and a reason; nothing escapes (an exception here is a crash). The first
// byte picks the Content-Type and the operation.
#include <cstddef>
#include <cstdint>

#include "iotops/crypto/certificate.hpp"
#include "iotops/est/masa.hpp"
#include "iotops/est/registrar_voucher.hpp"

using namespace iotops;

namespace {

const est::Masa& masa() {
    static const est::Masa m = [] {
        auto key = crypto::PrivateKey::generate(crypto::KeyType::p256);
        crypto::CertificateSpec ca;
        ca.subject = {{"CN", "fuzz vendor"}};
        ca.is_ca = true;
        auto cert = crypto::issue_certificate(ca, key.public_key(), key);
        est::MasaConfig c{key, cert};
        c.idevid_anchors = {cert};
        return est::Masa(c);
    }();
    return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    static const char* types[] = {est::media_voucher_cms, est::media_voucher_jws, est::media_voucher_cose, "application/json"};
    est::BrskiRequest r;
    r.content_type = types[data[0] & 3];
    r.accept = (data[0] & 8) ? "application/voucher-jws+json;q=0.5, */*;q=0.1" : "";
    r.body.assign(data + 1, data + size);
    auto reply = (data[0] & 4) ? masa().request_audit_log(r) : masa().request_voucher(r);
    if (reply.status < 200 || reply.status > 599) __builtin_trap();
    if (r.content_type == std::string("application/json")) {
        (void)est::voucher_status(r);
    }
    return 0;
}
