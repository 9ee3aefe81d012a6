// The verbs of iot-suit, one file each.
#pragma once
#include "common/tool.hpp"

namespace iotops::suit_cli {

void add_inspect(cli::Tool& tool);
void add_verify(cli::Tool& tool);
void add_create(cli::Tool& tool);
void add_sign(cli::Tool& tool);
void add_sever(cli::Tool& tool);
void add_encrypt(cli::Tool& tool);
void add_apply(cli::Tool& tool);
void add_device_init(cli::Tool& tool);

}  // namespace iotops::suit_cli
