// iot-voucher: vouchers and voucher-requests (RFC 8366 / 8366bis, RFC 8995, JWS, cBRSKI).
#include "common/tool.hpp"
#include "verbs.hpp"

int main(int argc, char** argv) {
    iotops::cli::Tool tool("iot-voucher",
                           "Create, sign, verify and inspect vouchers and voucher-requests; serve as a MASA");
    iotops::voucher_cli::add_create(tool);
    iotops::voucher_cli::add_request(tool);
    iotops::voucher_cli::add_inspect(tool);
    iotops::voucher_cli::add_verify(tool);
    iotops::voucher_cli::add_sign(tool);
    iotops::voucher_cli::add_convert(tool);
    iotops::voucher_cli::add_serve(tool);
    return tool.run(argc, argv);
}
