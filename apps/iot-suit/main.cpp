// iot-suit: SUIT firmware manifests (RFC 9019, RFC 9124, draft-ietf-suit-*).
#include "common/tool.hpp"
#include "verbs.hpp"

int main(int argc, char** argv) {
    iotops::cli::Tool tool("iot-suit",
                           "Create, sign, verify and inspect SUIT manifests; encrypt and apply payloads");
    iotops::suit_cli::add_inspect(tool);
    iotops::suit_cli::add_verify(tool);
    iotops::suit_cli::add_create(tool);
    iotops::suit_cli::add_sign(tool);
    iotops::suit_cli::add_sever(tool);
    iotops::suit_cli::add_encrypt(tool);
    iotops::suit_cli::add_apply(tool);
    iotops::suit_cli::add_device_init(tool);
    return tool.run(argc, argv);
}
