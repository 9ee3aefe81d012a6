// The EST verbs of iot-enroll: the client (`est`) and the registrar server (`registrar serve`).
#pragma once
#include "common/tool.hpp"

namespace iotops::enroll_cli {

void add_est(cli::Tool& tool);
void add_registrar(cli::Tool& tool);

}  // namespace iotops::enroll_cli
