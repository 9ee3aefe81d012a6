// iot-revoke: revocation, CRLs, OCSP and decommissioning (RFC 5280, RFC 6960, RFC 9608).
#include "common/tool.hpp"

int main(int argc, char** argv) {
    iotops::cli::Tool tool("iot-revoke",
                           "Revoke certificates, issue CRLs, check status, answer OCSP, decommission devices");
    return tool.run(argc, argv);
}
