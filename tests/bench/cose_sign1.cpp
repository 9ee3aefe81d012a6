// COSE_Sign1 ES256 throughput through libiotops: sign (build headers, Sig_structure, sign, encode) and
// verify (parse, Sig_structure, verify) of a ~100 byte payload, single thread, fixed duration each.
// Output, one line per operation:
//   bench=cose_sign1 alg=ES256 op=sign count=N seconds=S cpu_seconds=C per_second=R wall_per_second=W
// per_second divides by the process's user CPU time, as `openssl speed` does by default, so that the
// ratio against it holds on a machine shared with other work; wall_per_second is the elapsed-time rate.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "iotops/crypto/cose.hpp"

#include "bench_support.hpp"

using namespace iotops;
using namespace iotops::bench;
using Clock = std::chrono::steady_clock;

namespace {

template <typename Fn>
void run(const char* op, double seconds, Fn&& fn) {
    // Warm up caches and lazily fetched algorithms outside the timed window.
    for (int i = 0; i < 50; ++i) fn();
    std::size_t count = 0;
    double cpu_start = user_cpu_seconds();
    auto start = Clock::now();
    auto deadline = start + std::chrono::duration<double>(seconds);
    Clock::time_point now;
    do {
        for (int i = 0; i < 16; ++i) fn();
        count += 16;
        now = Clock::now();
    } while (now < deadline);
    double elapsed = std::chrono::duration<double>(now - start).count();
    double cpu = user_cpu_seconds() - cpu_start;
    std::printf("bench=cose_sign1 alg=ES256 op=%s count=%zu seconds=%.3f cpu_seconds=%.3f per_second=%.1f "
                "wall_per_second=%.1f\n",
                op, count, elapsed, cpu, cpu > 0 ? count / cpu : 0.0, count / elapsed);
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
    auto key = crypto::PrivateKey::generate(crypto::KeyType::p256);
    Bytes payload(100);
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i * 7);
    crypto::cose::Options options;
    options.protected_header.set_kid(to_bytes("bench-key"));

    crypto::cose::Signer signer(key, crypto::cose::Algorithm::es256);
    Bytes wire;
    volatile std::size_t sink = 0;
    run("sign", seconds, [&] {
        wire = crypto::cose::Sign1::sign(signer, payload, options).encode();
        sink = sink + wire.size();
    });

    crypto::cose::Verifier verifier(key.public_key());
    std::size_t failures = 0;
    run("verify", seconds, [&] {
        if (!crypto::cose::Sign1::parse(wire).verify(verifier).ok) ++failures;
    });
    if (failures) {
        std::fprintf(stderr, "bench_cose_sign1: %zu verifications failed\n", failures);
        return 1;
    }
    return 0;
}
