// iot-enroll: IDevID provisioning, EST, BRSKI pledge and registrar, EST-coaps / cBRSKI.
#include "common/tool.hpp"
#include "est_verbs.hpp"

int main(int argc, char** argv) {
    iotops::cli::Tool tool("iot-enroll",
                           "Provision IDevIDs; enroll over EST, BRSKI and cBRSKI as pledge or registrar");
    iotops::enroll_cli::add_est(tool);
    iotops::enroll_cli::add_registrar(tool);
    return tool.run(argc, argv);
}
