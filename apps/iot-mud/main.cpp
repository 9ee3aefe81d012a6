// iot-mud: Manufacturer Usage Descriptions (RFC 8520, RFC 8519, RFC 9761).
#include "common/tool.hpp"
#include "verbs.hpp"

int main(int argc, char** argv) {
    iotops::cli::Tool tool("iot-mud",
                           "Create, validate, sign, verify and fetch MUD files; compile them to firewall rules");
    iotops::mud_cli::add_validate(tool);
    iotops::mud_cli::add_create(tool);
    iotops::mud_cli::add_compile(tool);
    iotops::mud_cli::add_quarantine(tool);
    iotops::mud_cli::add_sign(tool);
    iotops::mud_cli::add_verify(tool);
    iotops::mud_cli::add_url(tool);
    iotops::mud_cli::add_diff(tool);
    iotops::mud_cli::add_fetch(tool);
    return tool.run(argc, argv);
}
