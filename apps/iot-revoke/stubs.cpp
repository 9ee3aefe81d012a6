#include "verbs.hpp"
namespace iotops::revoke_cli {
void add_decommission(cli::Tool&) {}
}
