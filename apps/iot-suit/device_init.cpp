// iot-suit device-init: create a simulated device directory for 'iot-suit apply'.
#include <memory>

#include "iotops/core/error.hpp"
#include "iotops/suit/device.hpp"
#include "iotops/suit/uuid.hpp"
#include "verbs.hpp"

namespace iotops::suit_cli {
namespace {

struct Opts {
    std::string dir;
    std::string vendor, clazz, device;
    std::optional<std::uint64_t> sequence;
    std::uint64_t slot = 0;
    std::vector<std::string> trust, keys;
};

// A bad identifier on the command line is a usage error, not bad input.
Bytes uuid_option(const std::string& text) {
    try {
        return suit::parse_uuid(text);
    } catch (const Error& e) {
        throw Error(ErrorKind::usage, e.what());
    }
}

}  // namespace

void add_device_init(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb(
        "device-init", "Create a simulated device directory (identity, trust anchors, decryption keys)",
        [o](cli::Context& ctx) {
            suit::DeviceInit init;
            init.vendor_id = uuid_option(o->vendor);
            init.class_id = uuid_option(o->clazz);
            if (!o->device.empty()) init.device_id = uuid_option(o->device);
            init.sequence_number = o->sequence;
            init.slot = o->slot;
            init.trust_files = o->trust;
            init.key_files = o->keys;
            suit::init_device(o->dir, init);
            if (!ctx.quiet) *ctx.err << ctx.tool << ": created device " << o->dir << "\n";
            return 0;
        });
    verb.add_option("DIR", o->dir, "Directory to create (must not exist, or be empty)")->required();
    verb.add_option("--vendor-id", o->vendor, "Vendor identifier (UUID)")->required();
    verb.add_option("--class-id", o->clazz, "Class identifier (UUID)")->required();
    verb.add_option("--device-id", o->device, "Device identifier (UUID)");
    verb.add_option("--sequence-number", o->sequence, "Sequence number of the last accepted manifest (default: none, any sequence number is accepted)");
    verb.add_option("--slot", o->slot, "Slot the device installs into, for component-slot conditions (default 0)");
    verb.add_option("--trust", o->trust, "Trust anchor: public key or certificate (.pem), or HMAC secret (.mac); repeatable")
        ->allow_extra_args(false);
    verb.add_option("--key", o->keys, "Decryption key: 16-byte A128KW secret (.kek) or P-256 private key (.pem); repeatable")
        ->allow_extra_args(false);
}

}  // namespace iotops::suit_cli
