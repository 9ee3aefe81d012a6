// The verbs of iot-voucher, one file each; main.cpp registers them.
#pragma once
#include "common/tool.hpp"

namespace iotops::voucher_cli {

void add_inspect(cli::Tool& tool);
void add_verify(cli::Tool& tool);
void add_sign(cli::Tool& tool);
void add_convert(cli::Tool& tool);
void add_create(cli::Tool& tool);
void add_request(cli::Tool& tool);
void add_serve(cli::Tool& tool);

}  // namespace iotops::voucher_cli
