#include "verbs.hpp"
namespace iotops::revoke_cli {
void add_ocsp(cli::Tool&) {}
void add_decommission(cli::Tool&) {}
}
