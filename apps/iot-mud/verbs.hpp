// The verbs of iot-mud, one file each.
#pragma once
#include "common/tool.hpp"

namespace iotops::mud_cli {

void add_validate(cli::Tool& tool);
void add_create(cli::Tool& tool);
void add_compile(cli::Tool& tool);
void add_quarantine(cli::Tool& tool);
void add_sign(cli::Tool& tool);
void add_verify(cli::Tool& tool);
void add_url(cli::Tool& tool);
void add_diff(cli::Tool& tool);
void add_fetch(cli::Tool& tool);

}  // namespace iotops::mud_cli
