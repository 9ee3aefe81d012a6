// Test driver: est::CoapServer and est::CoapClient for the libcoap interop tests.
//   driver_coap serve CERT KEY [VOUCHER [CF]]
//                                         serves on 127.0.0.1 (free port) until SIGTERM; prints
//                                         "listening on coaps://127.0.0.1:PORT" on stderr. With
//                                         VOUCHER it is a rogue cBRSKI registrar: every POST to
//                                         /.well-known/brski/rv gets that file's bytes (content-
//                                         format CF, default 836), /vs and /es get 2.04.
//   driver_coap METHOD URI PATH [options] get|post|put|delete|discover; the body on stdout and
//                                         "code=2.05 cf=N bytes=N mfl=N chain=N" on stderr
// options: --ca FILE (pinned anchors) | --provisional, --cert FILE --key FILE (client certificate,
// then its chain), --in FILE (request body), --cf N, --accept N, --timeout-ms N, --mfl N.
// Resources served: /hello (text), /big (3000 bytes, CBOR), /.well-known/est/crts (the server
// certificate, pkix-cert), /peer (the client certificate's subject, or "none").
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "iotops/core/error.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/key.hpp"
#include "iotops/est/coap.hpp"

using namespace iotops;
using namespace iotops::est;

namespace {

Bytes read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorKind::missing, "cannot open " + path);
    return Bytes(std::istreambuf_iterator<char>(in), {});
}

Bytes big_body() {
    Bytes b(3000);
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>('a' + i % 26);
    return b;
}

void add_rogue_registrar(CoapServer& server, const Bytes& voucher, unsigned cf) {
    server.add({"/.well-known/brski/rv", {CoapMethod::post}, {"brski.rv"}, {cf}, "",
                [voucher, cf](const CoapRequest&) { return CoapResponse{coap_code::changed, cf, voucher}; }});
    for (const char* path : {"/.well-known/brski/vs", "/.well-known/brski/es"})
        server.add({path, {CoapMethod::post}, {}, {coap_format::cbor}, "",
                    [](const CoapRequest&) { return CoapResponse{coap_code::changed, std::nullopt, {}}; }});
}

int serve(const std::string& cert, const std::string& key, int argc, char** argv) {
    auto chain = crypto::Certificate::load_all_file(cert);
    CoapServer server({chain, crypto::PrivateKey::load(read_all(key)), true});
    server.add({"/hello", {CoapMethod::get}, {"test.hello"}, {coap_format::text_plain}, "",
                [](const CoapRequest&) { return CoapResponse::text(coap_code::content, "hello"); }});
    server.add({"/big", {CoapMethod::get}, {"test.big"}, {coap_format::cbor}, "",
                [](const CoapRequest&) { return CoapResponse{coap_code::content, coap_format::cbor, big_body()}; }});
    server.add({"/.well-known/est/crts", {CoapMethod::get}, {"ace.est.crts"}, {coap_format::pkix_cert}, "",
                [&chain](const CoapRequest&) { return CoapResponse{coap_code::content, coap_format::pkix_cert, chain.front().der()}; }});
    server.add({"/peer", {CoapMethod::get}, {}, {coap_format::text_plain}, "", [](const CoapRequest& r) {
                    return CoapResponse::text(coap_code::content, r.peer_chain.empty() ? "none" : r.peer_chain.front().subject());
                }});
    if (argc >= 5) add_rogue_registrar(server, read_all(argv[4]), argc >= 6 ? std::stoul(argv[5]) : coap_format::voucher_cose);
    server.bind("127.0.0.1", 0);
    std::cerr << "listening on " << server.origin() << std::endl;
    server.run();
    return 0;
}

int client(const std::string& verb, int argc, char** argv) {
    if (argc < 4) throw Error(ErrorKind::usage, "usage: driver_coap METHOD URI PATH [options]");
    std::string uri = argv[2], path = argv[3];
    CoapClientOptions o;
    Bytes body;
    std::optional<unsigned> cf, accept;
    for (int i = 4; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw Error(ErrorKind::usage, a + " needs a value");
            return argv[++i];
        };
        if (a == "--ca") o.pinned_anchors = crypto::Certificate::load_all_file(value());
        else if (a == "--provisional") o.provisional = true;
        else if (a == "--cert") o.client_certificates = crypto::Certificate::load_all_file(value());
        else if (a == "--key") o.client_key = crypto::PrivateKey::load(read_all(value()));
        else if (a == "--in") body = read_all(value());
        else if (a == "--cf") cf = std::stoul(value());
        else if (a == "--accept") accept = std::stoul(value());
        else if (a == "--timeout-ms") o.timeout_ms = std::stoi(value());
        else if (a == "--mfl") o.max_fragment_length = std::stoul(value());
        else throw Error(ErrorKind::usage, "unknown option " + a);
    }
    CoapClient c(uri, o);
    if (verb == "discover") {
        for (const auto& l : c.discover(path == "-" ? "" : path)) {
            std::cout << l.target;
            for (const auto& rt : l.resource_types()) std::cout << " rt=" << rt;
            for (unsigned f : l.content_formats()) std::cout << " ct=" << f;
            std::cout << "\n";
        }
        return 0;
    }
    CoapMethod m = verb == "get"    ? CoapMethod::get
                   : verb == "post" ? CoapMethod::post
                   : verb == "put"  ? CoapMethod::put
                   : verb == "delete" ? CoapMethod::del
                                      : throw Error(ErrorKind::usage, "unknown method " + verb);
    auto r = c.request(m, path, body, cf, accept);
    std::cout.write(reinterpret_cast<const char*>(r.payload.data()), static_cast<std::streamsize>(r.payload.size()));
    std::cerr << "code=" << code_string(r.code) << " cf=" << (r.content_format ? std::to_string(*r.content_format) : "none")
              << " bytes=" << r.payload.size() << " mfl=" << c.max_fragment_length() << " chain=" << r.server_chain.size()
              << "\n";
    return r.success() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        if (argc >= 4 && std::string(argv[1]) == "serve") return serve(argv[2], argv[3], argc, argv);
        if (argc >= 2) return client(argv[1], argc, argv);
        throw Error(ErrorKind::usage, "usage: driver_coap serve CERT KEY [VOUCHER [CF]] | driver_coap METHOD URI PATH [options]");
    } catch (const Error& e) {
        std::cerr << "driver_coap: error: " << e.what() << "\n";
        return exit_code(e.kind());
    }
}
