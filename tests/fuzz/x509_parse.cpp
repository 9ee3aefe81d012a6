// Fuzz certificate and CSR parsing plus every certificate accessor (the extension decoders are ours).
#include <cstddef>
#include <cstdint>

#include "iotops/core/error.hpp"
#include "iotops/crypto/certificate.hpp"

using namespace iotops;
using namespace iotops::crypto;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ByteView in(data, size);
    try {
        for (const Certificate& c : Certificate::load_all(in)) {
            try {
                (void)c.subject();
                (void)c.issuer();
                (void)c.subject_attribute("serialNumber");
                (void)c.serial_hex();
                (void)c.is_ca();
                (void)c.key_usage();
                (void)c.ext_key_usage();
                (void)c.subject_key_id();
                (void)c.authority_key_id();
                (void)c.authority_key_id_extension_value();
                (void)c.masa_url();
                (void)c.mud_url();
                (void)c.mud_signer();
                (void)c.fingerprint_sha256();
                (void)c.self_signed();
                (void)c.not_before();
                (void)c.not_after();
                (void)c.public_key().type();
            } catch (const Error&) {
            }
        }
    } catch (const Error&) {
    }
    try {
        Csr csr = Csr::load(in);
        (void)csr.subject_name();
        (void)csr.verify_signature();
    } catch (const Error&) {
    }
    return 0;
}
