// iot-revoke: revocation, CRLs, OCSP and decommissioning (RFC 5280, RFC 6960, RFC 9608).
#include "common/tool.hpp"
#include "verbs.hpp"

int main(int argc, char** argv) {
    iotops::cli::Tool tool("iot-revoke",
                           "Revoke certificates, issue CRLs, check status, answer OCSP, decommission devices");
    using namespace iotops::revoke_cli;
    add_init(tool);
    add_add(tool);
    add_list(tool);
    add_revoke(tool);
    add_unhold(tool);
    add_crl(tool);
    add_status(tool);
    add_ocsp(tool);
    add_decommission(tool);
    return tool.run(argc, argv);
}
