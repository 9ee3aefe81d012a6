// Fuzz target: the manifest processor. Any envelope that parses is run (unverified, with fetching
// limited to integrated payloads) on an in-memory device; it must never crash, and the only
// exception allowed out of the library is iotops::Error.
#include <cstddef>
#include <cstdint>

#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/suit/processor.hpp"

using namespace iotops;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        suit::Envelope env = suit::Envelope::parse(ByteView(data, size));
        suit::Device device;  // the identity of the spec's examples; never committed
        device.identity.vendor_id = hex_decode("fa6b4a53d5ad5fdfbe9de663e4d41ffe");
        device.identity.class_id = hex_decode("1492af1425695e48bf429b2d51f2ab45");
        device.slot = 1;
        device.components["00"] = Bytes(64, 0x5a);
        device.keys.keks.push_back(Bytes(16, 'a'));
        suit::ApplyOptions options;
        options.fetch = false;
        suit::ApplyResult r = suit::process(env, device, options);
        (void)r.to_json().dump();
    } catch (const Error&) {
    }
    return 0;
}
