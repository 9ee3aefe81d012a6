// The registrar's simpleenroll handler without sockets: CSR decode and signature check, the
// IDevID chain check, issuing, and recording in the CA database (a fresh one each run).
// Prints enrolments per user CPU second and per wall second (the database fsyncs each one).

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "iotops/core/encoding.hpp"
#include "iotops/est/registrar.hpp"

#include "bench_support.hpp"

using namespace iotops;
using namespace iotops::bench;
using namespace iotops::crypto;

int main(int argc, char** argv) {
    double seconds = argc > 1 ? std::stod(argv[1]) : 3.0;
    auto dir = std::filesystem::temp_directory_path() / ("bench_est_enroll_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    PrivateKey ca_key = PrivateKey::generate(KeyType::p256), vendor_key = PrivateKey::generate(KeyType::p256);
    Certificate ca_cert = make_ca(ca_key, "Bench domain CA"), vendor = make_ca(vendor_key, "Bench vendor CA");
    auto ca = std::make_shared<est::Ca>(est::CaConfig{ca_cert, ca_key, {}, (dir / "index.txt").string(),
                                                      std::chrono::hours(24), ""});
    est::RegistrarConfig rc;
    rc.client_anchors = {vendor};
    est::Registrar reg(ca, rc);

    // 64 pledges, each with an IDevID and a CSR, enrolling in turn.
    std::vector<ServerRequest> requests;
    for (int i = 0; i < 64; ++i) {
        PrivateKey k = PrivateKey::generate(KeyType::p256);
        std::string name = "CN=pledge,serialNumber=BENCH-" + std::to_string(i);
        CertificateSpec s;
        s.subject = parse_name(name);
        ServerRequest r;
        r.method = "POST";
        r.path = "/.well-known/est/simpleenroll";
        r.content_type = "application/pkcs10";
        std::string b = est::base64_lines(Csr::create(parse_name(name), k).der());
        r.body = Bytes(b.begin(), b.end());
        r.peer_chain = {issue_certificate(s, k.public_key(), vendor_key, &vendor)};
        requests.push_back(std::move(r));
    }
    using Clock = std::chrono::steady_clock;
    std::size_t count = 0;
    double cpu_start = user_cpu_seconds();
    auto start = Clock::now();
    auto deadline = start + std::chrono::duration<double>(seconds);
    Clock::time_point t;
    do {
        for (int i = 0; i < 8; ++i) {
            auto a = reg.dispatch(requests[count % requests.size()]);
            if (a.status != 200) {
                std::fprintf(stderr, "bench: refused %d: %s\n", a.status, to_string(a.body).c_str());
                return 1;
            }
            ++count;
        }
        t = Clock::now();
    } while (t < deadline);
    double elapsed = std::chrono::duration<double>(t - start).count();
    double cpu = user_cpu_seconds() - cpu_start;
    std::printf("bench=est_enroll op=simpleenroll count=%zu seconds=%.3f cpu_seconds=%.3f per_second=%.1f wall_per_second=%.1f\n",
                count, elapsed, cpu, cpu > 0 ? count / cpu : 0.0, count / elapsed);
    std::filesystem::remove_all(dir);
    return 0;
}
