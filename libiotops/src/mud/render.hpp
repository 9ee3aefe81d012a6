// The firewall back ends over a lowered policy.
#pragma once
#include "iotops/mud/compile.hpp"
#include "mud/lower.hpp"

namespace iotops::mud {

std::string render_nft(const Lowered& l, const Mud& mud, const Device& dev, const Resolution& dns,
                       const CompileOptions& o, Compiled& out);
std::string render_iptables(const Lowered& l, const Mud& mud, const Device& dev, const Resolution& dns, bool v6,
                            Compiled& out);

}  // namespace iotops::mud
