// iot-voucher: vouchers and voucher-requests (RFC 8366 / 8366bis, RFC 8995, JWS, cBRSKI).
#include "common/tool.hpp"

int main(int argc, char** argv) {
    iotops::cli::Tool tool("iot-voucher",
                           "Create, sign, verify and inspect vouchers and voucher-requests; serve as a MASA");
    return tool.run(argc, argv);
}
