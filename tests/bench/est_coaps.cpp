// The registrar's EST-coaps /sen resource against its HTTPS simpleenroll handler, both without
// sockets, on one Registrar and CA database: what the CoAP front end costs over the shared core.
// Prints enrolments per user CPU second for each, measured in alternating slices.

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "iotops/core/encoding.hpp"
#include "iotops/est/registrar_coaps.hpp"

#include "bench_support.hpp"

using namespace iotops;
using namespace iotops::bench;
using namespace iotops::crypto;

namespace {

struct Side {
    const char* name;
    std::function<bool(std::size_t)> enrol;  // true when issued
    std::size_t count = 0;
    double cpu = 0;
};

}  // namespace

int main(int argc, char** argv) {
    double seconds = argc > 1 ? std::stod(argv[1]) : 3.0;
    auto dir = std::filesystem::temp_directory_path() / ("bench_est_coaps_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    PrivateKey ca_key = PrivateKey::generate(KeyType::p256), vendor_key = PrivateKey::generate(KeyType::p256);
    Certificate ca_cert = make_ca(ca_key, "Bench domain CA"), vendor = make_ca(vendor_key, "Bench vendor CA");
    auto ca = std::make_shared<est::Ca>(est::CaConfig{ca_cert, ca_key, {}, (dir / "index.txt").string(), std::chrono::hours(24), ""});
    est::RegistrarConfig rc;
    rc.client_anchors = {vendor};
    est::Registrar reg(ca, rc);
    est::CoapHandler sen;
    for (auto& r : est::est_coap_resources(reg))
        if (r.path == "/.well-known/est/sen") sen = r.handler;

    // 64 pledges, each with an IDevID and a CSR, as an HTTPS request and as a CoAP request.
    std::vector<ServerRequest> https;
    std::vector<est::CoapRequest> coaps;
    for (int i = 0; i < 64; ++i) {
        PrivateKey k = PrivateKey::generate(KeyType::p256);
        std::string name = "CN=pledge,serialNumber=BENCH-" + std::to_string(i);
        CertificateSpec s;
        s.subject = parse_name(name);
        Certificate idevid = issue_certificate(s, k.public_key(), vendor_key, &vendor);
        Bytes csr = Csr::create(parse_name(name), k).der();
        ServerRequest h;
        h.method = "POST";
        h.path = "/.well-known/est/simpleenroll";
        h.content_type = "application/pkcs10";
        std::string b = est::base64_lines(csr);
        h.body = Bytes(b.begin(), b.end());
        h.peer_chain = {idevid};
        https.push_back(std::move(h));
        est::CoapRequest c;
        c.method = est::CoapMethod::post;
        c.path = "/.well-known/est/sen";
        c.content_format = est::coap_format::pkcs10;
        c.payload = csr;
        c.peer_chain = {idevid};
        coaps.push_back(std::move(c));
    }
    Side sides[] = {{"simpleenroll-https", [&](std::size_t i) { return reg.dispatch(https[i % https.size()]).status == 200; }},
                    {"sen-coaps", [&](std::size_t i) { return sen(coaps[i % coaps.size()]).code == est::coap_code::changed; }}};
    using Clock = std::chrono::steady_clock;
    auto deadline = Clock::now() + std::chrono::duration<double>(seconds * 2);
    // Alternating slices of 16 enrolments, so both sides see the same machine load.
    while (Clock::now() < deadline) {
        for (auto& side : sides) {
            double start = user_cpu_seconds();
            for (int i = 0; i < 16; ++i) {
                if (!side.enrol(side.count)) {
                    std::fprintf(stderr, "bench: %s refused\n", side.name);
                    return 1;
                }
                ++side.count;
            }
            side.cpu += user_cpu_seconds() - start;
        }
    }
    for (const auto& side : sides)
        std::printf("bench=est_coaps op=%s count=%zu cpu_seconds=%.3f per_second=%.1f\n", side.name, side.count, side.cpu,
                    side.cpu > 0 ? side.count / side.cpu : 0.0);
    std::filesystem::remove_all(dir);
    return 0;
}
