// MASA throughput through libiotops: Masa::request_voucher on registrar voucher-requests (CMS, P-256)
// for 256 different pledges of one registrar, single thread, no audit log file. Each answer checks
// the RVR signature and registrar chain, the PVR signature and IDevID chain, and signs a voucher.
// Output:
//   bench=est_masa op=requestvoucher count=N seconds=S cpu_seconds=C per_second=R wall_per_second=W
// per_second divides by user CPU time, as `openssl speed` does by default.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "iotops/core/encoding.hpp"
#include "iotops/est/masa.hpp"
#include "iotops/voucher.hpp"

#include "bench_support.hpp"

using namespace iotops;
using namespace iotops::bench;
using Clock = std::chrono::steady_clock;

namespace {

struct Id {
    crypto::PrivateKey key;
    crypto::Certificate cert;
};

Id issue(crypto::CertificateSpec spec, const Id* issuer) {
    auto key = crypto::PrivateKey::generate(crypto::KeyType::p256);
    auto cert = issuer ? crypto::issue_certificate(spec, key.public_key(), issuer->key, &issuer->cert)
                       : crypto::issue_certificate(spec, key.public_key(), key);
    return {key, cert};
}

crypto::CertificateSpec spec(const std::string& cn, bool ca, std::vector<std::string> eku = {}, std::string serial = {}) {
    crypto::CertificateSpec s;
    s.subject = {{"CN", cn}};
    if (!serial.empty()) s.subject.push_back({"serialNumber", serial});
    s.is_ca = ca;
    s.key_usage = ca ? crypto::ku_key_cert_sign : crypto::ku_digital_signature;
    s.ext_key_usage = std::move(eku);
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
    auto vendor = issue(spec("vendor", true), nullptr);
    auto masa_id = issue(spec("masa", false), &vendor);
    auto domain = issue(spec("domain", true), nullptr);
    auto registrar = issue(spec("registrar", false, {crypto::oid::kp_cmc_ra}), &domain);

    std::vector<est::BrskiRequest> requests;
    for (int i = 0; i < 256; ++i) {
        auto pledge = issue(spec("pledge", false, {}, "SN-" + std::to_string(i)), &vendor);
        auto pvr = voucher::create(voucher::Kind::voucher_request,
                                   {{"assertion", "proximity"}, {"nonce", base64_encode(Bytes(16, static_cast<std::uint8_t>(i)))},
                                    {"proximity-registrar-cert", base64_encode(registrar.cert.der())}});
        voucher::SignOptions so;
        auto pvr_bytes = voucher::sign(pvr, pledge.key, pledge.cert, so);
        auto rvr = voucher::create_rvr(voucher::open(pvr_bytes), nlohmann::json::object());
        so.chain = {domain.cert};
        est::BrskiRequest r;
        r.content_type = est::media_voucher_cms;
        r.body = voucher::sign(rvr, registrar.key, registrar.cert, so);
        requests.push_back(std::move(r));
    }
    est::MasaConfig c{masa_id.key, masa_id.cert};
    c.idevid_anchors = {vendor.cert};
    est::Masa masa(c);

    for (int i = 0; i < 20; ++i)
        if (masa.request_voucher(requests[i]).status != 200) {
            std::fprintf(stderr, "bench: the MASA refused: %s\n", masa.request_voucher(requests[i]).body_text().c_str());
            return 1;
        }
    std::size_t count = 0;
    double cpu_start = user_cpu_seconds();
    auto start = Clock::now();
    auto deadline = start + std::chrono::duration<double>(seconds);
    Clock::time_point t;
    do {
        for (int i = 0; i < 8; ++i) {
            if (masa.request_voucher(requests[count % requests.size()]).status != 200) return 1;
            ++count;
        }
        t = Clock::now();
    } while (t < deadline);
    double elapsed = std::chrono::duration<double>(t - start).count();
    double cpu = user_cpu_seconds() - cpu_start;
    std::printf("bench=est_masa op=requestvoucher count=%zu seconds=%.3f cpu_seconds=%.3f per_second=%.1f wall_per_second=%.1f\n",
                count, elapsed, cpu, cpu > 0 ? count / cpu : 0.0, count / elapsed);
    return 0;
}
