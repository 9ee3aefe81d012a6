// Test driver: the in-process cBRSKI registrar of the unit tests as a program, for CLI tests of
// `iot-enroll pledge --registrar coaps://...`.
//   driver_cbrski_registrar DIR [--break WHAT]
// writes DIR/vendor.pem and vendor.key (to provision IDevIDs with), DIR/masa.pem (the MASA's
// voucher signing certificate) and DIR/domain-ca.pem, prints "listening on coaps://127.0.0.1:PORT"
// on stderr and serves until SIGTERM. WHAT makes it misbehave: rv-format (the voucher in CF 60),
// nonce (a voucher for another nonce), serial (for another pledge), crts-format (287 for 62),
// es-refused (4.00 to enrollstatus).
#include <fstream>
#include <iostream>

#include "../../unit/support/fake_coaps_registrar.hpp"
#include "iotops/core/error.hpp"

using namespace iotops;

namespace {

void write(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out) throw Error(ErrorKind::io, "cannot write " + path);
}

}  // namespace

int main(int argc, char** argv) {
    try {
        if (argc != 2 && !(argc == 4 && std::string(argv[2]) == "--break"))
            throw Error(ErrorKind::usage, "usage: driver_cbrski_registrar DIR [--break WHAT]");
        std::string dir = argv[1], what = argc == 4 ? argv[3] : "";
        test::BrskiPki pki;
        write(dir + "/vendor.pem", pki.vendor.cert.pem());
        write(dir + "/vendor.key", pki.vendor.key.pkcs8_pem());
        write(dir + "/masa.pem", pki.masa.cert.pem());
        write(dir + "/domain-ca.pem", pki.domain_ca.cert.pem());
        test::FakeCoapsRegistrar srv(pki);
        namespace cf = est::coap_format;
        if (what == "rv-format")
            srv.replace["/.well-known/brski/rv"] = [](const est::CoapRequest&) {
                return est::CoapResponse{est::coap_code::changed, cf::cbor, Bytes{0xa0}};
            };
        else if (what == "nonce")
            srv.tweak_voucher = [](nlohmann::json& v) { v["nonce"] = "AAECAwQFBgcICQoLDA0ODw=="; };
        else if (what == "serial")
            srv.tweak_voucher = [](nlohmann::json& v) { v["serial-number"] = "SOMEONE-ELSE"; };
        else if (what == "crts-format")
            srv.replace["/.well-known/est/crts"] = [&pki](const est::CoapRequest&) {
                return est::CoapResponse{est::coap_code::content, cf::pkix_cert, pki.domain_ca.cert.der()};
            };
        else if (what == "es-refused")
            srv.replace["/.well-known/brski/es"] = [](const est::CoapRequest&) {
                return est::CoapResponse::text(est::coap_code::bad_request, "enrollstatus not understood");
            };
        else if (!what.empty())
            throw Error(ErrorKind::usage, "unknown --break " + what);
        srv.start();
        std::cerr << "listening on " << srv.uri() << std::endl;
        srv.thread.join();  // run() returns on SIGTERM
        return 0;
    } catch (const Error& e) {
        std::cerr << "driver_cbrski_registrar: error: " << e.what() << "\n";
        return exit_code(e.kind());
    }
}
