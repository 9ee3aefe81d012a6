// iot-enroll: IDevID provisioning, EST, BRSKI pledge and registrar, EST-coaps / cBRSKI.
#include "common/tool.hpp"
#include "verbs.hpp"

int main(int argc, char** argv) {
    iotops::cli::Tool tool("iot-enroll",
                           "Provision IDevIDs; enroll over EST, BRSKI and cBRSKI as pledge or registrar");
    using namespace iotops::enroll_cli;
    add_provision(tool);
    return tool.run(argc, argv);
}
