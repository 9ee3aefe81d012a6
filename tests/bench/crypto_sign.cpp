// Raw signature rate of libiotops keys against `openssl speed` measured in the same run.
// Both are rates per user CPU second. Prints one line per algorithm and operation: ours/s, openssl/s and the ratio (goal >= 0.8).

#include <cstdio>
#include <map>
#include <sstream>
#include <string>

#include "iotops/core.hpp"
#include "iotops/crypto/key.hpp"

#include "bench_support.hpp"

using namespace iotops;
using namespace iotops::bench;
using namespace iotops::crypto;

namespace {

template <typename F>
double rate(F&& op, double seconds) {
    double start = user_cpu_seconds();
    long n = 0;
    double elapsed = 0;
    do {
        for (int i = 0; i < 64; ++i) op();
        n += 64;
        elapsed = user_cpu_seconds() - start;
    } while (elapsed < seconds);
    return static_cast<double>(n) / elapsed;
}

// `openssl speed -mr` lines: +F4:k:bits:sign:verify (ECDSA), +F6:k:bits:name:sign:verify (EdDSA).
std::map<std::string, std::pair<double, double>> openssl_speed(int seconds) {
    std::map<std::string, std::pair<double, double>> out;
    std::string cmd = "openssl speed -seconds " + std::to_string(seconds) + " -mr ecdsap256 ecdsap384 ed25519 2>/dev/null";
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) return out;
    char line[512];
    while (fgets(line, sizeof line, p) != nullptr) {
        std::string s(line);
        std::vector<std::string> f;
        std::stringstream ss(s);
        for (std::string part; std::getline(ss, part, ':');) f.push_back(part);
        if (f.size() == 5 && f[0] == "+F4") out[f[2] == "256" ? "P-256" : "P-384"] = {std::stod(f[3]), std::stod(f[4])};
        if (f.size() == 6 && f[0] == "+F6" && f[3] == "Ed25519") out["Ed25519"] = {std::stod(f[4]), std::stod(f[5])};
    }
    pclose(p);
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = argc > 1 ? std::stod(argv[1]) : 2.0;
    auto baseline = openssl_speed(static_cast<int>(seconds + 0.5));
    Bytes msg(64, 0x5a);  // a COSE Sig_structure-sized message
    std::printf("%-8s %-6s %12s %12s %6s\n", "alg", "op", "iotops/s", "openssl/s", "ratio");
    for (KeyType t : {KeyType::p256, KeyType::p384, KeyType::ed25519}) {
        PrivateKey key = PrivateKey::generate(t);
        PublicKey pub = key.public_key();
        Hash h = t == KeyType::p384 ? Hash::sha384 : Hash::sha256;
        Bytes sig = key.sign(msg, h);
        double s = rate([&] { key.sign(msg, h); }, seconds);
        double v = rate([&] { (void)pub.verify(msg, sig, h); }, seconds);
        std::string name(key_type_name(t));
        auto it = baseline.find(name);
        for (auto [op, ours, theirs] : {std::tuple{"sign", s, it != baseline.end() ? it->second.first : 0.0},
                                        std::tuple{"verify", v, it != baseline.end() ? it->second.second : 0.0}}) {
            if (theirs > 0)
                std::printf("%-8s %-6s %12.0f %12.0f %6.2f\n", name.c_str(), op, ours, theirs, ours / theirs);
            else
                std::printf("%-8s %-6s %12.0f %12s %6s\n", name.c_str(), op, ours, "n/a", "n/a");
        }
    }
    return 0;
}
