// The verbs of iot-enroll, one file each.
#pragma once
#include "common/tool.hpp"

namespace iotops::enroll_cli {

void add_provision(cli::Tool& tool);
void add_est(cli::Tool& tool);
void add_registrar(cli::Tool& tool);
void add_pledge(cli::Tool& tool);

}  // namespace iotops::enroll_cli
