// iot-enroll: IDevID provisioning, EST, BRSKI pledge and registrar, EST-coaps / cBRSKI.
#include "common/tool.hpp"
#include "verbs.hpp"

int main(int argc, char** argv) {
    iotops::cli::Tool tool("iot-enroll",
                           "Provision IDevIDs; enroll over EST, BRSKI and cBRSKI as pledge or registrar");
    using namespace iotops::enroll_cli;
    add_provision(tool);
    add_est(tool);
    add_registrar(tool);
    add_pledge(tool);
    return tool.run(argc, argv);
}
